#pragma once
// A fridge or freezer: the compressor cycles on its thermostat. It runs
// longer when the kitchen is warm (afternoon, evening) and the door is opened
// (someone home and awake), less at night. Frost-free models defrost once a
// day with a small heater. Essential: it refuses to be switched off.

#include <cstdint>

#include "sim/device_model.hpp"
#include "sim/random.hpp"

namespace hems::sim {

struct fridge_profile {
  double compressor_w_lo = 85, compressor_w_hi = 140; ///< rated compressor power
  double idle_w = 1.5;                                ///< electronics between cycles
  double on_min_lo = 12, on_min_hi = 20;              ///< compressor run length, minutes
  double off_min_lo = 22, off_min_hi = 38;            ///< rest length, minutes
  double defrost_w = 180;                             ///< 0: no defrost heater
  double defrost_min = 20;

  static fridge_profile fridge() { return {}; }
  static fridge_profile freezer() { return {70, 110, 1.0, 15, 25, 20, 32, 0, 0}; }
};

class fridge_model final : public device_model {
public:
  fridge_model(std::string id, std::uint64_t seed, fridge_profile p = {});

protected:
  void on_start(millis t, const home_context& ctx) override;
  millis next_change() const override { return next_; }
  void on_change(millis t, const home_context& ctx) override;
  double drawn_power_w() const override;
  device_state current_state() const override;
  command_outcome on_command(const command& c, millis t, const home_context& ctx) override;

private:
  enum class phase { resting, cooling, defrosting };
  void rest(millis t, const home_context& ctx);
  void cool(millis t);
  millis defrost_time(std::int64_t day, const home_context& ctx) const;

  fridge_profile profile_;
  rng rng_;
  std::uint64_t seed_;
  double rated_w_;
  phase phase_ = phase::resting;
  double power_w_ = 0;
  millis next_ = never;
  millis next_defrost_ = never;
};

} // namespace hems::sim
