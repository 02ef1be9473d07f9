#include "storage/rocksdb_retention.hpp"

#include "storage/records.hpp"
#include "storage/window_records.hpp"

namespace hems::storage {

namespace {

constexpr millis hour_ms = 3'600'000;

// The instant up to which a key's data matters, or nullopt to keep it.
std::optional<millis> data_end(retained_kind kind, std::string_view key) {
  switch (kind) {
  case retained_kind::samples:
    if (auto parts = parse_sample_key(key))
      return parts->ts;
    return std::nullopt;
  case retained_kind::chunks:
    if (auto hour = chunk_key_hour(key))
      return *hour + hour_ms;
    return std::nullopt;
  case retained_kind::windows:
    if (auto tail = parse_window_key_tail(key))
      return tail->second + streams::nominal_length(tail->first);
    return std::nullopt;
  case retained_kind::notifications:
    return notification_key_time(key);
  }
  return std::nullopt;
}

millis kept_for(retained_kind kind, const retention_policy& p, std::string_view key) {
  switch (kind) {
  case retained_kind::samples:
  case retained_kind::chunks:
    return p.raw_samples_ms;
  case retained_kind::windows: {
    auto tail = parse_window_key_tail(key);
    return tail && tail->first == streams::resolution::m1 ? p.minute_windows_ms : p.windows_ms;
  }
  case retained_kind::notifications:
    return p.notifications_ms;
  }
  return p.windows_ms;
}

class retention_filter_impl final : public rocksdb::CompactionFilter {
public:
  retention_filter_impl(retained_kind kind, const retention_policy& policy, millis now)
      : kind_(kind), policy_(policy), now_(now) {}

  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    auto k = key.ToStringView();
    auto end = data_end(kind_, k);
    return end && *end < now_ - kept_for(kind_, policy_, k);
  }
  const char* Name() const override { return "hems.retention"; }

private:
  retained_kind kind_;
  retention_policy policy_;
  millis now_;
};

class retention_factory final : public rocksdb::CompactionFilterFactory {
public:
  retention_factory(retained_kind kind, retention_policy policy, std::shared_ptr<const clock> time)
      : kind_(kind), policy_(policy), time_(std::move(time)) {}

  std::unique_ptr<rocksdb::CompactionFilter>
  CreateCompactionFilter(const rocksdb::CompactionFilter::Context&) override {
    return std::make_unique<retention_filter_impl>(kind_, policy_, time_->now_ms());
  }
  const char* Name() const override { return "hems.retention"; }

private:
  retained_kind kind_;
  retention_policy policy_;
  std::shared_ptr<const clock> time_;
};

} // namespace

std::shared_ptr<rocksdb::CompactionFilterFactory>
retention_filter(retained_kind kind, retention_policy policy, std::shared_ptr<const clock> time) {
  return std::make_shared<retention_factory>(kind, policy, std::move(time));
}

} // namespace hems::storage
