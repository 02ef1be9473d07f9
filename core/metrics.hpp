#pragma once
// Counters, gauges and histograms rendered in Prometheus text format for
// GET /metrics. Registration returns a reference that stays valid for the
// registry's lifetime; updating is one relaxed atomic operation, cheap enough
// for the ingest hot path.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hems {

class counter {
public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

class gauge {
public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::int64_t> value_{0};
};

/// Cumulative buckets with fixed upper bounds, as Prometheus expects.
class histogram {
public:
  explicit histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0}; // sum in millionths, to stay atomic
};

class metrics_registry {
public:
  /// `labels` is Prometheus label text without braces, e.g. `reason="power_w"`.
  counter& add_counter(const std::string& name, const std::string& help,
                       const std::string& labels = "");
  gauge& add_gauge(const std::string& name, const std::string& help,
                   const std::string& labels = "");
  histogram& add_histogram(const std::string& name, const std::string& help,
                           std::vector<double> bounds);
  /// A gauge read at render time (queue depths, actor counts).
  void add_gauge_fn(const std::string& name, const std::string& help,
                    std::function<double()> read);

  /// The registry in Prometheus text exposition format 0.0.4.
  std::string render() const;

private:
  enum class type { counter, gauge, histogram };
  struct series {
    std::string labels;
    counter* c = nullptr;
    gauge* g = nullptr;
    histogram* h = nullptr;
    std::function<double()> fn;
  };
  struct family {
    std::string name;
    std::string help;
    type kind;
    std::vector<series> members;
  };
  family& family_for(const std::string& name, const std::string& help, type kind);

  mutable std::mutex mutex_;
  std::deque<family> families_;
  std::deque<counter> counters_;
  std::deque<gauge> gauges_;
  std::deque<histogram> histograms_;
};

} // namespace hems
