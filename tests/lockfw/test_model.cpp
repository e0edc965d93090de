// Model-based test: thousands of random keypad entries, service commands, waits and power
// cycles against the firmware core and a small reference model side by side. After every
// step both must agree on what the lock did (bolt, session, enrollment, confirmation,
// lockout) and on every slot (occupied, role, enabled).
#include <map>
#include <random>

#include "support.h"

using namespace lockfw;
using namespace lockfw::test;

namespace {

struct RefSlot {
  std::string code;
  uint8_t role;
  bool enabled;
};

struct Ref {
  std::map<int, RefSlot> slots;
  int attempts = 0, level = 0;
  bool locked = false;
  uint64_t lock_until = 0;
  int limit = 5, disable = 60, maxd = 3600;
  bool doubling = true;
  bool session = false;
  uint64_t session_last = 0;
  uint8_t enroll = kEnrollIdle;
  int enroll_slot = 0;
  uint8_t enroll_role = 0;
  std::string first;
  uint64_t enroll_started = 0;
  uint8_t confirm = kConfirmNone, action = 0;
  int arg = 0;
  uint64_t confirm_started = 0;
  uint64_t unlocks = 0;
  uint64_t now = 0;
  int commits = 0, lockouts = 0, resets = 0, deletes = 0;
  size_t max_slots = 0;
  // 1.2: wrong entries per hour over the last 25 hours of the lock's RTC (docs/firmware.md,
  // "Lockout"), the daily cap and the quiet period that decays the lockout level.
  uint32_t rtc_s = 0, whour = 0;
  int hours[25] = {};
  int cap = 20, quiet_h = 24;
  int capped_refusals = 0;

  void roll() {
    const uint32_t h = rtc_s / 3600;
    if (h <= whour) return;
    if (h - whour >= 25)
      for (int& c : hours) c = 0;
    else
      for (uint32_t k = whour + 1; k <= h; ++k) hours[k % 25] = 0;
    whour = h;
  }
  int today() const {
    int n = 0;
    for (int c : hours) n += c;
    return n;
  }
  bool capped() {
    roll();
    return today() >= cap;
  }

  int admins() const {
    int n = 0;
    for (auto& [i, s] : slots) n += s.role == kRoleAdmin;
    return n;
  }
  uint8_t session_state() const { return session ? kSessionOpen : admins() == 0 ? kSessionFactory : kSessionNone; }
  bool enrolling() const { return enroll == kEnrollWaitFirst || enroll == kEnrollWaitSecond; }
  static bool len_ok(const std::string& d) { return d.size() >= 4 && d.size() <= 10; }
  int match(const std::string& d, bool admin_only, int skip = -1) const {
    for (auto& [i, s] : slots)
      if (i != skip && s.code == d && (!admin_only || s.role == kRoleAdmin)) return i;
    return -1;
  }

  void wrong_code() {
    roll();
    int quiet = 25;
    for (int back = 0; back < 25; ++back)
      if (hours[(whour + 25 - back) % 25]) {
        quiet = back;
        break;
      }
    if (quiet >= quiet_h) level = 0;
    if (hours[whour % 25] < 255) ++hours[whour % 25];
    if (attempts < 255) ++attempts;
    if (today() > cap) {
      attempts = 0;
      start_lockout();
      ++lockouts;
    } else if (attempts >= limit) {
      attempts = 0;
      if (level < 15) ++level;
      start_lockout();
      ++lockouts;
    }
  }
  void start_lockout() {
    uint32_t d = static_cast<uint32_t>(disable);
    if (doubling && level > 1)
      for (int i = 1; i < level && d < static_cast<uint32_t>(maxd); ++i) d *= 2;
    if (d > static_cast<uint32_t>(maxd)) d = static_cast<uint32_t>(maxd);
    roll();
    if (today() > cap) d = static_cast<uint32_t>(maxd);
    locked = true;
    lock_until = now + d * 1000ull;
  }
  void end_session() {
    if (enrolling()) enroll = kEnrollAborted;
    if (confirm == kConfirmWaiting) confirm = kConfirmCancelled;
    session = false;
  }

