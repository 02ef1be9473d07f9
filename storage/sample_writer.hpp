#pragma once
// The write path: a bounded queue of ingest batches and one writer thread
// that commits them to the store with group commit. Everything queued while
// one commit runs goes into the next, so many batches share one write (and
// one fsync) without any added delay. When the queue is full, submit()
// blocks: sockets stop being read and senders feel backpressure, instead of
// hems growing its memory.
//
// After a commit the writer reports each batch's outcome (for hub acks) and
// hands the accepted samples on (to the actors): live state only ever shows
// what is already durable.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/metrics.hpp"
#include "storage/device_ledger.hpp"
#include "storage/store.hpp"

namespace hems::storage {

struct ingest_result {
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::optional<error> failure; ///< set when the commit failed: nothing was stored
};

/// Samples from one frame or hub batch.
struct ingest_batch {
  std::vector<sample> samples;
  millis received_ms = 0;
  durability needs = durability::os_buffered;
  /// Called on the writer thread once the batch is durable (or failed).
  std::function<void(const ingest_result&)> on_done;
};

struct writer_options {
  std::size_t queue_capacity_samples = 256 * 1024;
  std::size_t max_group_samples = 64 * 1024;
};

class sample_writer {
public:
  /// Receives the accepted samples of each committed group, in commit order.
  using dispatch_fn = std::function<void(std::vector<sample>&&)>;

  sample_writer(store& db, device_ledger ledger, metrics_registry& metrics, writer_options options,
                dispatch_fn dispatch);
  ~sample_writer();
  sample_writer(const sample_writer&) = delete;
  sample_writer& operator=(const sample_writer&) = delete;

  /// Queues a batch, blocking while the queue is full. False once stopped.
  bool submit(ingest_batch&& batch);

  /// Queues a batch if there is room now; otherwise leaves it untouched and
  /// returns false (callers that must not block, like the hub link, retry).
  bool try_submit(ingest_batch& batch);

  /// Commits what is queued, then stops the writer thread.
  void stop();

  std::size_t queued_samples() const;

private:
  void run();
  bool has_room(std::size_t samples) const; // mutex_ held
  void enqueue(ingest_batch&& batch);       // mutex_ held
  void commit_group(std::vector<ingest_batch>& group);

  store& db_;
  device_ledger ledger_;
  writer_options options_;
  dispatch_fn dispatch_;

  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<ingest_batch> queue_;
  std::size_t queued_samples_ = 0;
  bool stopping_ = false;

  counter& stored_;
  counter& duplicates_;
  counter& commit_failures_;
  counter& commits_;
  histogram& commit_seconds_;

  std::thread thread_;
};

} // namespace hems::storage
