// Fuzz target: one message from the server, as a hub client receives it
// (a hub must survive whatever arrives on its link).

#include <cstdint>

#include "adapters/hub_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)hems::adapters::decode_server_message({reinterpret_cast<const char*>(data), size});
  return 0;
}
