#define BOOST_TEST_MODULE access_matrix
#include <boost/test/unit_test.hpp>

// The generated authorization test: every route of the API's table (the one
// the server serves) x every role x own home / other home / home left out,
// and every kind of bad token, from the routes' own access declarations.
// A route added later is walked as soon as it is in the table; one whose
// requests this test cannot build (a body without an example in the OpenAPI
// document, a path parameter without a fixture object) fails here until it
// can. Every answer is checked against the OpenAPI document, and no answer to
// a caller without h-other in its scope may contain h-other's data.

#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "api/access_matrix.hpp"
#include "api/openapi.hpp"
#include "tests/support/api_fixture.hpp"
#include "tests/support/openapi_check.hpp"

using namespace hems;
using namespace hems::test;
using security::role;

namespace {

enum class which_home { own, other, omitted };

std::string_view name(which_home h) {
  return h == which_home::own ? "own home" : h == which_home::other ? "other home" : "no home";
}

struct matrix_fixture : api_fixture {
  explicit matrix_fixture(security::rate_limit limit = {.per_second = 0, .burst = 1})
    : api_fixture(limit) {}
  openapi_checker openapi{std::string{api::openapi_json()}};
  simdjson::dom::parser doc_parser;
  simdjson::dom::element doc = doc_parser.parse(std::string{api::openapi_json()}).value();

  // Objects named by path parameters, made fresh for each call (a call may
  // delete its object). Keyed by route path: a new route adds its maker here.
  std::map<std::string, std::function<std::string(const std::string& home)>> object_makers{
    {"/tokens/:id",
     [this](const std::string& home) {
       return issue(role::resident, {home}, {}, "object").record.id;
     }},
    {"/homes/:home/time_zone", [](const std::string& home) { return home; }},
    {"/homes/:home/dr_opt_out", [](const std::string& home) { return home; }},
    {"/fleet/groups/:group", [this](const std::string& home) { return make_group(home); }},
    {"/dr/events/:id", [this](const std::string& home) { return make_dr_event(home); }},
    {"/dr/events/:id/cancel", [this](const std::string& home) { return make_dr_event(home); }},
    {"/dr/events/:id/opt_out", [this](const std::string& home) { return make_dr_event(home); }},
    {"/schedule/:id",
     [this](const std::string& home) {
       auto s = streams::parse_schedule(R"({"home":")" + home +
                                        R"(","device":"heat-pump","type":"on","start":"07:00"})");
       s->id = streams::new_schedule_id();
       (void)schedules->put(*s);
       return s->id;
     }},
  };

  int made = 0;
  std::string make_group(const std::string& home) {
    api::fleet_group g;
    g.name = "g-" + std::to_string(++made);
    g.kind = "feeder";
    g.members = {home};
    BOOST_REQUIRE(api::write_group(*db, g).has_value());
    return g.name;
  }
  std::string make_dr_event(const std::string& home) {
    streams::dr_event e;
    e.id = "dr-" + std::to_string(++made);
    e.homes = {home};
    e.start_ms = api_t0 + 86'400'000;
    e.duration_ms = 3'600'000;
    e.level = 1;
    e.created_ms = api_t0;
    BOOST_REQUIRE(api::write_dr_event(*db, e).has_value());
    return e.id;
  }

  // The documented example body, with its home ids pointed at `home`.
  std::string example_body(const api::route& r, const std::string& home) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    simdjson::dom::element example;
    if (doc["paths"][api::openapi_path(r.path)][method]["requestBody"]["content"]
           ["application/json"]["example"]
             .get(example))
      return "";
    auto text = simdjson::minify(example);
    for (std::size_t pos; (pos = text.find("h-example")) != std::string::npos;)
      text.replace(pos, 9, home);
    return text;
  }

  api::http_request request_for(const api::route& r, which_home h,
                                std::optional<std::string> token) {
    std::string home = h == which_home::other ? other_home : own_home;
    auto req = make_request(r.method, r.path, token);
    for (const auto& source : r.access.homes) {
      using kind = api::home_source::kind;
      if ((source.where == kind::query || source.where == kind::filter) &&
          h != which_home::omitted)
        req.query[source.name] = home;
      if (source.where == kind::path) {
        auto maker = object_makers.find(r.path);
        BOOST_REQUIRE_MESSAGE(maker != object_makers.end(),
                              "no fixture object for " << r.method << " " << r.path
                                                       << ": add one to object_makers");
        auto id = maker->second(home);
        req.params[source.name] = id;
        req.path.replace(req.path.find(":" + source.name), source.name.size() + 1, id);
      }
    }
    // Path parameters that name no home (an event a resident opts out of)
    // take a fixture object too.
    for (std::size_t at; (at = req.path.find("/:")) != std::string::npos;) {
      auto end = req.path.find('/', at + 1);
      auto name = req.path.substr(at + 2, end == std::string::npos ? end : end - at - 2);
      auto maker = object_makers.find(r.path);
      BOOST_REQUIRE_MESSAGE(maker != object_makers.end(),
                            "no fixture object for " << r.method << " " << r.path);
      auto id = maker->second(home);
      req.params[name] = id;
      req.path.replace(at + 1, name.size() + 1, id);
    }
    if (r.method == "POST" || r.method == "PUT") {
      req.body = example_body(r, home);
      BOOST_REQUIRE_MESSAGE(!req.body.empty(), r.method << " " << r.path
                                                        << " documents no request body example");
    }
    return req;
  }

  // The answer, checked against the OpenAPI document whatever it is.
  api::http_reply call(const api::route& r, const api::http_request& req) {
    auto reply = r.handler(req);
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    if (reply.content_type == "application/json")
      BOOST_TEST(openapi.check_response(api::openapi_path(r.path), method, reply.status,
                                        reply.body) == "");
    else
      BOOST_TEST(reply.status == 200);
    return reply;
  }
};

