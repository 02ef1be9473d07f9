#include "storage/sample_writer.hpp"

#include <chrono>

namespace hems::storage {

sample_writer::sample_writer(store& db, device_ledger ledger, metrics_registry& metrics,
                             writer_options options, dispatch_fn dispatch)
  : db_(db),
    ledger_(std::move(ledger)),
    options_(options),
    dispatch_(std::move(dispatch)),
    stored_(metrics.add_counter("hems_samples_stored_total", "Samples committed to storage.")),
    duplicates_(metrics.add_counter("hems_samples_duplicate_total",
                                    "Samples dropped because their seq was not new.")),
    commit_failures_(metrics.add_counter("hems_storage_commit_failures_total",
                                         "Group commits that failed; their batches were not stored.")),
    commits_(metrics.add_counter("hems_storage_commits_total", "Group commits.")),
    commit_seconds_(metrics.add_histogram("hems_storage_commit_seconds",
                                          "Time to commit one group, fsync included.",
                                          {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 1})) {
  metrics.add_gauge_fn("hems_ingest_queue_samples", "Samples waiting to be committed.",
                       [this] { return static_cast<double>(queued_samples()); });
  thread_ = std::thread{[this] { run(); }};
}

sample_writer::~sample_writer() { stop(); }

bool sample_writer::has_room(std::size_t samples) const {
  // A batch larger than the whole queue is still admitted once the queue is empty.
  return queued_samples_ == 0 || queued_samples_ + samples <= options_.queue_capacity_samples;
}

void sample_writer::enqueue(ingest_batch&& batch) {
  queued_samples_ += batch.samples.size();
  queue_.push_back(std::move(batch));
  not_empty_.notify_one();
}

bool sample_writer::submit(ingest_batch&& batch) {
  std::unique_lock lock{mutex_};
  not_full_.wait(lock, [&] { return stopping_ || has_room(batch.samples.size()); });
  if (stopping_)
    return false;
  enqueue(std::move(batch));
  return true;
}

bool sample_writer::try_submit(ingest_batch& batch) {
  std::lock_guard lock{mutex_};
  if (stopping_ || !has_room(batch.samples.size()))
    return false;
  enqueue(std::move(batch));
  return true;
}

void sample_writer::stop() {
  {
    std::lock_guard lock{mutex_};
    if (stopping_ && !thread_.joinable())
      return;
    stopping_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

std::size_t sample_writer::queued_samples() const {
  std::lock_guard lock{mutex_};
  return queued_samples_;
}

void sample_writer::run() {
  std::vector<ingest_batch> group;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      not_empty_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping, and everything queued is committed
      std::size_t taken = 0;
      while (!queue_.empty() && (group.empty() || taken + queue_.front().samples.size() <=
                                                     options_.max_group_samples)) {
        taken += queue_.front().samples.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_samples_ -= taken;
    }
    not_full_.notify_all();
    commit_group(group);
    group.clear();
  }
}

void sample_writer::commit_group(std::vector<ingest_batch>& group) {
  auto batch = db_.new_batch();
  std::vector<ingest_result> results(group.size());
  durability needs = durability::os_buffered;
  for (std::size_t i = 0; i < group.size(); ++i) {
    auto& b = group[i];
    if (b.needs == durability::fsynced)
      needs = durability::fsynced;
    // Compact accepted samples to the front of the batch, in order.
    std::size_t kept = 0;
    for (auto& s : b.samples) {
      if (!ledger_.admit(s, b.received_ms)) {
        ++results[i].duplicates;
        continue;
      }
      batch->put_sample(s);
      if (&b.samples[kept] != &s)
        b.samples[kept] = std::move(s);
      ++kept;
    }
    b.samples.resize(kept);
    results[i].accepted = kept;
  }
  ledger_.for_each_changed([&](const device_record& r) { batch->put_device(r); });

  auto start = std::chrono::steady_clock::now();
  auto committed = batch->count() == 0 ? result<void>{} : db_.commit(*batch, needs);
  commit_seconds_.observe(
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  commits_.inc();

  if (!committed) {
    ledger_.roll_back();
    commit_failures_.inc();
    for (std::size_t i = 0; i < group.size(); ++i) {
      results[i] = ingest_result{0, 0, committed.error()};
      if (group[i].on_done)
        group[i].on_done(results[i]);
    }
    return;
  }
  ledger_.confirm();
  std::vector<sample> accepted;
  for (std::size_t i = 0; i < group.size(); ++i) {
    stored_.inc(results[i].accepted);
    duplicates_.inc(results[i].duplicates);
    if (group[i].on_done)
      group[i].on_done(results[i]);
    if (accepted.empty())
      accepted = std::move(group[i].samples);
    else
      std::move(group[i].samples.begin(), group[i].samples.end(), std::back_inserter(accepted));
  }
  if (dispatch_ && !accepted.empty())
    dispatch_(std::move(accepted));
}

} // namespace hems::storage
