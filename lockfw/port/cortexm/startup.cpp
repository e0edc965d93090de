// Cortex-M4 startup: vector table, .data/.bss initialisation, static constructors, main.
#include <stdint.h>

extern "C" {
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();
void Reset_Handler();
void Default_Handler();
void SysTick_Handler();

// Pure virtual call: a firmware bug; stop here where a debugger sees it.
void __cxa_pure_virtual() {
  for (;;) {
  }
}
}

extern "C" void Default_Handler() {
  for (;;) {
  }
}

extern "C" void Reset_Handler() {
  uint32_t* src = &_sidata;
  for (uint32_t* dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  for (auto f = __init_array_start; f < __init_array_end; ++f) (*f)();
  main();
  for (;;) {
  }
}

// Cortex-M4 core vectors; the part's peripheral vectors (USB, RTC, ...) follow on a real board.
__attribute__((section(".isr_vector"), used)) void (*const g_vectors[16])() = {
    reinterpret_cast<void (*)()>(&_estack),
    Reset_Handler,
    Default_Handler,  // NMI
    Default_Handler,  // HardFault
    Default_Handler,  // MemManage
    Default_Handler,  // BusFault
    Default_Handler,  // UsageFault
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    Default_Handler,  // SVCall
    Default_Handler,  // DebugMon
    nullptr,
    Default_Handler,  // PendSV
    SysTick_Handler,
};