std::string split_token_id(const std::string& text) {
  return std::string{security::split_token(text)->id};
}

bool names_homes(const api::route& r) { return !r.access.homes.empty(); }

bool has_source(const api::route& r, api::home_source::kind k) {
  return std::any_of(r.access.homes.begin(), r.access.homes.end(),
                     [&](const auto& s) { return s.where == k; });
}

} // namespace

BOOST_AUTO_TEST_CASE(every_route_every_role_every_home) {
  matrix_fixture f;
  // One token per role, scoped to h-own (admin: every home).
  std::map<role, std::string> tokens;
  for (auto r : security::all_roles)
    tokens[r] = r == role::admin ? f.admin : f.issue(r, {own_home}).text;
  std::size_t calls = 0;
  for (const auto& r : f.api->routes()) {
    for (auto holder : security::all_roles) {
      for (auto h : {which_home::own, which_home::other, which_home::omitted}) {
        if (!names_homes(r) && h != which_home::own)
          continue;
        BOOST_TEST_CONTEXT(r.method << " " << r.path << " as " << security::to_string(holder)
                                    << ", " << name(h)) {
          auto req = f.request_for(r, h, tokens[holder]);
          auto reply = f.call(r, req);
          ++calls;
          bool permitted = r.access.open || security::role_has(holder, r.access.permission);
          bool covers_other = holder == role::admin;
          if (!permitted) {
            BOOST_TEST(reply.status == 403);
          } else if (h == which_home::other && !covers_other && !r.access.open) {
            // objects named in the path answer 404, like objects that do not exist
            BOOST_TEST(reply.status == (has_source(r, api::home_source::kind::path) ? 404 : 403));
          } else if (h == which_home::omitted && holder == role::admin &&
                     has_source(r, api::home_source::kind::query)) {
            BOOST_TEST(reply.status == 400); // every home: which one?
          } else {
            BOOST_TEST((reply.status >= 200 && reply.status < 300), "status " << reply.status
                                                                              << ": "
                                                                              << reply.body);
          }
          if (!covers_other)
            BOOST_TEST(reply.body.find(secret_marker) == std::string::npos, reply.body);
        }
      }
    }
  }
  BOOST_TEST_MESSAGE(calls << " authorized calls checked");
}

