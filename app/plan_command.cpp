#include "app/plan_command.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

#include "core/json_writer.hpp"
#include "streams/plan_json.hpp"

namespace hems {

namespace {

int print_error(std::ostream& out, std::string_view kind, std::string_view detail, int code) {
  json_writer w;
  w.begin_object().field("error", kind).field("detail", detail).end_object();
  out << w.str() << '\n';
  return code;
}

} // namespace

int run_plan_command(int argc, char** argv, std::ostream& out, std::istream& in) {
  streams::plan_options options; // 10 s budget by default
  std::string file = "-";
  bool have_file = false;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--budget-ms" && i + 1 < argc) {
      std::string_view v = argv[++i];
      double ms = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
      if (ec != std::errc{} || end != v.data() + v.size() || !std::isfinite(ms) || ms < 0)
        return print_error(out, "usage", "--budget-ms needs a number of milliseconds >= 0", 2);
      if (ms > 0)
        options.time_budget_ms = ms;
      else
        options.time_budget_ms.reset(); // 0: search until proven
    } else if (arg == "--no-explain") {
      options.explain = false;
    } else if (arg.starts_with("--") || have_file) {
      return print_error(out, "usage", "usage: hems plan [--budget-ms N] [--no-explain] [FILE | -]",
                         2);
    } else {
      file = std::string(arg);
      have_file = true;
    }
  }

  std::string body;
  if (file == "-") {
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f)
      return print_error(out, "io", "cannot read " + file, 1);
    body.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }

  auto outcome = streams::plan_from_json(body, options);
  out << outcome.json << '\n';
  switch (outcome.http_status) {
  case 200:
    return 0;
  case 400:
  case 422:
    return 2;
  default:
    return 1;
  }
}

} // namespace hems
