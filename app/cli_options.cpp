#include "app/cli_options.hpp"

#include <charconv>

namespace hems::app {

result<cli_options> cli_options::parse(const std::vector<std::string>& args,
                                       const std::set<std::string>& with_value,
                                       const std::set<std::string>& flags) {
  cli_options out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (!a.starts_with("--") || a == "--") {
      out.positional_.push_back(a);
      continue;
    }
    auto name = a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.count(name)) {
      if (inline_value)
        return fail(errc::invalid_input, "--" + name + " takes no value");
      out.values_[name] = "";
    } else if (with_value.count(name)) {
      if (inline_value) {
        out.values_[name] = *inline_value;
      } else {
        if (i + 1 >= args.size())
          return fail(errc::invalid_input, "--" + name + " needs a value");
        out.values_[name] = args[++i];
      }
    } else {
      return fail(errc::invalid_input, "unknown option --" + name);
    }
  }
  return out;
}

std::optional<std::string> cli_options::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return std::nullopt;
  return it->second;
}

std::string cli_options::get_or(const std::string& name, std::string fallback) const {
  return get(name).value_or(std::move(fallback));
}

result<long long> cli_options::integer(const std::string& name, long long fallback, long long lo,
                                       long long hi) const {
  auto v = get(name);
  if (!v)
    return fallback;
  long long n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || ptr != v->data() + v->size() || n < lo || n > hi)
    return fail(errc::invalid_input, "--" + name + ": expected an integer from " +
                                       std::to_string(lo) + " to " + std::to_string(hi));
  return n;
}

} // namespace hems::app
