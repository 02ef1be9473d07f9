#include "api/history_json.hpp"

namespace hems::api {

void window_json(json_writer& w, const storage::window_row& row) {
  const auto& s = row.stats;
  w.begin_object()
      .field("start", row.start)
      .field("end", row.end)
      .field("energy_wh", s.energy_wh)
      .field("avg_power_w", streams::average_power_w(s, row.start, row.end))
      .key("max_power_w");
  if (s.max_power_w)
    w.value(*s.max_power_w);
  else
    w.null();
  w.field("samples", static_cast<std::uint64_t>(s.samples)).field("covered_ms", s.covered_ms);
  if (s.occupied_ms)
    w.field("occupied_ms", *s.occupied_ms);
  w.end_object();
}

void windows_json(json_writer& w, const std::vector<storage::window_row>& rows) {
  w.begin_array();
  for (const auto& row : rows)
    window_json(w, row);
  w.end_array();
}

std::string usage_window_feed_json(const std::string& home, const streams::usage_window& uw) {
  json_writer w;
  w.begin_object()
      .field("home", home)
      .field("resolution", streams::to_string(uw.res))
      .field("series", uw.series)
      .key("window");
  window_json(w, {uw.start, uw.end, uw.stats});
  w.end_object();
  return w.take();
}

} // namespace hems::api
