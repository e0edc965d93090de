// The minimal Cortex-M port: what is generic is real (SysTick time base, memory-mapped flash
// reads, the portable crypto); what depends on the board is a stub, marked BOARD-SPECIFIC,
// that a product port replaces with its drivers (flash controller, RTC, ADC, motor driver,
// TRNG, USB device stack). This build exists to prove the core fits and links freestanding.
#include <stdint.h>

#include "core/lock.h"
#include "core/service_port.h"
#include "port/cortexm/soft_crypto.h"

extern "C" uint8_t __storage_start[];
extern "C" uint8_t __storage_end[];
extern "C" uint8_t __secrets_start[];

namespace {

volatile uint32_t g_ms = 0;

class SysTickTicks final : public lockfw::hal::Ticks {
 public:
  uint32_t now_ms() override { return g_ms; }
};

// BOARD-SPECIFIC: the part's RTC peripheral (backup domain). This stub keeps time from
// SysTick and loses it at reset, which is what "not set after power loss" looks like.
class BoardRtc final : public lockfw::hal::Rtc {
 public:
  bool is_set() override { return set_; }
  uint32_t now() override { return base_ + (g_ms - at_ms_) / 1000u; }
  void set(uint32_t utc) override {
    base_ = utc;
    at_ms_ = g_ms;
    set_ = true;
  }

 private:
  bool set_ = false;
  uint32_t base_ = 0, at_ms_ = 0;
};

// BOARD-SPECIFIC: ADC reading of the battery divider.
class BoardBattery final : public lockfw::hal::Battery {
 public:
  uint16_t millivolts() override { return 5900; }
};

// BOARD-SPECIFIC: H-bridge pulse on the bolt motor.
class BoardBolt final : public lockfw::hal::Bolt {
 public:
  bool unlock() override { return true; }
};

// BOARD-SPECIFIC: the part's TRNG. This stub is NOT random and must never ship.
class BoardEntropy final : public lockfw::hal::Entropy {
 public:
  void fill(uint8_t* buf, size_t n) override {
    for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>(g_ms * 2654435761u >> 24);
  }
};

// Reads are memory-mapped (real); program and erase need the flash controller
// (BOARD-SPECIFIC: unlock, wait for BSY, double-word programming on STM32L4).
class BoardFlash final : public lockfw::hal::Flash {
 public:
  uint32_t block_size() const override { return 4096; }
  uint32_t block_count() const override { return static_cast<uint32_t>((__storage_end - __storage_start) / 4096); }
  bool read(uint32_t addr, uint8_t* buf, uint32_t n) override {
    if (addr + n > static_cast<uint32_t>(__storage_end - __storage_start)) return false;
    __builtin_memcpy(buf, __storage_start + addr, n);
    return true;
  }
  bool prog(uint32_t, const uint8_t*, uint32_t) override { return false; }
  bool erase(uint32_t) override { return false; }
};

// hal::SecretStore on its own flash page (SECRETS in lockfw-m4.ld), outside the journal's
// region. The part runs at RDP level 2 (docs/firmware.md, "Secret store"): no debug port, no
// system bootloader, so neither this page nor the journal can be read out; a dump of the
// journal by other means (desoldered chip) still lacks the key only if the board keeps this
// page in the part's securable/OTP area (STM32L4+: the secure user memory). Each id owns a
// 64-byte record: the key, then a 4-byte marker ("LKEY" + id) that says it was written whole.
class BoardSecretStore final : public lockfw::hal::SecretStore {
 public:
  bool load(lockfw::hal::SecretId id, uint8_t out[lockfw::hal::kSecretSize]) override {
    if (id >= lockfw::hal::kSecretIdCount) return false;
    const uint8_t* rec = __secrets_start + id * kRecord;
    if (rec[32] != 'L' || rec[33] != 'K' || rec[34] != 'E' || rec[35] != static_cast<uint8_t>('0' + id)) return false;
    __builtin_memcpy(out, rec, lockfw::hal::kSecretSize);
    return true;
  }
  // BOARD-SPECIFIC: read the other records into RAM, erase the page, program the records back
  // with the new key (double words), marker last. Until a flash driver exists nothing is stored,
  // and the lock reports that it has no key (Lock::secret_ok()).
  bool store(lockfw::hal::SecretId, const uint8_t*) override { return false; }

 private:
  static constexpr uint32_t kRecord = 64;
};

// BOARD-SPECIFIC: the USB device stack's HID IN endpoint (e.g. TinyUSB tud_hid_report).
class BoardUsb final : public lockfw::hal::UsbPort {
 public:
  bool send_report(const uint8_t*) override { return true; }
};

SysTickTicks g_ticks;
BoardRtc g_rtc;
BoardBattery g_battery;
BoardBolt g_bolt;
BoardEntropy g_entropy;
BoardFlash g_flash;
BoardUsb g_usb;
BoardSecretStore g_secrets;
lockfw::soft::SoftCrypto g_crypto;
const lockfw::DeviceConfig g_config{};
lockfw::Lock g_lock(g_config, "LD1-00000000",
                    lockfw::LockHal{g_ticks, g_rtc, g_battery, g_bolt, g_flash, g_crypto, g_entropy, g_secrets});
lockfw::ServicePort g_port(g_usb, g_ticks, g_entropy, g_lock);

}  // namespace

extern "C" void SysTick_Handler() { g_ms = g_ms + 1; }

// BOARD-SPECIFIC hooks the USB stack and the keypad matrix scan call.
extern "C" void lockfw_usb_out_report(const uint8_t* report64) { g_port.on_report(report64); }
extern "C" void lockfw_keypad_key(char key) { g_lock.key(key); }

int main() {
  g_lock.boot();
  for (;;) {
    g_lock.poll();
    g_port.poll();
    __asm volatile("wfi");
  }
}
