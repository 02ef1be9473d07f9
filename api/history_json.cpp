#include "api/history_json.hpp"

namespace hems::api {

void append_window_object(std::string& out, const storage::window_row& row) {
  const auto& s = row.stats;
  out += R"({"start":)";
  append_json_number(out, row.start);
  out += R"(,"end":)";
  append_json_number(out, row.end);
  out += R"(,"energy_wh":)";
  append_json_number(out, s.energy_wh);
  out += R"(,"avg_power_w":)";
  append_json_number(out, streams::average_power_w(s, row.start, row.end));
  out += R"(,"max_power_w":)";
  if (s.max_power_w)
    append_json_number(out, *s.max_power_w);
  else
    out += "null";
  out += R"(,"samples":)";
  append_json_number(out, static_cast<std::uint64_t>(s.samples));
  out += R"(,"covered_ms":)";
  append_json_number(out, s.covered_ms);
  if (s.occupied_ms) {
    out += R"(,"occupied_ms":)";
    append_json_number(out, *s.occupied_ms);
  }
  out += '}';
}

void window_json(json_writer& w, const storage::window_row& row) {
  std::string object;
  object.reserve(160);
  append_window_object(object, row);
  w.raw(object);
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
