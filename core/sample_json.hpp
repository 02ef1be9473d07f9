#pragma once
// A sample as the telemetry contract's JSON object: the one encoding used by
// the simulator, the hub client, the integrator feed and the REST API.

#include <string>

#include "core/json_writer.hpp"
#include "core/sample.hpp"

namespace hems {

/// Writes the sample's fields into an open object; `with_ids` adds home and
/// device (left out where the surrounding document already names them).
void write_sample_fields(json_writer& w, const sample& s, bool with_ids = true);

/// Writes one sample as a JSON object.
void write_sample(json_writer& w, const sample& s);
std::string sample_to_json(const sample& s);

} // namespace hems
