#include "core/metrics.hpp"

#include <cmath>

#include "core/json_writer.hpp"

namespace hems {

histogram::histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)),
    buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size())) {
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) {
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    if (v <= bounds_[i])
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (v > 0 && std::isfinite(v))
    sum_micros_.fetch_add(static_cast<std::uint64_t>(v * 1e6), std::memory_order_relaxed);
}

double histogram::sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

metrics_registry::family& metrics_registry::family_for(const std::string& name,
                                                       const std::string& help, type kind) {
  for (auto& f : families_)
    if (f.name == name)
      return f;
  families_.push_back(family{name, help, kind, {}});
  return families_.back();
}

counter& metrics_registry::add_counter(const std::string& name, const std::string& help,
                                       const std::string& labels) {
  std::lock_guard guard{mutex_};
  auto& c = counters_.emplace_back();
  family_for(name, help, type::counter).members.push_back(series{labels, &c, nullptr, nullptr, {}});
  return c;
}

gauge& metrics_registry::add_gauge(const std::string& name, const std::string& help,
                                   const std::string& labels) {
  std::lock_guard guard{mutex_};
  auto& g = gauges_.emplace_back();
  family_for(name, help, type::gauge).members.push_back(series{labels, nullptr, &g, nullptr, {}});
  return g;
}

histogram& metrics_registry::add_histogram(const std::string& name, const std::string& help,
                                           std::vector<double> bounds) {
  std::lock_guard guard{mutex_};
  auto& h = histograms_.emplace_back(std::move(bounds));
  family_for(name, help, type::histogram).members.push_back(series{"", nullptr, nullptr, &h, {}});
  return h;
}

void metrics_registry::add_gauge_fn(const std::string& name, const std::string& help,
                                    std::function<double()> read) {
  std::lock_guard guard{mutex_};
  family_for(name, help, type::gauge)
    .members.push_back(series{"", nullptr, nullptr, nullptr, std::move(read)});
}

namespace {

void append_number(std::string& out, double v) {
  json_writer w;
  w.value(v);
  out += w.str() == "null" ? "NaN" : w.str();
}

void append_series(std::string& out, const std::string& name, const std::string& labels,
                   double v) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  append_number(out, v);
  out += '\n';
}

} // namespace

std::string metrics_registry::render() const {
  std::lock_guard guard{mutex_};
  std::string out;
  out.reserve(4096);
  for (const auto& f : families_) {
    static constexpr const char* type_names[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + f.name + ' ' + f.help + '\n';
    out += "# TYPE " + f.name + ' ' + type_names[static_cast<int>(f.kind)] + '\n';
    for (const auto& s : f.members) {
      if (s.c) {
        append_series(out, f.name, s.labels, static_cast<double>(s.c->value()));
      } else if (s.g) {
        append_series(out, f.name, s.labels, static_cast<double>(s.g->value()));
      } else if (s.fn) {
        append_series(out, f.name, s.labels, s.fn());
      } else if (s.h) {
        for (std::size_t i = 0; i < s.h->bounds().size(); ++i) {
          std::string le;
          append_number(le, s.h->bounds()[i]);
          append_series(out, f.name + "_bucket", "le=\"" + le + "\"",
                        static_cast<double>(s.h->bucket(i)));
        }
        append_series(out, f.name + "_bucket", "le=\"+Inf\"", static_cast<double>(s.h->count()));
        append_series(out, f.name + "_sum", "", s.h->sum());
        append_series(out, f.name + "_count", "", static_cast<double>(s.h->count()));
      }
    }
  }
  return out;
}

} // namespace hems
