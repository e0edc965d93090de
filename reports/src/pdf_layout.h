#pragma once
// A small flowing-layout writer over cairo's PDF surface and pango: paragraphs and tables
// that break across pages. Internal to the reports library.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <string>
#include <string_view>
#include <vector>

#include "lockdiag/reports/render.h"

namespace lockdiag::reports::detail {

enum class Font { normal, bold, small, mono, title, heading };

struct Rgb {
  double r = 0, g = 0, b = 0;
};

struct Cell {
  std::string text;
  Font font = Font::normal;
  Rgb color{};
};

class PdfLayout {
 public:
  // total_pages: for "page X of Y" (0 while not known yet).
  PdfLayout(Paper paper, std::string footer, int total_pages = 0);
  ~PdfLayout();
  PdfLayout(const PdfLayout&) = delete;
  PdfLayout& operator=(const PdfLayout&) = delete;

  void text(std::string_view s, Font font = Font::normal, Rgb color = {});
  void heading(std::string_view s);
  void space(double pt) { y_ += pt; }
  // Starts a new page unless `pt` points still fit on this one.
  void keep_together(double pt) { ensure(pt); }
  // Columns as fractions of the content width; the first row is bold when header is true.
  void table(const std::vector<double>& columns, const std::vector<std::vector<Cell>>& rows, bool header);
  void set_title(const std::string& title);
  void page_break() {
    if (y_ > margin_) new_page();
  }
  int page() const { return page_; }
  // Every block placed, with the pages it spans: the layout's own decisions, for tests.
  void set_log(PdfLayoutLog* log) { log_ = log; }
  void set_log_kind(std::string kind) { log_kind_ = std::move(kind); }
  // Finishes the document; returns the PDF bytes or an error text in *error.
  std::string finish(std::string* error);

 private:
  PangoLayout* layout(std::string_view s, Font font, double width);
  double height(PangoLayout* l) const;
  void ensure(double h);
  void new_page();
  void draw(PangoLayout* l, double x, double y, Rgb color);
  void flow(PangoLayout* l, double x, Rgb color);

  std::string pdf_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  std::vector<PangoFontDescription*> fonts_;
  double page_w_ = 0, page_h_ = 0, margin_ = 42, y_ = 0;
  int page_ = 0;
  bool started_ = false;
  std::string footer_;
  int total_ = 0;
  PdfLayoutLog* log_ = nullptr;
  std::string log_kind_ = "text";
  void record(const std::string& kind, std::string_view text, int first_page);
};

}  // namespace lockdiag::reports::detail
