#pragma once
// GET /usage's windows of one series over [from, to), rendered by UTC days:
// a day that is whole in the range, closed (it ended by the home's close
// point) and not yet reachable by retention comes from the usage_day_cache,
// rendered once; the rest (the range's ends, open days, days) is read and
// rendered on each request. Plain functions over the history store.
//
// Two formats (docs/openapi.json, GET /usage):
//  - objects (the default, rest.md's): an array of window objects.
//  - columns (`format=columns`, 1m, 15m and 1h): {"first", "step_ms",
//    "count", and one array per column}: slot i is the window starting at
//    first + i * step_ms; a slot without a stored window is null in every
//    column. Numbers are the same as the objects' (the stored doubles in
//    shortest round-trip form); `end` is start + step_ms, and occupied_ms is
//    there only when some window has it.

#include <array>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/usage_day_cache.hpp"
#include "core/json_writer.hpp"
#include "storage/history_store.hpp"

namespace hems::api {

/// The columns of format=columns, in their order in window_fragment::parts.
inline constexpr std::array<std::string_view, 6> window_columns{
    "energy_wh", "avg_power_w", "max_power_w", "samples", "covered_ms", "occupied_ms"};

struct series_request {
  std::string home;
  std::string series;
  streams::resolution res = streams::resolution::m1;
  window_format format = window_format::objects;
  millis from = 0; ///< a range window_range_param accepted
  millis to = 0;
  millis closed_until = 0; ///< the home's close point: windows ending by then are final
  /// Retention drops windows ending before now - kept_ms (storage/rocksdb_retention.cpp).
  millis now = 0;
  millis kept_ms = std::numeric_limits<millis>::max() / 4;
};

/// A series' windows as fragments in time order.
struct rendered_series {
  std::vector<std::shared_ptr<const window_fragment>> pieces;
  millis first = 0; ///< columns: the start of slot 0
  millis step = 0;  ///< columns: the window length
  std::size_t windows() const;
  std::size_t slots() const;
  bool has_occupied() const;
  std::size_t bytes() const;
};

/// Reads (or finds in `cache`, which may be null) and renders one series.
result<rendered_series> render_series(storage::history_store& db, usage_day_cache* cache,
                                      const series_request& q);

/// Writes the series as the value of the key just written: the objects' array
/// or the columns' object.
void write_series(json_writer& w, const rendered_series& s, window_format format);

} // namespace hems::api
