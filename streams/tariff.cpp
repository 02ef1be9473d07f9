#include "streams/tariff.hpp"

#include <algorithm>
#include <cctype>

#include "core/json_writer.hpp"
#include "streams/preferences_read.hpp"

namespace hems::streams {

namespace {

using json_read::bad;
using json_read::element;

// Prices beyond this are typos, not tariffs (negative prices are real).
constexpr double max_abs_price = 100;

std::expected<double, invalid_field> read_price(element e, const std::string& path) {
  auto n = json_read::as_number(e, path);
  if (!n)
    return std::unexpected(n.error());
  if (*n < -max_abs_price || *n > max_abs_price)
    return bad(path, "expected a price per kWh from -100 to 100");
  return *n;
}

std::expected<tou_prices, invalid_field> read_tou(element e, const std::string& path) {
  auto o = json_read::as_object(e, path);
  if (!o)
    return std::unexpected(o.error());
  if (auto k = json_read::only_keys(*o, path, {"default", "periods"}); !k)
    return std::unexpected(k.error());
  tou_prices out;
  element v;
  if (o->at_key("default").get(v) != simdjson::SUCCESS)
    return bad(path + ".default", "required");
  auto d = read_price(v, path + ".default");
  if (!d)
    return std::unexpected(d.error());
  out.default_price = *d;
  if (o->at_key("periods").get(v) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS)
      return bad(path + ".periods", "expected an array of {days, start, end, price}");
    std::size_t i = 0;
    for (auto p : arr) {
      std::string field = path + ".periods[" + std::to_string(i++) + "]";
      double price = 0;
      auto when = json_read::as_period(p, field, &price);
      if (!when)
        return std::unexpected(when.error());
      if (price < -max_abs_price || price > max_abs_price)
        return bad(field + ".price", "expected a price per kWh from -100 to 100");
      out.periods.push_back({std::move(*when), price});
    }
    if (out.periods.size() > 100)
      return bad(path + ".periods", "at most 100 periods");
  }
  return out;
}

std::expected<tariff_version, invalid_field> read_version(element e, const std::string& prefix,
                                                          millis now, bool stored) {
  std::string path = prefix.empty() ? "body" : prefix;
  auto o = json_read::as_object(e, path);
  if (!o)
    return std::unexpected(o.error());
  auto known =
      stored
          ? json_read::only_keys(
                *o, prefix, {"valid_from", "valid_to", "currency", "import", "export", "added_ms"})
          : json_read::only_keys(
                *o, prefix, {"home", "valid_from", "valid_to", "currency", "import", "export"});
  if (!known)
    return std::unexpected(known.error());
  auto at = [&](std::string_view key) {
    return prefix.empty() ? std::string{key} : prefix + "." + std::string{key};
  };
  tariff_version out;
  out.added_ms = now;
  element v;
  if (o->at_key("valid_from").get(v) != simdjson::SUCCESS)
    return bad(at("valid_from"), "required (ms since the epoch or RFC 3339)");
  auto from = json_read::as_time(v, at("valid_from"));
  if (!from)
    return std::unexpected(from.error());
  out.valid_from = *from;
  if (o->at_key("valid_to").get(v) == simdjson::SUCCESS && !v.is_null()) {
    auto to = json_read::as_time(v, at("valid_to"));
    if (!to)
      return std::unexpected(to.error());
    if (*to <= out.valid_from)
      return bad(at("valid_to"), "must be after valid_from");
    out.valid_to = *to;
  }
  if (o->at_key("currency").get(v) != simdjson::SUCCESS)
    return bad(at("currency"), "required (ISO 4217, e.g. EUR)");
  auto currency = json_read::as_string(v, at("currency"));
  if (!currency)
    return std::unexpected(currency.error());
  if (currency->size() != 3 || !std::all_of(currency->begin(), currency->end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c));
      }))
    return bad(at("currency"), "expected three capital letters (ISO 4217, e.g. EUR)");
  out.currency = *currency;
  if (o->at_key("import").get(v) != simdjson::SUCCESS)
    return bad(at("import"), "required ({\"default\": price, \"periods\": [...]})");
  auto imp = read_tou(v, at("import"));
  if (!imp)
    return std::unexpected(imp.error());
  out.import_prices = std::move(*imp);
  if (o->at_key("export").get(v) == simdjson::SUCCESS) {
    auto exp = read_tou(v, at("export"));
    if (!exp)
      return std::unexpected(exp.error());
    out.export_prices = std::move(*exp);
  }
  if (stored && o->at_key("added_ms").get(v) == simdjson::SUCCESS) {
    auto added = json_read::as_time(v, at("added_ms"));
    if (!added)
      return std::unexpected(added.error());
    out.added_ms = *added;
  }
  return out;
}

