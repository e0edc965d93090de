// The views: one function per page, each drawing a GuiModel and calling its actions.
// draw_frame() is the whole window: navigation, status bar, the current view. It needs an ImGui
// frame (NewFrame called) and nothing else, so tests run it with no window at all.
#pragma once

#include "gui_model.h"

namespace lockdiag::gui {

void draw_frame(GuiModel& m);

void draw_connect_view(GuiModel& m);
void draw_dashboard_view(GuiModel& m);
void draw_slots_view(GuiModel& m);
void draw_events_view(GuiModel& m);
void draw_wizard_view(GuiModel& m);
void draw_jobs_view(GuiModel& m);
void draw_settings_view(GuiModel& m);

// Style and fonts for a given scale (1.0 at 96 DPI). Call before the first frame and when the
// scale changes; the caller rebuilds the font texture for its renderer.
void setup_style(float scale);
void setup_fonts(float scale);

}  // namespace lockdiag::gui
