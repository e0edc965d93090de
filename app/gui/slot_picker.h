// Slots chosen from the lock's slot table, not typed: the handoff audit's "keep" list (each
// occupied slot with its role, schedule and last use, a checkbox each, the admin always kept)
// and the code rotation's slot per person (a drop-down of occupied slots, "Slot 4: User, last
// used 2026-11-20 18:02"; no -1 default). The slots are the lock's as last read (Slots view,
// or "Read the slots" here).
#pragma once

#include <string>

#include "gui_model.h"
#include "wizard_model.h"

namespace lockdiag::gui {

// The keep list as checkboxes over the slot table; edits `keep` ("1, 4, 7", as
// parse_slot_list reads it). Says in red, before Start, when nothing but the admin is kept.
void keep_list_picker(GuiModel& m, std::string& keep);

// The slot a rotated code lives in, from the lock's occupied slots; `slot` stays -1 ("choose")
// until one is picked, and the form says so. `n` is the person's number (labels, scripts).
void rotation_slot_picker(GuiModel& m, int& slot, const std::string& n);

// What the rotation would refuse once started, said on the form instead ("" when fine): a person
// with no slot chosen, a slot that holds no code, a lock with no admin code. Judged on the
// slots as last read; the workflow checks again at the lock.
std::string rotation_refusal(const GuiModel& m, const WizardInputs& in);

// A low or critical battery, said on every form before a session is asked for ("" when fine).
std::string battery_warning(const GuiModel& m);

// "Keep none": the form's warning, shown before Start (empty when something is kept).
std::string keep_none_warning(const std::string& keep);

}  // namespace lockdiag::gui
