// Change sources in the event log: see lockdiag/drivers/event_source.h.
#include "lockdiag/drivers/event_source.h"

#include <utility>

#include "lockdiag/drivers/client.h"
#include "lockfw/wire.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

namespace {

bool policy_field(uint8_t f) { return f >= kFieldWrongCodeLimit && f <= kFieldLevelQuietH; }
bool schedule_field(uint8_t f) { return f >= kFieldScheduleKind && f <= kFieldScheduleWord3; }

}  // namespace

std::map<uint32_t, ChangeInfo> fold_change_sources(std::vector<Event>& events) {
  std::map<uint32_t, ChangeInfo> out;
  std::vector<Event> kept;
  kept.reserve(events.size());
  const Event* change = nullptr;  // the change the next source records may belong to (in `kept`)
  size_t change_index = 0;
  uint32_t expect_seq = 0;        // the records must follow the change without a gap
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    const bool follows = change && e.seq == expect_seq && e.time == change->time;
    if (e.type == EventType::kChangedBy) {
      if (follows && e.slot && (e.reason == Reason::kByKeypad || e.reason == Reason::kByService) &&
          !out.count(change->seq)) {
        out[change->seq].by = ChangeSource{e.reason == Reason::kByKeypad ? ChangeSource::Kind::kKeypad
                                                                         : ChangeSource::Kind::kService,
                                           *e.slot};
        ++expect_seq;
        continue;
      }
    } else if (e.type == EventType::kOldValue && i + 1 < events.size()) {
      const Event& n = events[i + 1];
      const bool fits = change &&
                        (change->type == EventType::kPolicyChanged     ? policy_field(std::to_underlying(e.reason))
                         : change->type == EventType::kScheduleChanged ? schedule_field(std::to_underlying(e.reason))
                                                                       : false);
      if (follows && out.count(change->seq) && n.type == EventType::kNewValue && n.seq == e.seq + 1 &&
          n.time == e.time && n.reason == e.reason && e.slot && n.slot && fits &&
          out[change->seq].values.size() < kMaxValueChanges) {
        auto& vals = out[change->seq].values;
        bool dup = false;
        for (const auto& v : vals) dup |= v.field == std::to_underlying(e.reason);
        if (!dup) {
          vals.push_back(ValueChange{std::to_underlying(e.reason), *e.slot, *n.slot});
          expect_seq += 2;
          ++i;
          continue;
        }
      }
    }
    // Anything else (including a refused record) is a plain event, and ends the change's records.
    kept.push_back(e);
    change = nullptr;
    if (is_change_event(std::to_underlying(e.type))) {
      change_index = kept.size() - 1;
      change = &kept[change_index];
      expect_seq = e.seq + 1;
    }
  }
  events = std::move(kept);
  return out;
}

const char* change_source_kind_name(ChangeSource::Kind k) {
  return k == ChangeSource::Kind::kKeypad ? "keypad" : "service";
}

std::string describe_change_source(const ChangeSource& s) {
  return s.kind == ChangeSource::Kind::kKeypad ? "by keypad slot " + std::to_string(s.id)
                                               : "by service session " + std::to_string(s.id);
}

const char* change_field_name(uint8_t field) {
  switch (field) {
    case kFieldWrongCodeLimit: return "wrong_code_limit";
    case kFieldDoubling: return "doubling";
    case kFieldDisableS: return "disable_s";
    case kFieldMaxDisableS: return "max_disable_s";
    case kFieldDailyWrongCap: return "daily_wrong_cap";
    case kFieldLevelQuietH: return "level_quiet_h";
    case kFieldScheduleKind: return "schedule_kind";
    case kFieldScheduleWord0: return "schedule_word_0";
    case kFieldScheduleWord0 + 1: return "schedule_word_1";
    case kFieldScheduleWord0 + 2: return "schedule_word_2";
    case kFieldScheduleWord3: return "schedule_word_3";
    default: return "unknown";
  }
}

std::vector<std::string> describe_policy_changes(const std::vector<ValueChange>& values) {
  std::vector<std::string> out;
  auto arrow = [](const ValueChange& v) { return std::to_string(v.old_value) + " -> " + std::to_string(v.new_value); };
  for (const auto& v : values) {
    switch (v.field) {
      case kFieldWrongCodeLimit: out.push_back("policy: lockout after " + arrow(v) + " wrong codes"); break;
      case kFieldDoubling:
        out.push_back(std::string("policy: lockout doubles ") + (v.old_value ? "yes" : "no") + " -> " +
                      (v.new_value ? "yes" : "no"));
        break;
      case kFieldDisableS: out.push_back("policy: first lockout " + arrow(v) + " s"); break;
      case kFieldMaxDisableS: out.push_back("policy: longest lockout " + arrow(v) + " s"); break;
      case kFieldDailyWrongCap: out.push_back("policy: wrong codes per 24 h " + arrow(v)); break;
      case kFieldLevelQuietH: out.push_back("policy: quiet hours before the level decays " + arrow(v)); break;
      default: break;
    }
  }
  return out;
}

bool schedule_change(const std::vector<ValueChange>& values, Schedule& old_s, Schedule& new_s) {
  uint8_t ob[8] = {}, nb[8] = {};
  int have = 0;
  uint16_t ok = 0, nk = 0;
  for (const auto& v : values) {
    if (v.field == kFieldScheduleKind) {
      ok = v.old_value, nk = v.new_value;
      have |= 1;
    } else if (v.field >= kFieldScheduleWord0 && v.field <= kFieldScheduleWord3) {
      const int k = v.field - kFieldScheduleWord0;
      ob[2 * k] = static_cast<uint8_t>(v.old_value), ob[2 * k + 1] = static_cast<uint8_t>(v.old_value >> 8);
      nb[2 * k] = static_cast<uint8_t>(v.new_value), nb[2 * k + 1] = static_cast<uint8_t>(v.new_value >> 8);
      have |= 2 << k;
    }
  }
  if (have != 0x1F || ok >= kKindCount || nk >= kKindCount) return false;
  old_s = decode_schedule(static_cast<uint8_t>(ok), ok == kKindPersistent ? nullptr : ob);
  new_s = decode_schedule(static_cast<uint8_t>(nk), nk == kKindPersistent ? nullptr : nb);
  return true;
}

}  // namespace lockdiag::drivers
