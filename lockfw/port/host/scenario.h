// Realistic starting states for a virtual lock (lockfw-sim --scenario NAME).
//
// A scenario is a history played through the real firmware core at accelerated time:
// people ("persons") enroll their codes on the keypad, come and go, mistype, get locked out,
// a technician visits. Code values are derived from the scenario's seed and the person's
// name inside this module only; lockfw-sim never prints, logs or sends them. The state
// file keeps which person owns which slot (names only), so the control interface can make
// "the owner of slot 3" type their code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_config.h"

namespace lockfw::host {

class VirtualLock;

struct ScenarioInfo {
  std::string name;
  std::string description;
};

struct ScenarioPerson {
  std::string name;
  uint8_t role;  // wire::Role
  int slot;      // slot the person holds when the scenario starts; -1: not enrolled (spare)
};

// Every scenario, in a stable order.
const std::vector<ScenarioInfo>& scenarios();
bool is_scenario(std::string_view name);
std::vector<ScenarioPerson> scenario_persons(std::string_view name);
// The lock model the scenario runs on (retained-after-reset is the product that keeps codes).
DeviceConfig scenario_config(std::string_view name);

// FOR LEAK SCANNERS ONLY: every code value any person of the scenario can type (enrolled
// persons and spare ones). Tests scan flash images, outputs and reports for these strings.
std::vector<std::string> scenario_code_values(std::string_view name);

// ---- lockfw-sim internals ------------------------------------------------------------------
// The code a person types. Never print, log or send the result. A person the scenario does not
// know but whose name is a visitor name (is_visitor_name) gets a code of their own too, derived
// from the scenario and the name, so a trainee can enroll "anna" at a virtual lock.
std::string scenario_person_code(std::string_view scenario, std::string_view person);

// 1 to 16 letters, digits, '.', '_' or '-', and not one of the scenario's own persons.
bool is_visitor_name(std::string_view scenario, std::string_view name);
// Plays the scenario's history into a freshly booted virtual lock (factory state). owners
// receives slot -> person. False with a reason when the firmware refused a step.
bool build_scenario(std::string_view name, VirtualLock& vl, std::map<uint16_t, std::string>& owners,
                    std::string& error);

}  // namespace lockfw::host
