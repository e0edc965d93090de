// Target: mounting the storage journal (StateStore + EventLog) from an arbitrary flash image,
// then using it as the lock does, then the whole Lock booting from the same kind of image.
//
// Input: the flash image (fuzz_config(): 11 blocks of 1 KiB; a shorter input is padded with
// erased 0xFF bytes, a longer one cut).
//
// Invariants: mount either fails or gives a store that reads every slot without a fault, and
// then a slot write, a settings write and an event append all succeed on healthy flash and
// survive a remount bit for bit (whatever the image held before); the event log never claims
// more holes than records, and its oldest sequence number is not past its head. The Lock
// booted from the image keeps answering identity and status either way.
#include <cstring>

#include "core/storage.h"
#include "fw_lock.h"

using namespace lockfw;

namespace {

Settings defaults() {
  Settings s{};
  s.generation = 1;
  s.secret_epoch = 1;
  for (uint8_t i = 0; i < sizeof s.secret; ++i) s.secret[i] = static_cast<uint8_t>(i * 7 + 1);
  s.wrong_limit = 5;
  s.doubling = 1;
  s.disable_s = 60;
  s.max_disable_s = 3600;
  return s;
}

void state_store(host::FlashSim& flash, const DeviceConfig& c) {
  StateStore store;
  if (!store.mount(flash, c.state_first_block, c.state_blocks, c.slot_count, defaults())) return;
  for (uint16_t i = 0; i < c.slot_count; ++i) {
    SlotData d{};
    (void)store.slot(i, d);
  }
  SlotData d{};
  d.flags = wire::kSlotOccupied | wire::kSlotEnabled;
  d.role_kind = wire::pack_role_kind(wire::kRoleUser, wire::kKindPersistent);
  d.generation = store.settings().generation;
  d.created = 1767225600u;
  for (uint8_t i = 0; i < sizeof d.hash; ++i) d.hash[i] = static_cast<uint8_t>(0xC0 ^ i);
  OpEvents ev{};
  ev.first_seq = 7;
  ev.count = 1;
  ev.ev[0] = EventStub{wire::kEvCodeAdded, 0, 2};
  fuzz::check(store.write_slot(2, d, &ev), "a slot write after mount");
  Settings s = store.settings();
  s.session_counter += 1;
  s.wrong_attempts = 3;
  fuzz::check(store.write_settings(s, nullptr), "a settings write after mount");

  StateStore again;
  fuzz::check(again.mount(flash, c.state_first_block, c.state_blocks, c.slot_count, defaults()),
              "the store remounts after a write");
  SlotData back{};
  fuzz::check(again.slot(2, back), "the written slot reads back");
  fuzz::check(std::memcmp(&back, &d, sizeof d) == 0, "the written slot reads back bit for bit");
  fuzz::check(std::memcmp(&again.settings(), &s, sizeof s) == 0, "the written settings read back bit for bit");
}

void event_log(host::FlashSim& flash, const DeviceConfig& c) {
  EventLog log;
  if (!log.mount(flash, c.event_first_block, c.event_blocks)) return;
  const uint32_t head = log.head_seq();
  fuzz::check(log.oldest_seq() <= head, "the oldest event is past the head");
  const uint32_t capacity = log.per_block() * c.event_blocks;
  fuzz::check(log.hole_count() <= capacity, "more holes than record places");
  for (uint32_t seq = log.oldest_seq(); seq < head && seq - log.oldest_seq() < capacity; ++seq) {
    Event e{};
    (void)log.read(seq, e);
  }
  Event ev{0, 1767225601u, wire::kEvPowerOn, 0, kNoSlot};
  fuzz::check(log.append(ev), "an event append after mount");
  fuzz::check(ev.seq == head, "the appended event takes the head sequence number");
  Event back{};
  fuzz::check(log.read(ev.seq, back) && back.time == ev.time && back.type == ev.type, "the appended event reads back");

  EventLog again;
  fuzz::check(again.mount(flash, c.event_first_block, c.event_blocks), "the event log remounts after an append");
  fuzz::check(again.head_seq() == head + 1, "the head after remount is one past the appended event");
  Event back2{};
  fuzz::check(again.read(ev.seq, back2) && back2.time == ev.time && back2.type == ev.type,
              "the appended event survives a remount");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const DeviceConfig c = fuzz::fuzz_config();
  std::vector<uint8_t> image(fuzz::image_size(), 0xFF);
  std::memcpy(image.data(), data, std::min(size, image.size()));
  {
    host::FlashSim flash(fuzz::kBlockSize, static_cast<uint32_t>(image.size() / fuzz::kBlockSize));
    std::memcpy(flash.data(), image.data(), image.size());
    state_store(flash, c);
    event_log(flash, c);
  }
  // The whole lock on the untouched image: boots or says storage failed, and still answers.
  auto lock = fuzz::make_lock(&image);
  fuzz::check(lock->vl.call(wire::kCmdGetIdentity).error == wire::kErrNone, "identity answers on any image");
  fuzz::check(lock->vl.call(wire::kCmdGetStatus).error == wire::kErrNone, "status answers on any image");
  if (lock->booted) (void)fuzz::slots_of(lock->vl.lock());
  return 0;
}
