#include "inputs_json.h"

namespace lockdiag::app {

using nlohmann::json;

json schedule_to_json(const drivers::Schedule& s) {
  return {{"kind", static_cast<int>(s.kind)}, {"start_time", s.start_time},
          {"end_time", s.end_time},           {"first_use_minutes", s.first_use_minutes},
          {"days_mask", s.days_mask},         {"start_minute", s.start_minute},
          {"end_minute", s.end_minute}};
}

drivers::Schedule schedule_from_json(const json& j) {
  drivers::Schedule s;
  s.kind = static_cast<drivers::CodeKind>(j.value("kind", 0));
  s.start_time = j.value("start_time", 0u);
  s.end_time = j.value("end_time", 0u);
  s.first_use_minutes = j.value("first_use_minutes", uint16_t{0});
  s.days_mask = j.value("days_mask", uint8_t{0});
  s.start_minute = j.value("start_minute", uint16_t{0});
  s.end_minute = j.value("end_minute", uint16_t{0});
  return s;
}

json inputs_to_json(const JobInputs& in) {
  json enroll = json::array();
  for (const auto& e : in.enroll)
    enroll.push_back({{"label", e.label},
                      {"role", static_cast<int>(e.role)},
                      {"slot", e.slot},
                      {"schedule", schedule_to_json(e.schedule)}});
  json j{{"technician", in.technician},
         {"company", in.company},
         {"licence", in.licence},
         {"site", in.site},
         {"customer", in.customer},
         {"ownership_evidence", in.ownership_evidence},
         {"present", in.present},
         {"keep_slots", in.keep_slots},
         {"enroll", enroll},
         {"notes", in.notes},
         {"sign_report", in.sign_report},
         {"report_dir", in.report_dir.string()},
         {"keep_decided", in.keep_decided}};
  if (in.complaint_slot) j["complaint_slot"] = *in.complaint_slot;
  if (!in.zone.empty()) j["zone"] = in.zone;
  if (!in.site_zone.empty()) j["site_zone"] = in.site_zone;
  if (!in.company_phone.empty()) j["company_phone"] = in.company_phone;
  if (!in.company_email.empty()) j["company_email"] = in.company_email;
  if (!in.company_address.empty()) j["company_address"] = in.company_address;
  return j;
}

JobInputs inputs_from_json(const json& j) {
  JobInputs in;
  in.technician = j.value("technician", "");
  in.company = j.value("company", "");
  in.licence = j.value("licence", "");
  in.company_phone = j.value("company_phone", "");
  in.company_email = j.value("company_email", "");
  in.company_address = j.value("company_address", "");
  in.site = j.value("site", "");
  in.customer = j.value("customer", "");
  in.ownership_evidence = j.value("ownership_evidence", "");
  in.present = j.value("present", "");
  in.keep_slots = j.value("keep_slots", std::vector<int>{});
  in.keep_decided = j.value("keep_decided", false);
  for (const auto& e : j.value("enroll", json::array()))
    in.enroll.push_back({e.value("label", ""), static_cast<drivers::Role>(e.value("role", 1)),
                         schedule_from_json(e.value("schedule", json::object())), e.value("slot", -1)});
  if (j.contains("complaint_slot")) in.complaint_slot = j.at("complaint_slot").get<int>();
  in.notes = j.value("notes", "");
  in.zone = j.value("zone", "");
  in.site_zone = j.value("site_zone", "");
  in.sign_report = j.value("sign_report", true);
  in.report_dir = j.value("report_dir", "");
  return in;
}

}  // namespace lockdiag::app