BOOST_AUTO_TEST_CASE(every_protected_route_refuses_every_bad_token) {
  matrix_fixture f;
  auto expired = f.issue(role::admin, {}, api_t0 + 60'000);
  auto revoked = f.issue(role::admin, {});
  BOOST_REQUIRE(f.api->tokens().revoke(revoked.record.id).has_value());
  f.time->set(api_t0 + 60'000);
  auto real_id = split_token_id(f.admin);
  std::vector<std::pair<std::string, std::optional<std::string>>> callers{
    {"no token", std::nullopt},
    {"not a token", "hunter2"},
    {"unknown token", security::token_text(security::new_token_id(),
                                           security::new_token_secret())},
    {"wrong secret", security::token_text(real_id, security::new_token_secret())},
    {"expired token", expired.text},
    {"revoked token", revoked.text},
  };
  for (const auto& r : f.api->routes()) {
    for (const auto& [who, token] : callers) {
      BOOST_TEST_CONTEXT(r.method << " " << r.path << " with " << who) {
        auto req = f.request_for(r, which_home::own, token);
        auto reply = f.call(r, req);
        if (r.access.open) {
          BOOST_TEST(reply.status == 200);
        } else {
          BOOST_TEST(reply.status == 401);
          BOOST_TEST(reply.body.find(secret_marker) == std::string::npos);
          bool challenge = false;
          for (const auto& [n, v] : reply.headers)
            challenge = challenge || (n == "WWW-Authenticate" && v.starts_with("Bearer"));
          BOOST_TEST(challenge);
        }
      }
    }
  }
  // The same calls with a malformed header rather than a bad token.
  for (auto header : {"Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "bearer  x y"}) {
    auto req = make_request("GET", "/metrics");
    req.headers["authorization"] = header;
    BOOST_TEST(f.find("GET", "/metrics").handler(req).status == 401);
  }
}

BOOST_AUTO_TEST_CASE(a_token_of_several_homes_must_name_one_and_sees_each) {
  matrix_fixture f;
  auto both = f.issue(role::resident, {own_home, "h-third"}).text;
  const auto& devices = f.find("GET", "/devices");
  auto req = make_request("GET", "/devices", both);
  BOOST_TEST(f.call(devices, req).status == 400);
  req.query["home"] = own_home;
  BOOST_TEST(f.call(devices, req).status == 200);
  req.query["home"] = other_home;
  BOOST_TEST(f.call(devices, req).status == 403);
  req.query["home"] = "not an id!";
  BOOST_TEST(f.call(devices, req).status == 400);
}

BOOST_AUTO_TEST_CASE(ids_inside_bodies_are_checked_and_cannot_be_smuggled) {
  matrix_fixture f;
  // Only admins (every home) post bodies with home ids today, so exercise the
  // layer's body rule with a route of the test's own, guarded the same way.
  api::route echo{"POST", "/echo", api::needs(security::permission::live_read,
                                             {api::home_in_body("/home"),
                                              api::home_in_body("/homes")}),
                  [](const api::http_request&) { return api::json_reply(200, "{}"); }};
  auto guarded = f.api->guarded({echo}).front();
  auto resident = f.issue(role::resident, {own_home}).text;
  auto post = [&](std::string body) {
    auto req = make_request("POST", "/echo", resident);
    req.body = std::move(body);
    return guarded.handler(req).status;
  };
  BOOST_TEST(post(R"({"home":"h-own"})") == 200);
  BOOST_TEST(post(R"({"home":"h-other"})") == 403);
  BOOST_TEST(post(R"({"homes":["h-own","h-other"]})") == 403);
  BOOST_TEST(post(R"({"homes":"*"})") == 403);
  BOOST_TEST(post(R"({"home":"h-own","home":"h-other"})") == 400); // duplicate keys
  BOOST_TEST(post(R"({"home":{"id":"h-other"}})") == 400);
  BOOST_TEST(post(R"({"home":7})") == 400);
  BOOST_TEST(post("not json") == 400);
  BOOST_TEST(post(std::string(100, '[') + std::string(100, ']')) == 400);
  BOOST_TEST(post(R"({"other":"h-other"})") == 200); // not a home field: the handler's business
}

BOOST_AUTO_TEST_CASE(only_admins_mint_tokens_and_never_beyond_their_scope) {
  matrix_fixture f;
  const auto& post = f.find("POST", "/tokens");
  auto as_admin = [&](std::string body) {
    auto req = make_request("POST", "/tokens", f.admin);
    req.body = std::move(body);
    return f.call(post, req);
  };
  auto created = as_admin(R"({"role":"integrator","homes":["h-own"],"label":"x"})");
  BOOST_TEST(created.status == 201);
  simdjson::dom::parser p;
  auto text = std::string{p.parse(created.body)["token"].get_string().value()};
  auto who = f.api->tokens().verify(text);
  BOOST_REQUIRE(who.has_value());
  BOOST_TEST(((*who)->role == role::integrator));
  for (auto bad : {R"({"role":"root","homes":["h"]})", R"({"role":"resident"})",
                   R"({"role":"resident","homes":"*"})", R"({"role":"admin","homes":["h"]})",
                   R"({"role":"resident","homes":["h"],"expires":1})",
                   R"({"role":"resident","homes":["h"],"expires_in_s":5})",
                   R"({"role":"resident","homes":["h"],"colour":"red"})",
                   R"({"role":"resident","homes":[]})", R"([1,2])", R"({"role":"resident",)"})
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(as_admin(bad).status == 400); }
}

BOOST_AUTO_TEST_CASE(the_last_admin_token_cannot_be_revoked_through_the_api) {
  matrix_fixture f;
  const auto& del = f.find("DELETE", "/tokens/:id");
  auto id = split_token_id(f.admin);
  auto req = make_request("DELETE", "/tokens/" + id, f.admin);
  req.params["id"] = id;
  BOOST_TEST(f.call(del, req).status == 409);
  req.params["id"] = "0000000000000000";
  BOOST_TEST(f.call(del, req).status == 404);
  req.params["id"] = "../../etc";
  BOOST_TEST(f.call(del, req).status == 404);
}

BOOST_AUTO_TEST_CASE(the_audit_log_records_who_changed_tokens_and_shows_operators_their_homes) {
  matrix_fixture f;
  auto own = f.issue(role::resident, {own_home});
  auto other = f.issue(role::resident, {other_home});
  for (const auto& t : {own, other}) {
    auto req = make_request("DELETE", "/tokens/" + t.record.id, f.admin);
    req.params["id"] = t.record.id;
    BOOST_TEST(f.call(f.find("DELETE", "/tokens/:id"), req).status == 200);
  }
  auto resident = f.issue(role::resident, {own_home}).text;
  auto denied = make_request("POST", "/tokens", resident);
  denied.body = R"({"role":"admin"})";
  BOOST_TEST(f.call(f.find("POST", "/tokens"), denied).status == 403);

  const auto& audit = f.find("GET", "/audit");
  auto read = [&](const std::string& token) {
    auto req = make_request("GET", "/audit", token);
    auto reply = f.call(audit, req);
    BOOST_REQUIRE_EQUAL(reply.status, 200);
    return reply.body;
  };
  auto all = read(f.admin);
  BOOST_TEST(all.find(own.record.id) != std::string::npos);
  BOOST_TEST(all.find(other.record.id) != std::string::npos);
  BOOST_TEST(all.find("\"status\":403") != std::string::npos); // refused attempts too
  auto operator_view = read(f.issue(role::fleet_operator, {own_home}).text);
  BOOST_TEST(operator_view.find(own.record.id) != std::string::npos);
  BOOST_TEST(operator_view.find(other.record.id) == std::string::npos);
  BOOST_TEST(operator_view.find(secret_marker) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_token_beyond_its_rate_answers_429_with_retry_after) {
  matrix_fixture f{security::rate_limit{.per_second = 2, .burst = 2}};
  const auto& devices = f.find("GET", "/devices");
  auto req = make_request("GET", "/devices", f.admin);
  req.query["home"] = own_home;
  BOOST_TEST(f.call(devices, req).status == 200);
  BOOST_TEST(f.call(devices, req).status == 200);
  auto limited = f.call(devices, req);
  BOOST_TEST(limited.status == 429);
  BOOST_TEST((std::find(limited.headers.begin(), limited.headers.end(),
                        std::pair<std::string, std::string>{"Retry-After", "1"}) !=
              limited.headers.end()));
  f.time->advance(500);
  BOOST_TEST(f.call(devices, req).status == 200);
  // another token has its own budget
  auto other = make_request("GET", "/devices", f.issue(role::resident, {own_home}).text);
  BOOST_TEST(f.call(devices, other).status == 200);
}

BOOST_AUTO_TEST_CASE(the_openapi_document_describes_every_route_with_its_permission) {
  matrix_fixture f;
  std::size_t documented_operations = 0;
  for (auto [path, item] : simdjson::dom::object(f.doc["paths"]))
    documented_operations += simdjson::dom::object(item).size();
  auto routes = f.api->routes();
  BOOST_TEST(documented_operations == routes.size()); // nothing documented that is not served
  for (const auto& r : routes) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    auto path = api::openapi_path(r.path);
    BOOST_TEST_CONTEXT(r.method << " " << path) {
      BOOST_REQUIRE(f.openapi.documents(path, method));
      auto op = f.doc["paths"][path][method];
      std::string_view permission;
      BOOST_REQUIRE(!op["x-hems-permission"].get(permission));
      BOOST_TEST(permission == (r.access.open
                                  ? std::string_view{"none"}
                                  : security::to_string(r.access.permission)));
      simdjson::dom::array security;
      BOOST_TEST((!op["security"].get(security) && security.size() == 0) == r.access.open);
      if (!r.access.open)
        for (auto status : {"401", "403", "429"}) {
          simdjson::dom::element e;
          BOOST_TEST(!op["responses"][status].get(e), "documents " << status);
        }
    }
  }
}

BOOST_AUTO_TEST_CASE(security_md_holds_the_matrix_of_the_route_table) {
  matrix_fixture f;
  auto matrix = api::access_matrix_markdown(f.api->routes());
  const std::string begin = "<!-- generated: access matrix -->\n";
  const std::string end = "<!-- end of generated access matrix -->";
  std::string path = std::string{HEMS_SOURCE_DIR} + "/docs/SECURITY.md";
  std::stringstream ss;
  ss << std::ifstream{path}.rdbuf();
  auto doc = ss.str();
  auto from = doc.find(begin), to = doc.find(end);
  BOOST_REQUIRE_MESSAGE(from != std::string::npos && to != std::string::npos,
                        path << " lacks the generated section markers");
  auto current = doc.substr(from + begin.size(), to - from - begin.size());
  if (current != matrix && std::getenv("HEMS_UPDATE_DOCS")) {
    doc.replace(from + begin.size(), to - from - begin.size(), matrix);
    std::ofstream{path} << doc;
    BOOST_TEST_MESSAGE("rewrote the matrix in " << path);
    return;
  }
  BOOST_TEST(current == matrix,
             "docs/SECURITY.md is out of date with the route table; run this test with "
             "HEMS_UPDATE_DOCS=1 to rewrite its matrix. Expected:\n"
               << matrix);
}
