#pragma once
// JSON renderings of live views and stored samples, as documented in
// docs/openapi.json.

#include <optional>
#include <string>

#include "actors/messages.hpp"
#include "storage/store.hpp"

namespace hems::api {

/// GET /devices: the home's devices with their live state.
std::string devices_json(const actors::home_view& view);

/// GET /usage (real time): the home's power now and each device's power and
/// energy today.
std::string live_usage_json(const actors::home_view& view);

/// GET /usage?resolution=raw: one page of a device's stored samples.
std::string raw_samples_json(const std::string& home, const std::string& device,
                             const storage::sample_page& page);

/// The opaque cursor of the sample after which the next page starts.
std::string sample_cursor(const sample& s);
std::optional<std::pair<millis, std::uint64_t>> parse_sample_cursor(std::string_view cursor);

} // namespace hems::api
