#include "adapters/telemetry_metrics.hpp"

namespace hems::adapters {

telemetry_metrics::telemetry_metrics(metrics_registry& m)
  : frames(m.add_counter("hems_telemetry_frames_total", "Telemetry frames received.")),
    samples_decoded_(m.add_counter("hems_samples_decoded_total",
                                   "Samples that passed every rule of the telemetry contract.")) {
  for (std::size_t i = 0; i < frame_error_count; ++i)
    frames_rejected_[i] = &m.add_counter(
      "hems_telemetry_frames_rejected_total", "Frames dropped whole, by reason.",
      "reason=\"" + std::string{to_string(static_cast<frame_error>(i))} + "\"");
  for (std::size_t i = 0; i < sample_error_count; ++i)
    samples_rejected_[i] = &m.add_counter(
      "hems_samples_rejected_total", "Samples rejected alone, by the field at fault.",
      "reason=\"" + std::string{to_string(static_cast<sample_error>(i))} + "\"");
}

void telemetry_metrics::count(const decoded_samples& d) {
  samples_decoded_.inc(d.samples.size());
  for (const auto& r : d.rejected)
    samples_rejected_[static_cast<std::size_t>(r.reason)]->inc();
}

} // namespace hems::adapters
