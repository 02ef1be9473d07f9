#pragma once
// A maximum flow for small networks with real capacities (Edmonds-Karp:
// shortest augmenting paths by breadth-first search). The continuous solver
// uses it to share tied capacity between energy loads (a handful of loads,
// a few dozen slots), where it runs in microseconds.

#include <algorithm>
#include <limits>
#include <vector>

namespace hems::streams {

class small_max_flow {
public:
  void reset(int nodes) {
    first_.assign(nodes, -1);
    to_.clear();
    next_.clear();
    cap_.clear();
  }
  int add_node() {
    first_.push_back(-1);
    return static_cast<int>(first_.size()) - 1;
  }
  /// Adds arc from -> to with capacity; returns its index (its reverse is index ^ 1).
  int add_arc(int from, int to, double capacity) {
    int id = static_cast<int>(to_.size());
    to_.push_back(to);
    cap_.push_back(capacity);
    next_.push_back(first_[from]);
    first_[from] = id;
    to_.push_back(from);
    cap_.push_back(0);
    next_.push_back(first_[to]);
    first_[to] = id + 1;
    return id;
  }
  /// Flow on arc `id` after run() (its reverse's residual capacity).
  double flow(int id) const { return cap_[id ^ 1]; }

  /// Pushes as much as possible from source to sink; arcs with residual
  /// capacity below `epsilon` count as full.
  double run(int source, int sink, double epsilon) {
    const int n = static_cast<int>(first_.size());
    double total = 0;
    auto& via = via_;
    auto& queue = queue_;
    via.resize(n);
    for (;;) {
      std::fill(via.begin(), via.end(), -1);
      queue.assign(1, source);
      via[source] = -2;
      for (std::size_t q = 0; q < queue.size() && via[sink] == -1; ++q)
        for (int a = first_[queue[q]]; a >= 0; a = next_[a])
          if (cap_[a] > epsilon && via[to_[a]] == -1) {
            via[to_[a]] = a;
            queue.push_back(to_[a]);
          }
      if (via[sink] == -1)
        return total;
      double push = std::numeric_limits<double>::infinity();
      for (int v = sink; v != source; v = to_[via[v] ^ 1])
        push = std::min(push, cap_[via[v]]);
      for (int v = sink; v != source; v = to_[via[v] ^ 1]) {
        cap_[via[v]] -= push;
        cap_[via[v] ^ 1] += push;
      }
      total += push;
    }
  }

private:
  std::vector<int> first_, to_, next_;
  std::vector<double> cap_;
  std::vector<int> via_, queue_; // run()'s scratch, kept between runs
};

} // namespace hems::streams
