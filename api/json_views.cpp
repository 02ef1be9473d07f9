#include "api/json_views.hpp"

#include <charconv>

#include "core/json_writer.hpp"
#include "core/sample_json.hpp"

namespace hems::api {

namespace {

template <class T>
void optional_field(json_writer& w, std::string_view key, const std::optional<T>& v) {
  if (v)
    w.field(key, *v);
}

double home_energy_today(const actors::home_view& view) {
  double tracked = 0;
  std::optional<double> meter;
  for (const auto& d : view.devices) {
    if (d.status.kind == device_kind::meter)
      meter = meter.value_or(0) + d.energy_today_wh;
    else
      tracked += d.energy_today_wh;
  }
  return meter.value_or(tracked);
}

} // namespace

std::string devices_json(const actors::home_view& view) {
  json_writer w;
  w.begin_object().field("home", view.home).field("as_of", view.as_of_ms);
  w.key("devices").begin_array();
  for (const auto& d : view.devices) {
    const auto& st = d.status;
    w.begin_object()
      .field("id", st.device)
      .field("kind", to_string(st.kind))
      .key("location")
      .null()
      .field("state", st.memo.last ? to_string(st.memo.last->state) : "unknown")
      .field("power_w", d.power_w)
      .field("last_seen", st.last_seen_ms)
      .field("online", d.online)
      .field("energy_today_wh", d.energy_today_wh)
      .field("quarantined", st.quarantined);
    if (st.memo.last) {
      const auto& l = *st.memo.last;
      w.field("last_ts", l.ts_ms);
      optional_field(w, "occupied", l.occupied);
      optional_field(w, "temperature_c", l.temperature_c);
      optional_field(w, "setpoint_c", l.setpoint_c);
      optional_field(w, "soc_pct", l.soc_pct);
    }
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::string live_usage_json(const actors::home_view& view) {
  json_writer w;
  w.begin_object()
    .field("home", view.home)
    .field("as_of", view.as_of_ms)
    .field("power_w", view.total_power_w)
    .field("tracked_power_w", view.tracked_power_w)
    .key("untracked_power_w");
  if (view.untracked_power_w)
    w.value(*view.untracked_power_w);
  else
    w.null();
  w.field("energy_today_wh", home_energy_today(view));
  w.key("devices").begin_array();
  for (const auto& d : view.devices)
    w.begin_object()
      .field("id", d.status.device)
      .field("kind", to_string(d.status.kind))
      .field("power_w", d.power_w)
      .field("energy_today_wh", d.energy_today_wh)
      .field("online", d.online)
      .end_object();
  w.end_array().end_object();
  return w.take();
}

std::string sample_cursor(const sample& s) {
  return std::to_string(s.ts_ms) + "." + std::to_string(s.seq.value_or(0));
}

std::optional<std::pair<millis, std::uint64_t>> parse_sample_cursor(std::string_view cursor) {
  auto dot = cursor.find('.');
  if (dot == std::string_view::npos)
    return std::nullopt;
  millis ts = 0;
  std::uint64_t seq = 0;
  auto a = std::from_chars(cursor.data(), cursor.data() + dot, ts);
  auto b = std::from_chars(cursor.data() + dot + 1, cursor.data() + cursor.size(), seq);
  if (a.ec != std::errc{} || a.ptr != cursor.data() + dot || b.ec != std::errc{} ||
      b.ptr != cursor.data() + cursor.size() || dot == 0)
    return std::nullopt;
  return std::pair{ts, seq};
}

std::string raw_samples_json(const std::string& home, const std::string& device,
                             const storage::sample_page& page) {
  json_writer w;
  w.begin_object().field("home", home).field("device", device).field("resolution", "raw");
  w.key("samples").begin_array();
  for (const auto& s : page.samples) {
    w.begin_object();
    write_sample_fields(w, s, false);
    w.end_object();
  }
  w.end_array().key("next");
  if (page.more && !page.samples.empty())
    w.value(sample_cursor(page.samples.back()));
  else
    w.null();
  w.end_object();
  return w.take();
}

} // namespace hems::api
