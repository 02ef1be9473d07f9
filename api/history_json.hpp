#pragma once
// JSON renderings of the history: usage windows (GET /usage with a window
// resolution, and the feed's usage messages) and notifications, as
// documented in docs/openapi.json.

#include <string>
#include <vector>

#include "core/json_writer.hpp"
#include "storage/history_store.hpp"

namespace hems::api {

/// One window: start, end, energy_wh, avg_power_w, max_power_w (null when
/// nothing covered it), samples, covered_ms and, for presence, occupied_ms.
void window_json(json_writer& w, const storage::window_row& row);
/// The same object appended to a string (what GET /usage's day fragments hold).
void append_window_object(std::string& out, const storage::window_row& row);
void windows_json(json_writer& w, const std::vector<storage::window_row>& rows);

/// What the feed publishes when windows close (topic home/<home>/usage/<res>):
/// {"home", "resolution", "series", "window": {...}} for one window.
std::string usage_window_feed_json(const std::string& home, const streams::usage_window& w);

} // namespace hems::api