  void entry(const std::string& e) {
    const size_t star = e.find('*');
    const std::string digits = e.substr(0, star);
    const bool cancel = e == "*";
    const bool plain = star == std::string::npos && !digits.empty();
    const bool service = !digits.empty() && e == digits + "*0";
    if (e.empty()) return;
    if (locked && !cancel) return;
    if (enrolling()) {
      if (cancel || !plain || !len_ok(digits)) {
        enroll = kEnrollAborted;
        return;
      }
      if (enroll == kEnrollWaitFirst) {
        if (match(digits, false, enroll_slot) >= 0) {
          enroll = kEnrollAborted;
          wrong_code();  // a duplicate is a wrong entry
          return;
        }
        first = digits;
        enroll = kEnrollWaitSecond;
        return;
      }
      if (digits != first) {
        enroll = kEnrollAborted;
        return;
      }
      if (auto it = slots.find(enroll_slot); it != slots.end() && it->second.code == digits) {
        enroll = kEnrollAborted;  // the slot's own code again: nothing changes (kReasonSameCode)
        return;
      }
      const bool was_factory = admins() == 0;
      slots[enroll_slot] = RefSlot{digits, enroll_role, true};
      enroll = kEnrollCommitted;
      ++commits;
      if (was_factory && admins() > 0) {
        session = true;
        session_last = now;
      }
      return;
    }
    if (confirm == kConfirmWaiting) {
      if (cancel || !plain) {
        confirm = kConfirmDenied;
        if (!cancel) wrong_code();
        return;
      }
      const int s = len_ok(digits) ? match(digits, false) : -1;
      if (s < 0) {
        confirm = kConfirmDenied;
        wrong_code();
        return;
      }
      if (slots[s].role != kRoleAdmin) return unlock(s);  // a tenant: the lock still unlocks
      if (!slots[s].enabled) {
        confirm = kConfirmDenied;  // a disabled admin code: refused, not counted
        return;
      }
      session_last = now;
      if (action == kActionDeleteSlot) {
        slots.erase(arg);
        ++deletes;
      } else {
        ++resets;
        slots.clear();
        attempts = level = 0;
        locked = false;
        limit = 5, disable = 60, maxd = 3600, doubling = true;
        cap = 20, quiet_h = 24, whour = 0;
        for (int& c : hours) c = 0;
        session = false;
      }
      confirm = kConfirmDone;
      return;
    }
    if (cancel) return;
    if (plain) {
      if (!len_ok(digits)) return wrong_code();
      const int s = match(digits, false);
      if (s < 0) {
        if (admins() == 0) return;
        return wrong_code();
      }
      return unlock(s);
    }
    if (service) {
      const int s = len_ok(digits) ? match(digits, false) : -1;
      if (s < 0 || slots[s].role != kRoleAdmin) return wrong_code();
      if (!slots[s].enabled) return;
      session = true;
      session_last = now;
      attempts = level = 0;
      for (int& c : hours) c = 0;
      enroll = kEnrollIdle;
      confirm = kConfirmNone;
      return;
    }
    wrong_code();
  }

  // A known code: unlocks when valid; a valid code ends the run of wrong entries in a row, only
  // the admin code also clears the level and the daily count.
  void unlock(int s) {
    if (slots[s].role != kRoleAdmin && capped()) {
      ++capped_refusals;
      return;
    }
    if (!slots[s].enabled) return;
    ++unlocks;
    attempts = 0;
    if (slots[s].role == kRoleAdmin) {
      level = 0;
      for (int& c : hours) c = 0;
    }
  }

  void poll() {
    if (locked && now >= lock_until) locked = false;
    if (enrolling() && now - enroll_started > 120000) enroll = kEnrollAborted;
    if (confirm == kConfirmWaiting && now - confirm_started > 60000) confirm = kConfirmTimedOut;
    if (session && now - session_last > 300000) end_session();
  }

  void power_cycle() {
    session = false;
    enroll = kEnrollIdle;
    confirm = kConfirmNone;
    if (locked) start_lockout();
  }

  uint8_t gate(uint8_t cmd) {
    const uint8_t st = session_state();
    if (st == kSessionFactory) {
      if (cmd != kCmdOpenEnrollment && cmd != kCmdAbortEnrollment) return kErrFactoryAdminOnly;
    } else if (st != kSessionOpen) {
      return kErrSessionRequired;
    }
    session_last = now;
    return kErrNone;
  }
};

}  // namespace

