#pragma once
// The plan optimizer behind one function, for `hems plan` and `POST /plan`:
// a problem as JSON in, the answer as JSON out with the status to report.
//
//   200  the plan (contract shape, plus bound, gap, explanations, soc)
//   400  {"error":"invalid","detail":...,"field":...}   malformed problem
//   422  {"error":"infeasible","detail":...}            no feasible plan
//   500  {"error":"internal","detail":...}             a bug
//
// The default options stop the search after 10 s (see plan_options).

#include <string>
#include <string_view>

#include "streams/plan.hpp"
#include "streams/plan_problem.hpp"
#include "streams/plan_solver.hpp"

namespace hems::streams {

struct plan_outcome {
  int http_status = 200;
  std::string json;
};

plan_outcome plan_from_json(std::string_view body, const plan_options& options = {});

/// The plan of `p` as contract JSON.
std::string plan_to_json(const plan_problem& p, const plan_result& r);

} // namespace hems::streams
