#include "pdf_layout.h"

#include <algorithm>

namespace lockdiag::reports::detail {
namespace {

// Installed on Debian with fonts-dejavu-core (a dependency of libcairo2/fontconfig setups);
// covers Latin, Greek, Cyrillic and the symbols we draw.
constexpr const char* kFontSpecs[] = {"DejaVu Sans 9",        "DejaVu Sans Bold 9",  "DejaVu Sans 7.5",
                                      "DejaVu Sans Mono 7.5", "DejaVu Sans Bold 17", "DejaVu Sans Bold 11.5"};

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

PdfLayout::PdfLayout(Paper paper, std::string footer, int total_pages)
    : footer_(std::move(footer)), total_(total_pages) {
  // PostScript points: A4 is 210 x 297 mm, Letter 8.5 x 11 in.
  page_w_ = paper == Paper::a4 ? 595.276 : 612.0;
  page_h_ = paper == Paper::a4 ? 841.890 : 792.0;
  surface_ = cairo_pdf_surface_create_for_stream(append, &pdf_, page_w_, page_h_);
  cr_ = cairo_create(surface_);
  for (const char* spec : kFontSpecs) fonts_.push_back(pango_font_description_from_string(spec));
  new_page();
}

PdfLayout::~PdfLayout() {
  for (auto* f : fonts_) pango_font_description_free(f);
  if (cr_) cairo_destroy(cr_);
  if (surface_) cairo_surface_destroy(surface_);
}

PangoLayout* PdfLayout::layout(std::string_view s, Font font, double width) {
  PangoLayout* l = pango_cairo_create_layout(cr_);
  pango_layout_set_font_description(l, fonts_[static_cast<std::size_t>(font)]);
  pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(l, s.data(), static_cast<int>(s.size()));
  return l;
}

double PdfLayout::height(PangoLayout* l) const {
  int w = 0, h = 0;
  pango_layout_get_size(l, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

void PdfLayout::draw(PangoLayout* l, double x, double y, Rgb color) {
  cairo_set_source_rgb(cr_, color.r, color.g, color.b);
  cairo_move_to(cr_, x, y);
  pango_cairo_show_layout(cr_, l);
}

void PdfLayout::new_page() {
  if (started_) cairo_show_page(cr_);
  started_ = true;
  ++page_;
  y_ = margin_;
  const std::string foot = footer_ + "  ·  page " + std::to_string(page_) +
                           (total_ > 0 ? " of " + std::to_string(total_) : std::string());
  PangoLayout* l = layout(foot, Font::small, page_w_ - 2 * margin_);
  draw(l, margin_, page_h_ - margin_ + 14, {0.4, 0.4, 0.4});
  g_object_unref(l);
}

void PdfLayout::ensure(double h) {
  if (y_ + h > page_h_ - margin_ && y_ > margin_) new_page();
}

void PdfLayout::set_title(const std::string& title) {
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
}

void PdfLayout::record(const std::string& kind, std::string_view text, int first_page) {
  if (log_) log_->blocks.push_back({kind, std::string(text), first_page, page_});
}

void PdfLayout::text(std::string_view s, Font font, Rgb color) {
  PangoLayout* l = layout(s, font, page_w_ - 2 * margin_);
  const int first = page_;
  flow(l, margin_, color);
  record(log_kind_, s, first);
  y_ += 2;
  g_object_unref(l);
}

void PdfLayout::flow(PangoLayout* l, double x, Rgb color) {
  // Line by line, so a text taller than what is left of the page continues on the next.
  cairo_set_source_rgb(cr_, color.r, color.g, color.b);
  PangoLayoutIter* it = pango_layout_get_iter(l);
  double origin = y_;  // page position of the layout's top
  double bottom = y_;
  do {
    PangoRectangle logical{};
    pango_layout_iter_get_line_extents(it, nullptr, &logical);
    const double top = static_cast<double>(logical.y) / PANGO_SCALE;
    const double line_bottom = top + static_cast<double>(logical.height) / PANGO_SCALE;
    if (origin + line_bottom > page_h_ - margin_ && origin + top > margin_) {
      new_page();
      cairo_set_source_rgb(cr_, color.r, color.g, color.b);
      origin = y_ - top;
    }
    const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
    cairo_move_to(cr_, x + static_cast<double>(logical.x) / PANGO_SCALE, origin + baseline);
    pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
    bottom = origin + line_bottom;
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  y_ = bottom;
}

void PdfLayout::heading(std::string_view s) {
  ensure(60);  // keep a heading with at least the start of its section
  y_ += 8;
  const std::string kind = log_kind_;
  log_kind_ = kind == "text" ? "heading" : kind;
  text(s, Font::heading, {0.10, 0.20, 0.40});
  log_kind_ = kind;
  cairo_set_source_rgb(cr_, 0.10, 0.20, 0.40);
  cairo_set_line_width(cr_, 0.6);
  cairo_move_to(cr_, margin_, y_);
  cairo_line_to(cr_, page_w_ - margin_, y_);
  cairo_stroke(cr_);
  y_ += 4;
}

void PdfLayout::table(const std::vector<double>& columns, const std::vector<std::vector<Cell>>& rows, bool header) {
  const double width = page_w_ - 2 * margin_;
  constexpr double pad = 3;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<PangoLayout*> cells;
    double row_h = 0;
    double x = margin_;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const Cell cell = c < rows[r].size() ? rows[r][c] : Cell{};
      const Font font = header && r == 0 ? Font::bold : cell.font;
      PangoLayout* l = layout(cell.text, font, columns[c] * width - 2 * pad);
      row_h = std::max(row_h, height(l));
      cells.push_back(l);
    }
    row_h += 2 * pad;
    if (row_h > page_h_ - 2 * margin_) {
      // Taller than a page (only with extreme texts): the cells flow one after another.
      const int first = page_;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        flow(cells[c], margin_ + pad, c < rows[r].size() ? rows[r][c].color : Rgb{});
        g_object_unref(cells[c]);
      }
      y_ += pad;
      record(log_kind_ == "text" ? "row" : log_kind_, rows[r].empty() ? "" : rows[r][0].text, first);
      continue;
    }
    ensure(header && r == 0 ? row_h + 36 : row_h);  // a header row stays with the first row
    if ((header && r == 0) || r % 2 == 1) {
      cairo_set_source_rgb(cr_, header && r == 0 ? 0.88 : 0.96, header && r == 0 ? 0.91 : 0.96,
                           header && r == 0 ? 0.96 : 0.96);
      cairo_rectangle(cr_, margin_, y_, width, row_h);
      cairo_fill(cr_);
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const Rgb color = c < rows[r].size() ? rows[r][c].color : Rgb{};
      draw(cells[c], x + pad, y_ + pad, color);
      x += columns[c] * width;
      g_object_unref(cells[c]);
    }
    y_ += row_h;
    record(log_kind_ == "text" ? "row" : log_kind_, rows[r].empty() ? "" : rows[r][0].text, page_);
  }
  y_ += 4;
}

std::string PdfLayout::finish(std::string* error) {
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_surface_finish(surface_);
  const cairo_status_t status = cairo_surface_status(surface_);
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  if (log_) log_->pages = page_;
  if (status != CAIRO_STATUS_SUCCESS) {
    *error = std::string("cannot produce the PDF: ") + cairo_status_to_string(status);
    return {};
  }
  return std::move(pdf_);
}

}  // namespace lockdiag::reports::detail