std::expected<std::vector<price_interval>, invalid_field>
read_intervals(element e, const std::string& path, std::size_t max_intervals) {
  simdjson::dom::array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS)
    return bad(path, "expected an array of {from, to, price}");
  std::vector<price_interval> out;
  std::size_t i = 0;
  for (auto x : arr) {
    std::string field = path + "[" + std::to_string(i++) + "]";
    if (out.size() == max_intervals)
      return bad(path, "at most " + std::to_string(max_intervals) + " intervals");
    auto o = json_read::as_object(x, field);
    if (!o)
      return std::unexpected(o.error());
    if (auto k = json_read::only_keys(*o, field, {"from", "to", "price"}); !k)
      return std::unexpected(k.error());
    price_interval p;
    element v;
    for (auto [key, out_t] : {std::pair{"from", &p.from}, std::pair{"to", &p.to}}) {
      if (o->at_key(key).get(v) != simdjson::SUCCESS)
        return bad(field + "." + key, "required");
      auto t = json_read::as_time(v, field + "." + key);
      if (!t)
        return std::unexpected(t.error());
      *out_t = *t;
    }
    if (p.to <= p.from)
      return bad(field + ".to", "must be after from");
    if (!out.empty() && p.from < out.back().to)
      return bad(field + ".from", "intervals must be in order and must not overlap");
    if (o->at_key("price").get(v) != simdjson::SUCCESS)
      return bad(field + ".price", "required");
    auto price = read_price(v, field + ".price");
    if (!price)
      return std::unexpected(price.error());
    p.price = *price;
    out.push_back(p);
  }
  return out;
}

std::expected<price_series, invalid_field> read_series(element e, const std::string& prefix,
                                                       millis now, std::size_t max_intervals,
                                                       bool stored) {
  auto o = json_read::as_object(e, prefix.empty() ? "body" : prefix);
  if (!o)
    return std::unexpected(o.error());
  auto known = stored
                   ? json_read::only_keys(*o, prefix, {"source", "received_ms", "import", "export"})
                   : json_read::only_keys(*o, prefix, {"home", "source", "import", "export"});
  if (!known)
    return std::unexpected(known.error());
  auto at = [&](std::string_view key) {
    return prefix.empty() ? std::string{key} : prefix + "." + std::string{key};
  };
  price_series out;
  out.received_ms = now;
  element v;
  if (o->at_key("source").get(v) != simdjson::SUCCESS)
    return bad(at("source"), "required (who publishes these prices)");
  auto source = json_read::as_string(v, at("source"));
  if (!source)
    return std::unexpected(source.error());
  if (source->empty() || source->size() > 64)
    return bad(at("source"), "expected 1 to 64 characters");
  out.source = *source;
  bool any = false;
  for (auto [key, list] :
       {std::pair{"import", &out.import_prices}, std::pair{"export", &out.export_prices}}) {
    if (o->at_key(key).get(v) != simdjson::SUCCESS)
      continue;
    auto got = read_intervals(v, at(key), max_intervals);
    if (!got)
      return std::unexpected(got.error());
    *list = std::move(*got);
    any = any || !list->empty();
  }
  if (!any && !stored)
    return bad(at("import"), "required: at least one interval in import or export");
  if (stored && o->at_key("received_ms").get(v) == simdjson::SUCCESS) {
    auto t = json_read::as_time(v, at("received_ms"));
    if (!t)
      return std::unexpected(t.error());
    out.received_ms = *t;
  }
  return out;
}

const price_interval* interval_at(const std::vector<price_interval>& list, millis t) {
  auto it = std::upper_bound(list.begin(), list.end(), t,
                             [](millis x, const price_interval& p) { return x < p.from; });
  if (it == list.begin())
    return nullptr;
  --it;
  return t < it->to ? &*it : nullptr;
}

