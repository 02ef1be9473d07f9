#include "api/plan_routes.hpp"

#include <charconv>

#include "streams/plan_json.hpp"

namespace hems::api {

namespace {

// A plan occupies an HTTP worker while it runs: the default budget is short,
// and a caller may ask for up to ten seconds.
constexpr double default_budget_ms = 2'000;
constexpr double max_budget_ms = 10'000;

http_reply post_plan(const http_request& req) {
  if (auto bad = reject_unknown_params(req, {"budget_ms", "explain"}))
    return *bad;
  streams::plan_options options;
  options.time_budget_ms = default_budget_ms;
  if (auto budget = req.query_value("budget_ms")) {
    double ms = 0;
    auto [ptr, ec] = std::from_chars(budget->data(), budget->data() + budget->size(), ms);
    if (ec != std::errc{} || ptr != budget->data() + budget->size() || !(ms > 0) ||
        ms > max_budget_ms)
      return error_reply(400, "invalid", "budget_ms: expected milliseconds from 1 to 10000");
    options.time_budget_ms = ms;
  }
  if (auto explain = req.query_value("explain")) {
    if (*explain != "true" && *explain != "false")
      return error_reply(400, "invalid", "explain: expected true or false");
    options.explain = *explain == "true";
  }
  auto outcome = streams::plan_from_json(req.body, options);
  return json_reply(outcome.http_status, std::move(outcome.json));
}

} // namespace

std::vector<route> plan_routes() {
  // A dry run touches no home and changes nothing: not audited.
  return {{"POST", "/plan", read_only(needs(security::permission::plans_run)), post_plan}};
}

} // namespace hems::api
