#include "core/sample_json.hpp"

namespace hems {

void write_sample_fields(json_writer& w, const sample& s, bool with_ids) {
  if (with_ids)
    w.field("home", s.home).field("device", s.device);
  w.field("ts", static_cast<std::int64_t>(s.ts_ms)).field("power_w", s.power_w);
  if (s.energy_wh)
    w.field("energy_wh", *s.energy_wh);
  if (s.state != device_state::unknown)
    w.field("state", to_string(s.state));
  if (s.seq)
    w.field("seq", *s.seq);
  if (s.kind != device_kind::unknown)
    w.field("kind", to_string(s.kind));
  if (s.occupied)
    w.field("occupied", *s.occupied);
  if (s.temperature_c)
    w.field("temperature_c", *s.temperature_c);
  if (s.setpoint_c)
    w.field("setpoint_c", *s.setpoint_c);
  if (s.soc_pct)
    w.field("soc_pct", *s.soc_pct);
}

void write_sample(json_writer& w, const sample& s) {
  w.begin_object();
  write_sample_fields(w, s);
  w.end_object();
}

std::string sample_to_json(const sample& s) {
  json_writer w;
  write_sample(w, s);
  return w.take();
}

} // namespace hems
