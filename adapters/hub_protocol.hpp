#pragma once
// The hub link's messages (docs/TELEMETRY.md, "The hub link"), both ways.
// Every message is one ZeroMQ frame of JSON with a "type". The server side
// decodes hello, telemetry and command_ack and encodes welcome, ack, error
// and command; the hub client does the reverse. A malformed message gets an
// error that names what is wrong, never a crash.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "adapters/telemetry_codec.hpp"
#include "core/command.hpp"

namespace hems::adapters {

inline constexpr std::size_t max_homes_per_hub = 10'000;

// -- hub -> server ------------------------------------------------------------

struct hub_hello {
  std::string hub;
  std::vector<std::string> homes;
};

struct hub_telemetry {
  std::uint64_t batch = 0;
  decoded_samples samples; ///< the valid ones, and each rejected one with its reason
};

struct hub_command_ack {
  std::string id;
  command_status status = command_status::done; ///< done or failed
  std::string detail;
};

using hub_message = std::variant<hub_hello, hub_telemetry, hub_command_ack>;

/// Why a hub message was refused (sent back as an error message).
struct hub_message_error {
  std::string detail;
  std::optional<std::uint64_t> batch; ///< when the refused message was a batch
};

/// Decodes what hubs send. Holds parser buffers: one per thread.
class hub_message_decoder {
public:
  std::expected<hub_message, hub_message_error> decode(std::string_view frame);

private:
  telemetry_decoder decoder_;
};

/// Homes of a hello that another cluster node owns: the hub should take
/// them to that node's hub link (docs/TELEMETRY.md, "Redirects").
struct hub_redirect {
  std::string node;               ///< the owning node's id
  std::string hub;                ///< its hub-link endpoint (tcp://HOST:PORT)
  std::vector<std::string> homes; ///< the hello's homes it owns
};

/// `hello.homes`: the homes accepted here; `redirects`: where the others go.
std::string encode_welcome(const hub_hello& hello, const std::vector<hub_redirect>& redirects = {});
/// Sent once the batch's accepted samples are durable.
std::string encode_ack(std::uint64_t batch, std::size_t accepted, std::size_t duplicates,
                       const std::vector<sample_rejection>& rejected);
/// `retry`: the hub should resend later (the server was busy), as opposed to
/// a message that will never be accepted.
std::string encode_error(std::string_view detail, std::optional<std::uint64_t> batch = {},
                         bool retry = false);
std::string encode_command(const command& c);

// -- server -> hub (for hub clients) --------------------------------------------

struct server_welcome {
  std::string hub;
  std::vector<std::string> homes;     ///< the homes this server accepted
  std::vector<hub_redirect> redirect; ///< the others: owned by other cluster nodes
};

struct server_ack {
  std::uint64_t batch = 0;
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::vector<std::pair<std::uint32_t, std::string>> rejected; ///< index, error
};

struct server_error {
  std::string detail;
  std::optional<std::uint64_t> batch;
  bool retry = false;
};

using server_message = std::variant<server_welcome, server_ack, server_error, command>;

std::expected<server_message, std::string> decode_server_message(std::string_view frame);

std::string encode_hello(const hub_hello& hello);
/// `samples_json`: a JSON array of samples (see core/sample_json.hpp).
std::string encode_telemetry(std::uint64_t batch, std::string_view samples_json);
std::string encode_command_ack(const hub_command_ack& ack);

} // namespace hems::adapters
