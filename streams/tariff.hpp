#pragma once
// A home's tariff (docs/AUTOMATION.md, GET/PUT /tariff, POST/GET /prices):
// time-of-use versions, each valid from a time (and maybe until one), and
// price series pushed by a utility or market that override the time-of-use
// prices inside their intervals. The price at an instant comes from what was
// valid at that instant, so every cost figure, old or planned, uses the
// tariff of its time. Periods are local wall-clock hours, so a day of 23 or
// 25 hours keeps "17:00-21:00" at 17:00 local.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streams/preferences.hpp"

namespace hems::streams {

/// Prices in one direction (import or export): a default and local periods.
struct tou_prices {
  double default_price = 0; ///< currency per kWh
  struct period {
    daily_period when;
    double price = 0;
    friend bool operator==(const period&, const period&) = default;
  };
  std::vector<period> periods; ///< the first that contains a moment wins

  double at(const local_moment& m) const;
  friend bool operator==(const tou_prices&, const tou_prices&) = default;
};

struct tariff_version {
  millis valid_from = 0;
  std::optional<millis> valid_to; ///< exclusive; none: until a newer version starts
  std::string currency = "EUR";
  tou_prices import_prices;
  tou_prices export_prices;
  millis added_ms = 0; ///< when it was PUT (orders versions with the same valid_from)
  friend bool operator==(const tariff_version&, const tariff_version&) = default;
};

/// One interval of a pushed price series.
struct price_interval {
  millis from = 0;
  millis to = 0;
  double price = 0;
  friend bool operator==(const price_interval&, const price_interval&) = default;
};

struct price_series {
  std::string source;
  millis received_ms = 0;                    ///< a newer series wins where two overlap
  std::vector<price_interval> import_prices; ///< sorted, not overlapping
  std::vector<price_interval> export_prices;
  friend bool operator==(const price_series&, const price_series&) = default;
};

/// What a home pays: its versions (any order) and pushed series.
struct home_tariff {
  std::vector<tariff_version> versions;
  std::vector<price_series> series;
  friend bool operator==(const home_tariff&, const home_tariff&) = default;
};

/// A home with no tariff of its own pays this: 0.30 EUR/kWh, export 0.
tariff_version default_tariff_version();

/// The version valid at `t`: the newest valid_from <= t whose valid_to is
/// after t (ties: the one added last); null when none is.
const tariff_version* version_at(const home_tariff& tariff, millis t);

struct price_pair {
  double import_price = 0;
  double export_price = 0;
};

/// The prices at `t`: a pushed series' interval containing t (the newest
/// series first) for each direction, else the version valid at t read at
/// the local moment, else the default tariff.
price_pair price_at(const home_tariff& tariff, const local_zone& zone, millis t);

/// The 15-minute (or `slot_ms`) curve from `from` on: the price at the start
/// of each slot.
struct price_curve {
  millis from = 0;
  millis slot_ms = 15 * minute_ms;
  std::vector<double> import_prices;
  std::vector<double> export_prices;
};
price_curve price_curve_at(const home_tariff& tariff, const local_zone& zone, millis from,
                           int slots, millis slot_ms = 15 * minute_ms);

/// The currency of the version valid at `t` (of the default tariff when none is).
std::string currency_at(const home_tariff& tariff, millis t);

/// PUT /tariff's body: one version. `now` is its added_ms. Unknown fields,
/// bad prices or times name the field.
std::expected<tariff_version, invalid_field> read_tariff_version(std::string_view json, millis now);
/// POST /prices' body. At most `max_intervals` per direction.
std::expected<price_series, invalid_field> read_price_series(std::string_view json, millis now,
                                                             std::size_t max_intervals = 10'000);

/// Adds a version, dropping nothing: older versions stay for old costs.
/// At most `max_versions` are kept (the oldest go first).
void add_version(home_tariff& tariff, tariff_version v, std::size_t max_versions = 100);
/// Adds a series; series that ended before `keep_after` and the oldest
/// beyond `max_series` are dropped.
void add_series(home_tariff& tariff, price_series s, millis keep_after,
                std::size_t max_series = 200);

/// The stored form (and what GET /tariff answers: versions newest first,
/// then the series) and its reader.
std::string tariff_json(std::string_view home, const home_tariff& tariff);
std::expected<home_tariff, invalid_field> read_stored_tariff(std::string_view json);

/// One version as JSON (the PUT body's shape, with added_ms).
std::string tariff_version_json(const tariff_version& v);

/// GET /prices' answer.
std::string price_curve_json(std::string_view home, const price_curve& curve,
                             std::string_view currency);

} // namespace hems::streams
