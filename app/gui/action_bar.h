// A page's primary action stays on screen. The page's fields scroll in a child window above a
// bar fixed to the bottom of the view that holds Start (and what is still missing), so at
// 1366x768 and scale 1.5 the button is never below the window's edge.
//
//   ui::BeginAboveActionBar("form");   ... fields ...
//   ui::BeginActionBar();              ... Start, Back, the message ...
#pragma once

#include "imgui.h"

namespace lockdiag::gui::ui {

float ActionBarHeight();               // one BigButton row with its spacing
void BeginAboveActionBar(const char* id);  // a child filling the view minus the bar
void BeginActionBar();                 // ends that child; what follows is the bar
// Text on the bar beside its buttons, wrapped to the view's width (never clipped at its edge),
// recorded as the layout region `region` (layout_probe.h).
void ActionBarMessage(const char* region, const ImVec4& col, const char* text);

}  // namespace lockdiag::gui::ui