void write_tou(json_writer& w, const tou_prices& p) {
  w.begin_object().field("default", p.default_price).key("periods").begin_array();
  for (const auto& period : p.periods) {
    w.begin_object()
        .field("start", format_time_of_day(period.when.start))
        .field("end", format_time_of_day(period.when.end));
    if (!period.when.days.empty()) {
      w.key("days").begin_array();
      for (int d : period.when.days)
        w.value(weekday_name(d));
      w.end_array();
    }
    w.field("price", period.price).end_object();
  }
  w.end_array().end_object();
}

void write_version(json_writer& w, const tariff_version& v) {
  w.begin_object().field("valid_from", v.valid_from).key("valid_to");
  if (v.valid_to)
    w.value(*v.valid_to);
  else
    w.null();
  w.field("currency", v.currency).key("import");
  write_tou(w, v.import_prices);
  w.key("export");
  write_tou(w, v.export_prices);
  w.field("added_ms", v.added_ms).end_object();
}

void write_intervals(json_writer& w, const std::vector<price_interval>& list) {
  w.begin_array();
  for (const auto& p : list)
    w.begin_object().field("from", p.from).field("to", p.to).field("price", p.price).end_object();
  w.end_array();
}

} // namespace

double tou_prices::at(const local_moment& m) const {
  for (const auto& p : periods)
    if (p.when.contains(m))
      return p.price;
  return default_price;
}

tariff_version default_tariff_version() {
  tariff_version v;
  v.valid_from = std::numeric_limits<millis>::min() / 2;
  v.currency = "EUR";
  v.import_prices.default_price = 0.30;
  v.export_prices.default_price = 0;
  return v;
}

const tariff_version* version_at(const home_tariff& tariff, millis t) {
  const tariff_version* best = nullptr;
  for (const auto& v : tariff.versions) {
    if (v.valid_from > t || (v.valid_to && *v.valid_to <= t))
      continue;
    if (!best || v.valid_from > best->valid_from ||
        (v.valid_from == best->valid_from && v.added_ms >= best->added_ms))
      best = &v;
  }
  return best;
}

price_pair price_at(const home_tariff& tariff, const local_zone& zone, millis t) {
  static const tariff_version fallback = default_tariff_version();
  const tariff_version* v = version_at(tariff, t);
  if (!v)
    v = &fallback;
  auto m = zone.moment(t);
  price_pair out{v->import_prices.at(m), v->export_prices.at(m)};
  // Series overriding: the newest series with an interval at t, per direction.
  const price_series* newest_import = nullptr;
  const price_series* newest_export = nullptr;
  double series_import = 0, series_export = 0;
  for (const auto& s : tariff.series) {
    if (auto* p = interval_at(s.import_prices, t);
        p && (!newest_import || s.received_ms >= newest_import->received_ms)) {
      newest_import = &s;
      series_import = p->price;
    }
    if (auto* p = interval_at(s.export_prices, t);
        p && (!newest_export || s.received_ms >= newest_export->received_ms)) {
      newest_export = &s;
      series_export = p->price;
    }
  }
  if (newest_import)
    out.import_price = series_import;
  if (newest_export)
    out.export_price = series_export;
  return out;
}

price_curve price_curve_at(const home_tariff& tariff, const local_zone& zone, millis from,
                           int slots, millis slot_ms) {
  price_curve c;
  c.from = from;
  c.slot_ms = slot_ms;
  c.import_prices.reserve(static_cast<std::size_t>(slots));
  c.export_prices.reserve(static_cast<std::size_t>(slots));
  for (int i = 0; i < slots; ++i) {
    auto p = price_at(tariff, zone, from + i * slot_ms);
    c.import_prices.push_back(p.import_price);
    c.export_prices.push_back(p.export_price);
  }
  return c;
}

std::string currency_at(const home_tariff& tariff, millis t) {
  if (auto* v = version_at(tariff, t))
    return v->currency;
  return default_tariff_version().currency;
}

std::expected<tariff_version, invalid_field> read_tariff_version(std::string_view json,
                                                                 millis now) {
  simdjson::dom::parser parser;
  auto doc = json_read::parse(parser, json);
  if (!doc)
    return std::unexpected(doc.error());
  return read_version(*doc, "", now, false);
}

