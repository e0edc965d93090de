#include "lockdiag/reports/model.h"

#include <array>
#include <utility>

namespace lockdiag::reports {
namespace {

template <class E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<JobKind, 5> kJobKinds{{{JobKind::diagnose, "diagnose"},
                                       {JobKind::handoff_audit, "handoff_audit"},
                                       {JobKind::reset_onboarding, "reset_onboarding"},
                                       {JobKind::rotation, "rotation"},
                                       {JobKind::clock_sync, "clock_sync"}}};
constexpr Names<Role, 4> kRoles{
    {{Role::admin, "admin"}, {Role::user, "user"}, {Role::guest, "guest"}, {Role::service, "service"}}};
constexpr Names<SlotKind, 3> kSlotKinds{
    {{SlotKind::persistent, "persistent"}, {SlotKind::temporary, "temporary"}, {SlotKind::scheduled, "scheduled"}}};
constexpr Names<BatteryState, 3> kBattery{
    {{BatteryState::ok, "ok"}, {BatteryState::low, "low"}, {BatteryState::critical, "critical"}}};
constexpr Names<Severity, 3> kSeverities{
    {{Severity::info, "info"}, {Severity::warning, "warning"}, {Severity::critical, "critical"}}};
constexpr Names<StepOutcome, 5> kOutcomes{{{StepOutcome::ok, "ok"},
                                           {StepOutcome::failed, "failed"},
                                           {StepOutcome::refused, "refused"},
                                           {StepOutcome::skipped, "skipped"},
                                           {StepOutcome::interrupted, "interrupted"}}};
constexpr Names<SessionOpenedBy, 2> kSessions{{{SessionOpenedBy::keypad_service_sequence, "keypad_service_sequence"},
                                               {SessionOpenedBy::factory_state, "factory_state"}}};

template <class E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E e) {
  for (const auto& [v, n] : names)
    if (v == e) return n;
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_of(const Names<E, N>& names, std::string_view s) {
  for (const auto& [v, n] : names)
    if (n == s) return v;
  return std::nullopt;
}

}  // namespace

std::int64_t Snapshot::occupied() const {
  std::int64_t n = 0;
  for (const auto& g : slots) n += g.count;
  return n;
}

std::string_view to_string(JobKind e) { return name_of(kJobKinds, e); }
std::string_view to_string(Role e) { return name_of(kRoles, e); }
std::string_view to_string(SlotKind e) { return name_of(kSlotKinds, e); }
std::string_view to_string(BatteryState e) { return name_of(kBattery, e); }
std::string_view to_string(Severity e) { return name_of(kSeverities, e); }
std::string_view to_string(StepOutcome e) { return name_of(kOutcomes, e); }
std::string_view to_string(SessionOpenedBy e) { return name_of(kSessions, e); }
std::optional<JobKind> parse_job_kind(std::string_view s) { return value_of(kJobKinds, s); }
std::optional<Role> parse_role(std::string_view s) { return value_of(kRoles, s); }
std::optional<SlotKind> parse_slot_kind(std::string_view s) { return value_of(kSlotKinds, s); }
std::optional<BatteryState> parse_battery_state(std::string_view s) { return value_of(kBattery, s); }
std::optional<Severity> parse_severity(std::string_view s) { return value_of(kSeverities, s); }
std::optional<StepOutcome> parse_step_outcome(std::string_view s) { return value_of(kOutcomes, s); }
std::optional<SessionOpenedBy> parse_session_opened_by(std::string_view s) { return value_of(kSessions, s); }

}  // namespace lockdiag::reports
