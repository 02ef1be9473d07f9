#pragma once
// One simulated home: a household, its devices and (optionally) its meter.
// `step(now)` gives the samples due at `now` at the configured rate (every
// device once per interval, all at the same instant, so one home makes one
// frame); `sample_all(now)` reads every device regardless of the rate, for
// fast-forward. `apply` makes a device obey a command.
//
// Every sample's `seq` is its timestamp: strictly increasing per device, and
// it keeps increasing when the simulator is restarted, so the server's
// duplicate filter does not drop a restarted simulator's samples.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sample.hpp"
#include "sim/device_mix.hpp"
#include "sim/home_context.hpp"

namespace hems::sim {

class home_meter;

struct home_config {
  std::string id = "h-0001";
  std::uint64_t seed = 1;
  int devices = 10;                      ///< how many of the home's device mix
  local_zone zone;                       ///< UTC unless told
  bool meter = false;                    ///< add a whole-home meter (not counted in `devices`)
  double rate_hz = 1.0;                  ///< samples per device per second, for step()
  std::optional<home_features> features; ///< drawn from the seed when absent
};

class simulated_home {
public:
  simulated_home(home_config config, weather outdoors);

  const std::string& id() const { return config_.id; }
  const home_features& features() const { return features_; }
  const home_context& context() const { return context_; }
  const std::vector<std::unique_ptr<device_model>>& devices() const { return devices_; }
  device_model* find(std::string_view device_id) const;
  template <class Model> Model* find_as(std::string_view device_id) const {
    return dynamic_cast<Model*>(find(device_id));
  }

  millis interval_ms() const { return interval_ms_; }
  /// When step() next has samples (known after the first step()).
  millis next_due() const { return next_due_; }

  /// Appends the samples due at `now` (none, or one per device).
  void step(millis now, std::vector<sample>& out);
  /// Appends one sample per device at `now`, unless `now` is not after the last one.
  void sample_all(millis now, std::vector<sample>& out);
  /// Runs every device up to `now` without reading them.
  void advance_to(millis now);
  /// The command's device runs up to `now`, then obeys it.
  command_outcome apply(const command& c, millis now);

private:
  home_config config_;
  home_features features_;
  home_context context_;
  std::vector<std::unique_ptr<device_model>> devices_;
  home_meter* meter_ = nullptr; // in devices_, last
  millis interval_ms_;
  millis phase_ms_;
  bool scheduled_ = false;
  millis next_due_ = 0;
  std::optional<millis> last_ts_;
};

/// "h-0001" for home 1.
std::string home_id(int number);

} // namespace hems::sim