TEST_CASE("model-based: keypad, service commands, time and power against a reference model") {
  for (const uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    Rig rig(small_config(), kSmallBlock, seed);
    Ref ref;
    std::vector<std::string> pool;
    for (int i = 0; i < 10; ++i) {
      std::string c;
      const uint32_t len = 4 + pick(3);
      for (uint32_t k = 0; k < len; ++k) c.push_back(static_cast<char>('0' + pick(10)));
      pool.push_back(c);
    }
    pool.push_back("123");          // too short
    pool.push_back("12345678901");  // too long
    int checked = 0;
    for (int step = 0; step < 5000; ++step) {
      CAPTURE(step);
      const uint32_t r = pick(100);
      std::string what;
      if (r < 45) {
        std::string e;
        const uint32_t k = pick(10);
        std::string admin;
        for (auto& [i, sl] : ref.slots)
          if (sl.role == kRoleAdmin) admin = sl.code;
        if (ref.enrolling() && k < 8) {  // the person at the lock types the new code
          e = ref.enroll == kEnrollWaitSecond && pick(5) ? ref.first : pool[pick(static_cast<uint32_t>(pool.size()))];
        } else if (ref.confirm == kConfirmWaiting && k < 5 && !admin.empty()) {
          e = admin;
        } else if (k < 5 && !ref.slots.empty()) {
          auto it = ref.slots.begin();
          std::advance(it, pick(static_cast<uint32_t>(ref.slots.size())));
          e = it->second.code;
        } else if (k < 6) {
          e = pool[pick(static_cast<uint32_t>(pool.size()))];
        } else if (k < 9) {
          e = (pick(3) ? admin : pool[pick(10)]) + "*0";
          if (e == "*0") e = "*";
        } else {
          e = pick(4) ? "*" : "12*34";
        }
        what = "keypad " + std::to_string(e.size());
        ref.rtc_s = rig.vl.rtc().now();
        ref.entry(e);
        rig.type(e + "#");
      } else if (r < 83) {
        const uint32_t c = pick(9);
        uint8_t cmd = 0, expect = kErrNone, got = 0;
        const uint16_t slot = static_cast<uint16_t>(pick(9));  // 8 is out of range
        switch (c) {
          case 0:
          case 1: {
            cmd = kCmdOpenEnrollment;
            const uint8_t role = static_cast<uint8_t>(pick(4) == 0 ? 0u : 1u + pick(3));
            expect = ref.gate(cmd);
            if (!expect) {
              const bool cur_admin = ref.slots.count(slot) && ref.slots[slot].role == kRoleAdmin;
              if (ref.enrolling()) expect = kErrEnrollmentActive;
              else if (ref.confirm == kConfirmWaiting) expect = kErrConfirmationPending;
              else if (slot >= 8) expect = kErrSlotOutOfRange;
              else if (ref.admins() == 0 && role != kRoleAdmin) expect = kErrFactoryAdminOnly;
              else if (role == kRoleAdmin && !cur_admin && ref.admins() >= 1) expect = kErrAdminLimit;
              else if (cur_admin && role != kRoleAdmin && ref.admins() <= 1) expect = kErrLastAdmin;
              else if (ref.locked) expect = kErrKeypadBusy;
              else {
                ref.enroll = kEnrollWaitFirst;
                ref.enroll_slot = slot;
                ref.enroll_role = role;
                ref.enroll_started = ref.now;
              }
            }
            got = rig.open_enrollment(slot, role);
            break;
          }
          case 2: {
            cmd = kCmdDeleteSlot;
            expect = ref.gate(cmd);
            if (!expect) {
              if (ref.enrolling()) expect = kErrEnrollmentActive;
              else if (ref.confirm == kConfirmWaiting) expect = kErrConfirmationPending;
              else if (slot >= 8) expect = kErrSlotOutOfRange;
              else if (!ref.slots.count(slot)) expect = kErrSlotEmpty;
              else if (ref.slots[slot].role == kRoleAdmin && ref.admins() <= 1) expect = kErrLastAdmin;
              else if (ref.locked) expect = kErrKeypadBusy;
              else {
                ref.confirm = kConfirmWaiting;
                ref.action = kActionDeleteSlot;
                ref.arg = slot;
                ref.confirm_started = ref.now;
              }
            }
            got = rig.call(cmd, SlotRequest{slot, 0}).error;
            break;
          }
          case 3: {
            cmd = kCmdFactoryReset;
            expect = ref.gate(cmd);
            if (!expect) {
              if (ref.enrolling()) expect = kErrEnrollmentActive;
              else if (ref.confirm == kConfirmWaiting) expect = kErrConfirmationPending;
              else if (ref.locked) expect = kErrKeypadBusy;
              else {
                ref.confirm = kConfirmWaiting;
                ref.action = kActionFactoryReset;
                ref.arg = 0;
                ref.confirm_started = ref.now;
              }
            }
            got = rig.call(cmd, FactoryResetRequest{0, {}}).error;
            break;
          }
          case 4: {
            cmd = kCmdSetSlotEnabled;
            const uint8_t en = static_cast<uint8_t>(pick(2));
            expect = ref.gate(cmd);
            if (!expect) {
              if (slot >= 8) expect = kErrSlotOutOfRange;
              else if (!ref.slots.count(slot)) expect = kErrSlotEmpty;
              else if (!en && ref.slots[slot].role == kRoleAdmin && ref.slots[slot].enabled) expect = kErrLastAdmin;
              else ref.slots[slot].enabled = en;
            }
            got = rig.call(cmd, SetSlotEnabledRequest{slot, en, 0}).error;
            break;
          }
          case 5:
            cmd = kCmdCloseSession;
            expect = ref.gate(cmd);
            if (!expect) ref.end_session();
            got = rig.call(cmd).error;
            // 1.4: without a session, CLOSE_SESSION withdraws the channel's arm if one is left
            // (a "* 0 #" typed while a confirmation was pending, before a reset ended the
            // session...): OK once, changing nothing the model tracks; then refused as before.
            if (expect != kErrNone && got == kErrNone) got = rig.call(cmd).error;
            break;
          case 6:
            cmd = kCmdAbortEnrollment;
            expect = ref.gate(cmd);
            if (!expect) {
              if (!ref.enrolling()) expect = kErrNoEnrollment;
              else ref.enroll = kEnrollAborted;
            }
            got = rig.call(cmd).error;
            break;
          case 7:
            cmd = kCmdCancelConfirmation;
            expect = ref.gate(cmd);
            if (!expect) {
              if (ref.confirm != kConfirmWaiting) expect = kErrNoConfirmation;
              else ref.confirm = kConfirmCancelled;
            }
            got = rig.call(cmd).error;
            break;
          default: {
            cmd = kCmdSetLockoutPolicy;
            LockoutPolicy p{static_cast<uint8_t>(2 + pick(5)), static_cast<uint8_t>(pick(2)),
                            static_cast<uint16_t>(5 + pick(60)), 0, 0};
            p.max_disable_s = static_cast<uint16_t>(p.disable_s + pick(200));
            expect = ref.gate(cmd);
            if (!expect) {
              ref.limit = p.wrong_code_limit;
              ref.doubling = p.doubling;
              ref.disable = p.disable_s;
              ref.maxd = p.max_disable_s;
            }
            got = rig.call(cmd, p).error;
          }
        }
        what = "command " + std::to_string(cmd);
        INFO(what);
        REQUIRE(int(got) == int(expect));
      } else if (r < 99) {
        const uint32_t choices[] = {1, 3, 10, 30, 61, 121, 301, 700, 2000, 7300};
        const uint32_t s = choices[pick(10)];
        what = "wait " + std::to_string(s);
        rig.advance_s(s);
        ref.now += s * 1000ull;
        ref.poll();
      } else {
        what = "power cycle";
        REQUIRE(rig.vl.power_cycle());
        ref.rtc_s = rig.vl.rtc().now();
        ref.power_cycle();
      }
      INFO(what);
      REQUIRE(rig.unlocks() == ref.unlocks);
      REQUIRE(int(rig.lock().session_state()) == int(ref.session_state()));
      REQUIRE(int(rig.lock().enroll_state()) == int(ref.enroll));
      REQUIRE(int(rig.lock().confirm_state()) == int(ref.confirm));
      REQUIRE(rig.lock().locked_out() == ref.locked);
      for (uint16_t i = 0; i < 8; ++i) {
        SlotData d{};
        const bool have = rig.lock().read_slot(i, d);
        CAPTURE(i);
        REQUIRE(have == (ref.slots.count(i) == 1));
        if (have) {
          REQUIRE(int(role_of(d.role_kind)) == int(ref.slots[i].role));
          REQUIRE(((d.flags & kSlotEnabled) != 0) == ref.slots[i].enabled);
        }
      }
      ++checked;
      ref.max_slots = std::max(ref.max_slots, ref.slots.size());
    }
    CHECK(checked == 5000);
    CHECK(rig.flash.prog_violations() == 0);
    // The run went through the interesting states, not just the factory one.
    CHECK(ref.unlocks > 20);
    CHECK(ref.commits > 5);
    CHECK(ref.max_slots >= 3);
    CHECK(ref.lockouts > 0);
    CHECK(ref.deletes + ref.resets > 0);
    MESSAGE("seed " << seed << ": " << ref.unlocks << " unlocks, " << ref.commits << " enrollments, " << ref.deletes
                    << " deletes, " << ref.resets << " resets, " << ref.lockouts << " lockouts, up to " << ref.max_slots
                    << " slots");
  }
}
