#pragma once
// The job report model (docs/report-format.md). It counts codes; it never holds one:
// there is no field anywhere in this file that could carry a code value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockdiag::reports {

inline constexpr std::string_view kReportFormat = "lockdiag-report/1";

enum class JobKind { diagnose, handoff_audit, reset_onboarding, rotation, clock_sync };
enum class Role { admin, user, guest, service };
enum class SlotKind { persistent, temporary, scheduled };
enum class BatteryState { ok, low, critical };
enum class Severity { info, warning, critical };
enum class StepOutcome { ok, failed, refused, skipped, interrupted };
enum class SessionOpenedBy { keypad_service_sequence, factory_state };

struct Technician {
  std::string name;
  std::string company;
  std::string licence_no;
};

struct Site {
  std::string name;
  std::string address;
  std::string customer;
};

struct LockIdentity {
  std::string model;
  std::string serial;
  std::string firmware;
  std::int64_t protocol_version = 0;
};

// Occupied slots of one (role, kind): how many, how many enabled / disabled, and how many
// are temporary codes whose expiry has passed but which are still present in the table.
struct SlotGroup {
  Role role = Role::user;
  SlotKind kind = SlotKind::persistent;
  std::int64_t count = 0;
  std::int64_t enabled = 0;
  std::int64_t disabled = 0;
  std::int64_t expired_present = 0;
};

struct EventCount {
  std::string type;  // lockfw event type name, snake_case ("wrong_code", "unlock_code", ...)
  std::int64_t count = 0;
};

// The part of the lock's event log the tool read, by sequence number.
struct EventLogRead {
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::int64_t entries_read = 0;
  std::vector<EventCount> by_type;  // sums to entries_read
};

struct Clock {
  bool set = false;          // false after power loss until a clock sync
  std::int64_t drift_s = 0;  // lock time minus tool time (UTC); 0 when not set
};

struct Battery {
  std::int64_t millivolts = 0;
  BatteryState state = BatteryState::ok;
};

struct Lockout {
  bool active = false;
  std::int64_t wrong_attempts = 0;
  std::int64_t remaining_s = 0;
};

struct Snapshot {
  std::string taken_at;  // RFC 3339 UTC, "2026-11-21T08:30:00Z"
  std::int64_t slot_capacity = 0;
  std::vector<SlotGroup> slots;      // one entry per (role, kind) that has occupied slots
  std::string code_set_fingerprint;  // lowercase hex keyed digest computed by the lock
  Clock clock;
  Battery battery;
  Lockout lockout;
  EventLogRead events;

  std::int64_t occupied() const;
};

struct Step {
  std::string at;                  // RFC 3339 UTC
  std::string action;              // snake_case action name ("read_slots", "factory_reset")
  bool destructive = false;        // destructive steps must be confirmed at the lock
  bool confirmed_at_lock = false;  // the lock reported the keypad confirmation
  StepOutcome outcome = StepOutcome::ok;
  std::string detail;  // plain language, may be empty
};

struct Finding {
  Severity severity = Severity::info;
  std::string code;       // snake_case identifier ("clock_drift", "expired_codes_present")
  std::string summary;    // plain language
  std::string next_step;  // plain language: what the technician or customer should do
};

struct Authorization {
  SessionOpenedBy session_opened_by = SessionOpenedBy::keypad_service_sequence;
  std::string session_opened_at;  // RFC 3339 UTC
  std::string ownership_proof;    // how ownership was established (document seen, never its number)
  std::string present;            // who was present at the lock
};

// One attestation the lock gave (docs/report-format.md, "lock_attestation"): the random nonce
// the challenge was made from, and the lock's signed statement, signature and manufacturer
// certificate in base64. A lock that gave none leaves those empty and says why in `unavailable`.
struct AttestationRecord {
  std::string nonce;        // 64 lowercase hex digits (32 random bytes)
  std::string body;         // base64: the "lockdiag-attestation-v1" structure the lock signed
  std::string signature;    // base64: 64-byte Ed25519 signature by the lock's device key
  std::string certificate;  // base64: ssh-ed25519-cert-v01 blob, the manufacturer's certificate
  std::string unavailable;  // non-empty: why there is no attestation (old lock, not provisioned)
};

struct LockAttestations {
  AttestationRecord before;                // taken after the arrival read
  std::optional<AttestationRecord> after;  // taken after the final read; absent without one
};

// How the customer reaches the company (from the technician's settings). Empty fields are
// "not recorded"; see contact.h.
struct CompanyContact {
  std::string name;  // the company, as in technician.company
  std::string phone;
  std::string email;
  std::string address;
};

// The lock's time zone as the lock reported it when the job read it: what every time
// a person reads in the PDF is shown in. See lock_zone.h.
struct LockTimeZone {
  std::string name;          // IANA name, "Europe/Berlin"
  std::string posix_rule;    // the lock's POSIX TZ rule, "CET-1CEST,M3.5.0,M10.5.0/3"
  std::int64_t utc_offset_s = 0;  // the lock's offset east of UTC at finished_at (when it was signed)
};

struct Report {
  std::string format{kReportFormat};
  std::string id;
  std::string tool_version;
  std::string started_at;
  std::string finished_at;
  Technician technician;
  Site site;
  LockIdentity lock;
  JobKind kind = JobKind::diagnose;
  Authorization authorization;
  Snapshot before;
  std::optional<Snapshot> after;  // absent when the job ended before the final read
  std::vector<Step> steps;
  std::vector<Finding> findings;
  // As left: the findings that remain after the job (read again at the end). Absent in reports
  // of jobs that ended before the final read, and in reports made before this field existed.
  std::optional<std::vector<Finding>> still_to_do;
  // Absent when no contact details were set, and in reports made before this field existed.
  std::optional<CompanyContact> company_contact;
  std::vector<std::string> notes;
  // The lock's own signed statements of its state. Absent in reports made before
  // the field existed: those verify unchanged and say "no lock attestation".
  std::optional<LockAttestations> lock_attestation;
  // Absent for a lock with no zone (or none it reports), and in reports made before the field
  // existed: those verify unchanged and the PDF shows UTC.
  std::optional<LockTimeZone> lock_time_zone;
};

// Names as they appear in the JSON (and parsing back; nullopt for unknown names).
std::string_view to_string(JobKind);
std::string_view to_string(Role);
std::string_view to_string(SlotKind);
std::string_view to_string(BatteryState);
std::string_view to_string(Severity);
std::string_view to_string(StepOutcome);
std::string_view to_string(SessionOpenedBy);
std::optional<JobKind> parse_job_kind(std::string_view);
std::optional<Role> parse_role(std::string_view);
std::optional<SlotKind> parse_slot_kind(std::string_view);
std::optional<BatteryState> parse_battery_state(std::string_view);
std::optional<Severity> parse_severity(std::string_view);
std::optional<StepOutcome> parse_step_outcome(std::string_view);
std::optional<SessionOpenedBy> parse_session_opened_by(std::string_view);

}  // namespace lockdiag::reports
