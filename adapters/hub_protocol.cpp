#include "adapters/hub_protocol.hpp"

#include "core/json_writer.hpp"

namespace hems::adapters {

namespace dom = simdjson::dom;

namespace {

std::unexpected<hub_message_error> refuse(std::string detail,
                                          std::optional<std::uint64_t> batch = {}) {
  return std::unexpected(hub_message_error{std::move(detail), batch});
}

std::expected<hub_message, hub_message_error> decode_hello(dom::object msg) {
  hub_hello hello;
  std::string_view hub;
  if (msg["hub"].get(hub))
    return refuse("hello: hub: required string");
  if (!is_valid_id(hub))
    return refuse("hello: hub: not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
  hello.hub = hub;
  dom::array homes;
  if (msg["homes"].get(homes))
    return refuse("hello: homes: required array of home ids");
  if (homes.size() == 0 || homes.size() > max_homes_per_hub)
    return refuse("hello: homes: expected 1 to 10000 home ids");
  std::size_t i = 0;
  for (auto h : homes) {
    std::string_view id;
    if (h.get(id) || !is_valid_id(id))
      return refuse("hello: homes[" + std::to_string(i) + "]: not a valid home id");
    hello.homes.emplace_back(id);
    ++i;
  }
  return hello;
}

std::expected<hub_message, hub_message_error> decode_telemetry(telemetry_decoder& decoder,
                                                               dom::object msg) {
  hub_telemetry t;
  if (msg["batch"].get(t.batch))
    return refuse("telemetry: batch: required non-negative integer");
  dom::element samples;
  if (msg["samples"].get(samples))
    return refuse("telemetry: samples: required array of samples", t.batch);
  if (samples.type() != dom::element_type::ARRAY)
    return refuse("telemetry: samples: expected an array", t.batch);
  if (auto ok = decoder.decode_samples(samples, t.samples); !ok)
    return refuse("telemetry: samples: " + std::string{to_string(ok.error())}, t.batch);
  return t;
}

std::expected<hub_message, hub_message_error> decode_command_ack(dom::object msg) {
  hub_command_ack ack;
  std::string_view id, status, detail;
  if (msg["id"].get(id) || id.empty() || id.size() > 128)
    return refuse("command_ack: id: required string of 1 to 128 characters");
  ack.id = id;
  if (msg["status"].get(status) || (status != "done" && status != "failed"))
    return refuse("command_ack: status: expected done or failed");
  ack.status = status == "done" ? command_status::done : command_status::failed;
  if (!msg["detail"].get(detail))
    ack.detail = detail.substr(0, 1024);
  return ack;
}

void write_string_array(json_writer& w, const std::vector<std::string>& xs) {
  w.begin_array();
  for (const auto& x : xs)
    w.value(x);
  w.end_array();
}

} // namespace

std::expected<hub_message, hub_message_error> hub_message_decoder::decode(std::string_view frame) {
  auto root = decoder_.parse(frame);
  if (!root)
    return refuse("message: " + std::string{to_string(root.error())});
  dom::object msg;
  if (root->get(msg))
    return refuse("message: expected a JSON object");
  std::string_view type;
  if (msg["type"].get(type))
    return refuse("type: required string");
  if (type == "telemetry")
    return decode_telemetry(decoder_, msg);
  if (type == "hello")
    return decode_hello(msg);
  if (type == "command_ack")
    return decode_command_ack(msg);
  return refuse("type: unknown message type '" + std::string{type.substr(0, 64)} +
                "' (expected hello, telemetry or command_ack)");
}

std::string encode_welcome(const hub_hello& hello, const std::vector<hub_redirect>& redirects) {
  json_writer w;
  w.begin_object().field("type", "welcome").field("hub", hello.hub).key("homes");
  write_string_array(w, hello.homes);
  if (!redirects.empty()) {
    w.key("redirect").begin_array();
    for (const auto& r : redirects) {
      w.begin_object().field("node", r.node).field("hub", r.hub).key("homes");
      write_string_array(w, r.homes);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return w.take();
}

std::string encode_ack(std::uint64_t batch, std::size_t accepted, std::size_t duplicates,
                       const std::vector<sample_rejection>& rejected) {
  json_writer w;
  w.begin_object()
    .field("type", "ack")
    .field("batch", batch)
    .field("accepted", static_cast<std::uint64_t>(accepted))
    .field("duplicates", static_cast<std::uint64_t>(duplicates))
    .key("rejected")
    .begin_array();
  for (const auto& r : rejected)
    w.begin_object().field("index", r.index).field("error", r.detail).end_object();
  w.end_array().end_object();
  return w.take();
}

std::string encode_error(std::string_view detail, std::optional<std::uint64_t> batch, bool retry) {
  json_writer w;
  w.begin_object().field("type", "error").field("detail", detail);
  if (batch)
    w.field("batch", *batch);
  if (retry)
    w.field("retry", true);
  w.end_object();
  return w.take();
}

std::string encode_command(const command& c) {
  json_writer w;
  w.begin_object()
    .field("type", "command")
    .field("id", c.id)
    .field("home", c.home)
    .field("device", c.device)
    .field("action", to_string(c.action));
  if (!c.params.empty()) {
    w.key("params").begin_object();
    for (const auto& [k, v] : c.params)
      w.field(k, v);
    w.end_object();
  }
  if (!c.reason.empty())
    w.field("reason", c.reason);
  w.field("expires", c.expires_ms);
  w.end_object();
  return w.take();
}

// -- hub side -----------------------------------------------------------------

namespace {

std::expected<server_message, std::string> decode_command(dom::object msg) {
  command c;
  std::string_view s;
  if (msg["id"].get(s) || s.empty())
    return std::unexpected("command: id: required");
  c.id = s;
  if (msg["home"].get(s) || !is_valid_id(s))
    return std::unexpected("command: home: required id");
  c.home = s;
  if (msg["device"].get(s) || !is_valid_id(s))
    return std::unexpected("command: device: required id");
  c.device = s;
  if (msg["action"].get(s))
    return std::unexpected("command: action: required");
  auto action = parse_command_action(s);
  if (!action)
    return std::unexpected("command: action: expected on, off, set or start");
  c.action = *action;
  dom::object params;
  if (!msg["params"].get(params))
    for (auto [k, v] : params) {
      double d;
      if (v.get(d))
        return std::unexpected("command: params." + std::string{k} + ": expected a number");
      c.params.emplace(std::string{k}, d);
    }
  if (!msg["reason"].get(s))
    c.reason = s;
  std::int64_t expires = 0;
  if (!msg["expires"].get(expires))
    c.expires_ms = expires;
  return c;
}

} // namespace

std::expected<server_message, std::string> decode_server_message(std::string_view frame) {
  dom::parser parser;
  dom::object msg;
  if (parser.parse(frame.data(), frame.size()).get(msg))
    return std::unexpected("not a JSON object");
  std::string_view type;
  if (msg["type"].get(type))
    return std::unexpected("type: required");
  if (type == "ack") {
    server_ack a;
    std::uint64_t n = 0;
    if (msg["batch"].get(a.batch) || msg["accepted"].get(n))
      return std::unexpected("ack: batch and accepted: required");
    a.accepted = n;
    if (!msg["duplicates"].get(n))
      a.duplicates = n;
    dom::array rejected;
    if (!msg["rejected"].get(rejected))
      for (auto r : rejected) {
        std::uint64_t index = 0;
        std::string_view error;
        if (r["index"].get(index) || r["error"].get(error))
          return std::unexpected("ack: rejected: expected {index, error}");
        a.rejected.emplace_back(static_cast<std::uint32_t>(index), std::string{error});
      }
    return a;
  }
  if (type == "command")
    return decode_command(msg);
  if (type == "error") {
    server_error e;
    std::string_view detail;
    if (!msg["detail"].get(detail))
      e.detail = detail;
    std::uint64_t batch = 0;
    if (!msg["batch"].get(batch))
      e.batch = batch;
    bool retry = false;
    if (!msg["retry"].get(retry))
      e.retry = retry;
    return e;
  }
  if (type == "welcome") {
    server_welcome w;
    std::string_view hub;
    if (!msg["hub"].get(hub))
      w.hub = hub;
    dom::array homes;
    if (!msg["homes"].get(homes))
      for (auto h : homes) {
        std::string_view id;
        if (!h.get(id))
          w.homes.emplace_back(id);
      }
    dom::array redirects;
    if (!msg["redirect"].get(redirects))
      for (auto r : redirects) {
        hub_redirect to;
        std::string_view node, hub;
        if (r["node"].get(node) || r["hub"].get(hub))
          return std::unexpected("welcome: redirect: node and hub required");
        to.node = node;
        to.hub = hub;
        dom::array to_homes;
        if (!r["homes"].get(to_homes))
          for (auto h : to_homes) {
            std::string_view id;
            if (!h.get(id))
              to.homes.emplace_back(id);
          }
        w.redirect.push_back(std::move(to));
      }
    return w;
  }
  return std::unexpected("type: unknown '" + std::string{type} + "'");
}

std::string encode_hello(const hub_hello& hello) {
  json_writer w;
  w.begin_object().field("type", "hello").field("hub", hello.hub).key("homes");
  write_string_array(w, hello.homes);
  w.end_object();
  return w.take();
}

std::string encode_telemetry(std::uint64_t batch, std::string_view samples_json) {
  json_writer w;
  w.begin_object().field("type", "telemetry").field("batch", batch).key("samples");
  w.raw(samples_json);
  w.end_object();
  return w.take();
}

std::string encode_command_ack(const hub_command_ack& ack) {
  json_writer w;
  w.begin_object()
    .field("type", "command_ack")
    .field("id", ack.id)
    .field("status", to_string(ack.status));
  if (!ack.detail.empty())
    w.field("detail", ack.detail);
  w.end_object();
  return w.take();
}

} // namespace hems::adapters
