// Fuzz target: one message from a hub, as the hub link's ROUTER receives it.
// Decoding must never crash, and a refusal must say why.

#include <cstdint>
#include <cstdlib>

#include "adapters/hub_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static hems::adapters::hub_message_decoder decoder;
  auto msg = decoder.decode({reinterpret_cast<const char*>(data), size});
  if (!msg) {
    if (msg.error().detail.empty())
      std::abort();
    return 0;
  }
  if (auto* t = std::get_if<hems::adapters::hub_telemetry>(&*msg))
    if (t->samples.samples.size() != t->samples.indexes.size())
      std::abort();
  if (auto* h = std::get_if<hems::adapters::hub_hello>(&*msg))
    for (const auto& home : h->homes)
      if (!hems::is_valid_id(home))
        std::abort();
  return 0;
}
