#include "api/usage_render.hpp"

#include <algorithm>

#include "api/history_json.hpp"

namespace hems::api {

namespace {

constexpr millis utc_day = 86'400'000;

/// One stretch of the range: a UTC day, or part of one at the range's ends.
struct stretch {
  millis from = 0;
  millis to = 0;
  bool cacheable = false;
};

// Renders rows (all with start in [s.from, s.to)) of one stretch.
std::shared_ptr<const window_fragment> render(const std::vector<storage::window_row>& rows,
                                              std::size_t begin, std::size_t end, const stretch& s,
                                              const series_request& q, millis step) {
  auto out = std::make_shared<window_fragment>();
  out->windows = end - begin;
  if (q.format == window_format::objects) {
    out->parts.resize(1);
    auto& json = out->parts[0];
    json.reserve((end - begin) * 150);
    for (auto i = begin; i < end; ++i) {
      if (i != begin)
        json.push_back(',');
      append_window_object(json, rows[i]);
      out->has_occupied = out->has_occupied || rows[i].stats.occupied_ms.has_value();
    }
    json.shrink_to_fit(); // a cached day holds what it uses
    return out;
  }
  millis first = streams::ceil_to(s.from, step);
  out->slots = s.to > first ? static_cast<std::size_t>((s.to - first + step - 1) / step) : 0;
  out->parts.resize(window_columns.size());
  for (auto& p : out->parts)
    p.reserve(out->slots * 8);
  auto i = begin;
  for (std::size_t slot = 0; slot < out->slots; ++slot) {
    millis start = first + static_cast<millis>(slot) * step;
    while (i < end && rows[i].start < start)
      ++i; // off the grid: cannot be on the UTC grid's slots (never written so)
    bool here = i < end && rows[i].start == start;
    for (auto& p : out->parts)
      if (slot)
        p.push_back(',');
    if (!here) {
      for (auto& p : out->parts)
        p += "null";
      continue;
    }
    const auto& r = rows[i++];
    const auto& st = r.stats;
    append_json_number(out->parts[0], st.energy_wh);
    append_json_number(out->parts[1], streams::average_power_w(st, r.start, r.end));
    if (st.max_power_w)
      append_json_number(out->parts[2], *st.max_power_w);
    else
      out->parts[2] += "null";
    append_json_number(out->parts[3], static_cast<std::uint64_t>(st.samples));
    append_json_number(out->parts[4], st.covered_ms);
    if (st.occupied_ms) {
      append_json_number(out->parts[5], *st.occupied_ms);
      out->has_occupied = true;
    } else {
      out->parts[5] += "null";
    }
  }
  for (auto& p : out->parts)
    p.shrink_to_fit(); // a cached day holds what it uses
  return out;
}

} // namespace

std::size_t rendered_series::windows() const {
  std::size_t n = 0;
  for (const auto& p : pieces)
    n += p->windows;
  return n;
}

std::size_t rendered_series::slots() const {
  std::size_t n = 0;
  for (const auto& p : pieces)
    n += p->slots;
  return n;
}

bool rendered_series::has_occupied() const {
  return std::any_of(pieces.begin(), pieces.end(), [](const auto& p) { return p->has_occupied; });
}

std::size_t rendered_series::bytes() const {
  std::size_t n = 0;
  for (const auto& p : pieces)
    for (const auto& part : p->parts)
      n += part.size() + 1;
  return n;
}

result<rendered_series> render_series(storage::history_store& db, usage_day_cache* cache,
                                      const series_request& q) {
  rendered_series out;
  millis step = streams::nominal_length(q.res);
  out.step = step;
  out.first = streams::ceil_to(q.from, step);

  // Days follow the home's zone: one stretch, never cached (a year is 365).
  std::vector<stretch> stretches;
  if (q.res == streams::resolution::d1) {
    stretches.push_back({q.from, q.to, false});
  } else {
    for (millis day = streams::floor_to(q.from, utc_day); day < q.to; day += utc_day) {
      stretch s{std::max(q.from, day), std::min(q.to, day + utc_day), false};
      // Whole, closed, and no window of it old enough for retention to drop.
      s.cacheable = cache && s.from == day && s.to == day + utc_day &&
                    day + utc_day <= q.closed_until && day + step >= q.now - q.kept_ms;
      stretches.push_back(s);
    }
  }

  auto key = [&](millis day) {
    return usage_day_cache::key{q.home, q.series, q.res, q.format, day};
  };
  out.pieces.resize(stretches.size());
  for (std::size_t i = 0; i < stretches.size(); ++i)
    if (stretches[i].cacheable)
      out.pieces[i] = cache->find(key(stretches[i].from));

  // The rest, in runs of consecutive stretches: one read each.
  for (std::size_t i = 0; i < stretches.size();) {
    if (out.pieces[i]) {
      ++i;
      continue;
    }
    auto j = i;
    while (j < stretches.size() && !out.pieces[j])
      ++j;
    auto rows = db.read_windows({q.home, q.series, q.res, stretches[i].from, stretches[j - 1].to});
    if (!rows)
      return std::unexpected(rows.error());
    std::size_t row = 0;
    for (auto k = i; k < j; ++k) {
      auto begin = row;
      while (row < rows->size() && (*rows)[row].start < stretches[k].to)
        ++row;
      out.pieces[k] = render(*rows, begin, row, stretches[k], q, step);
      if (stretches[k].cacheable)
        cache->insert(key(stretches[k].from), out.pieces[k]);
    }
    i = j;
  }
  return out;
}

void write_series(json_writer& w, const rendered_series& s, window_format format) {
  w.reserve(s.bytes() + 256);
  if (format == window_format::objects) {
    w.begin_array();
    for (const auto& p : s.pieces)
      w.raw_elements(p->parts[0]);
    w.end_array();
    return;
  }
  bool occupied = s.has_occupied();
  w.begin_object()
      .field("first", s.first)
      .field("step_ms", s.step)
      .field("count", static_cast<std::uint64_t>(s.slots()));
  std::string nulls;
  for (std::size_t c = 0; c < window_columns.size(); ++c) {
    if (c == 5 && !occupied)
      break;
    w.key(window_columns[c]).begin_array();
    for (const auto& p : s.pieces) {
      if (c == 5 && !p->has_occupied) {
        nulls.clear();
        for (std::size_t k = 0; k < p->slots; ++k)
          nulls += k ? ",null" : "null";
        w.raw_elements(nulls);
      } else {
        w.raw_elements(p->parts[c]);
      }
    }
    w.end_array();
  }
  w.end_object();
}

} // namespace hems::api
