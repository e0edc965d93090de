// The keyboard beyond Dear ImGui's own navigation (Tab / arrows move, Space presses):
//  - Enter starts a form (the page's primary action) when no field is being edited: Enter in
//    a field ends the edit, the next Enter starts;
//  - Esc while a wizard runs asks first ("Cancel the job?" Yes / No), as the wizard's one Cancel
//    button does; Esc again (or No) keeps going;
//    Esc with no wizard running cancels the device I/O in flight, as before.
#pragma once

#include "gui_model.h"

namespace lockdiag::gui {

// True on the frame Enter (or keypad Enter) went down with no field active and no popup open.
// Call before the page's widgets, so a field that ends its edit on this Enter does not count.
bool enter_pressed_outside_fields();

// Inside the main window, once a frame: Esc handling and the confirmation it opens.
void escape_and_cancel_confirm(GuiModel& m);

}  // namespace lockdiag::gui
