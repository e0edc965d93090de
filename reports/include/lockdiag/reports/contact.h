#pragma once
// The company's contact details in a report: the optional "company_contact" object,
// kept apart from the codec so reports without it stay byte-identical, and the line a
// customer reads in the PDF.
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

nlohmann::json encode_company_contact(const CompanyContact& c);
// Strict: an object of exactly name, phone, email, address (strings); anything else is an error.
std::expected<CompanyContact, std::string> decode_company_contact(const nlohmann::json& j);

// "Harbour Lock & Key, phone 0161 496 0000, e-mail office@example.com, 3 Quay St" with
// "not recorded" for each empty part; "not recorded" when the report has no contact at all.
std::string contact_line(const Report& r);

// An empty field as the PDF says it: "not recorded", never a blank.
std::string or_not_recorded(const std::string& s);

}  // namespace lockdiag::reports