std::expected<price_series, invalid_field> read_price_series(std::string_view json, millis now,
                                                             std::size_t max_intervals) {
  simdjson::dom::parser parser;
  auto doc = json_read::parse(parser, json);
  if (!doc)
    return std::unexpected(doc.error());
  return read_series(*doc, "", now, max_intervals, false);
}

void add_version(home_tariff& tariff, tariff_version v, std::size_t max_versions) {
  tariff.versions.push_back(std::move(v));
  std::stable_sort(tariff.versions.begin(), tariff.versions.end(),
                   [](const tariff_version& a, const tariff_version& b) {
                     return a.valid_from != b.valid_from ? a.valid_from > b.valid_from
                                                         : a.added_ms > b.added_ms;
                   });
  if (tariff.versions.size() > max_versions)
    tariff.versions.resize(max_versions);
}

void add_series(home_tariff& tariff, price_series s, millis keep_after, std::size_t max_series) {
  tariff.series.push_back(std::move(s));
  auto ends = [](const price_series& x) {
    millis end = std::numeric_limits<millis>::min();
    for (const auto* list : {&x.import_prices, &x.export_prices})
      if (!list->empty())
        end = std::max(end, list->back().to);
    return end;
  };
  std::erase_if(tariff.series, [&](const price_series& x) { return ends(x) <= keep_after; });
  std::stable_sort(
      tariff.series.begin(), tariff.series.end(),
      [](const price_series& a, const price_series& b) { return a.received_ms > b.received_ms; });
  if (tariff.series.size() > max_series)
    tariff.series.resize(max_series);
}

std::string tariff_version_json(const tariff_version& v) {
  json_writer w;
  write_version(w, v);
  return w.take();
}

std::string tariff_json(std::string_view home, const home_tariff& tariff) {
  json_writer w;
  w.begin_object().field("home", home).key("versions").begin_array();
  for (const auto& v : tariff.versions)
    write_version(w, v);
  w.end_array().key("series").begin_array();
  for (const auto& s : tariff.series) {
    w.begin_object().field("source", s.source).field("received_ms", s.received_ms).key("import");
    write_intervals(w, s.import_prices);
    w.key("export");
    write_intervals(w, s.export_prices);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

std::expected<home_tariff, invalid_field> read_stored_tariff(std::string_view json) {
  simdjson::dom::parser parser;
  auto doc = json_read::parse(parser, json);
  if (!doc)
    return std::unexpected(doc.error());
  auto o = json_read::as_object(*doc, "body");
  if (!o)
    return std::unexpected(o.error());
  home_tariff out;
  element v;
  simdjson::dom::array arr;
  if (o->at_key("versions").get(v) == simdjson::SUCCESS &&
      v.get_array().get(arr) == simdjson::SUCCESS) {
    std::size_t i = 0;
    for (auto x : arr) {
      auto got = read_version(x, "versions[" + std::to_string(i++) + "]", 0, true);
      if (!got)
        return std::unexpected(got.error());
      out.versions.push_back(std::move(*got));
    }
  }
  if (o->at_key("series").get(v) == simdjson::SUCCESS &&
      v.get_array().get(arr) == simdjson::SUCCESS) {
    std::size_t i = 0;
    for (auto x : arr) {
      auto got = read_series(x, "series[" + std::to_string(i++) + "]", 0, 1'000'000, true);
      if (!got)
        return std::unexpected(got.error());
      out.series.push_back(std::move(*got));
    }
  }
  return out;
}

std::string price_curve_json(std::string_view home, const price_curve& curve,
                             std::string_view currency) {
  json_writer w;
  w.begin_object()
      .field("home", home)
      .field("slot_ms", curve.slot_ms)
      .field("from", curve.from)
      .field("to", curve.from + curve.slot_ms * static_cast<millis>(curve.import_prices.size()))
      .field("currency", currency)
      .key("import")
      .begin_array();
  for (double p : curve.import_prices)
    w.value(p);
  w.end_array().key("export").begin_array();
  for (double p : curve.export_prices)
    w.value(p);
  w.end_array().end_object();
  return w.take();
}

} // namespace hems::streams
