#pragma once
// Command-line options of the form `--name value` or `--flag`, checked
// against a declared list so a typo is an error that names the option.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace hems::app {

class cli_options {
public:
  /// `with_value`: options that take a value; `flags`: options that do not.
  static result<cli_options> parse(const std::vector<std::string>& args,
                                   const std::set<std::string>& with_value,
                                   const std::set<std::string>& flags = {});

  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, std::string fallback) const;
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  /// An integer option within [lo, hi]; the error names the option.
  result<long long> integer(const std::string& name, long long fallback, long long lo,
                            long long hi) const;
  const std::vector<std::string>& positional() const { return positional_; }

private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

} // namespace hems::app
