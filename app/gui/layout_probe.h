// What the last frame laid out, as text, for tests that check what fits the window (not pixel
// comparisons): `lockdiag-gui --script` action `probe FILE`, and the headless tests directly.
//
//   window W H                 the display (window) size in pixels
//   font PX                    the font size (16 x the UI scale with DejaVu Sans)
//   widget X0 Y0 X1 Y1 LABEL   every widget drawn through ui:: (clickable ones), screen pixels
//   region X0 Y0 X1 Y1 NAME    regions views mark: wizard.result (the verdict), form.message
//   text LINE                  every string drawn, one a line (newlines shown as \n)
#pragma once

#include <string>
#include <vector>

namespace lockdiag::gui {

std::string layout_probe_text();
bool write_layout_probe(const std::string& file, std::string& err);

// Laid-out things (widgets or regions) that are not wholly inside [0,w] x [0,h], one line each
// ("Start 10 700 200 790"): what the 1366x768 tests assert is empty.
std::vector<std::string> outside_window(const std::vector<std::string>& names, float w, float h);

}  // namespace lockdiag::gui
