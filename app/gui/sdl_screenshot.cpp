// Screenshots of the SDL window: a settled frame written as a PNG (cairo).
#include "sdl_screenshot.h"

#include <SDL.h>
#include <cairo.h>

#include <cstdio>

namespace lockdiag::gui {

bool write_png(SDL_Renderer* r, const std::string& file, std::string& err) {
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(r, &w, &h);
  cairo_surface_t* surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_surface_flush(surf);
  // Cairo's ARGB32 is native-endian 32-bit ARGB, which is SDL's ARGB8888; opaque, so no
  // premultiplication issue.
  const int ok = SDL_RenderReadPixels(r, nullptr, SDL_PIXELFORMAT_ARGB8888, cairo_image_surface_get_data(surf),
                                      cairo_image_surface_get_stride(surf));
  if (ok != 0) {
    err = SDL_GetError();
    cairo_surface_destroy(surf);
    return false;
  }
  // Force opaque alpha (some drivers leave it 0).
  unsigned char* px = cairo_image_surface_get_data(surf);
  const int stride = cairo_image_surface_get_stride(surf);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[y * stride + x * 4 + 3] = 0xFF;
  cairo_surface_mark_dirty(surf);
  const cairo_status_t st = cairo_surface_write_to_png(surf, file.c_str());
  cairo_surface_destroy(surf);
  if (st != CAIRO_STATUS_SUCCESS) {
    err = cairo_status_to_string(st);
    return false;
  }
  return true;
}

bool PendingScreenshot::take_if_settled(SDL_Renderer* r, bool& ok) {
  if (file.empty() || --frames_left > 0) return false;
  std::string error;
  if (!write_png(r, file, error)) {
    std::fprintf(stderr, "lockdiag-gui: screenshot %s: %s\n", file.c_str(), error.c_str());
    ok = false;
  }
  file.clear();
  return true;
}

}  // namespace lockdiag::gui
