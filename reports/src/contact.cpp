#include "lockdiag/reports/contact.h"

#include <array>

namespace lockdiag::reports {

namespace {
constexpr std::array<const char*, 4> kKeys{"name", "phone", "email", "address"};
}  // namespace

std::string or_not_recorded(const std::string& s) { return s.empty() ? std::string("not recorded") : s; }

nlohmann::json encode_company_contact(const CompanyContact& c) {
  return {{"name", c.name}, {"phone", c.phone}, {"email", c.email}, {"address", c.address}};
}

std::expected<CompanyContact, std::string> decode_company_contact(const nlohmann::json& j) {
  if (!j.is_object()) return std::unexpected("must be an object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : kKeys) known = known || key == k;
    if (!known) return std::unexpected("unknown field \"" + key + "\"");
  }
  CompanyContact c;
  std::string* fields[] = {&c.name, &c.phone, &c.email, &c.address};
  for (std::size_t i = 0; i < kKeys.size(); ++i) {
    const auto it = j.find(kKeys[i]);
    if (it == j.end() || !it->is_string()) return std::unexpected(std::string(kKeys[i]) + " must be a string");
    *fields[i] = it->get<std::string>();
  }
  return c;
}

std::string contact_line(const Report& r) {
  if (!r.company_contact) return "not recorded";
  const auto& c = *r.company_contact;
  return or_not_recorded(c.name.empty() ? r.technician.company : c.name) + ", phone " + or_not_recorded(c.phone) +
         ", e-mail " + or_not_recorded(c.email) + ", address " + or_not_recorded(c.address);
}

}  // namespace lockdiag::reports
