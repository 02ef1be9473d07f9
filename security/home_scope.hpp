#pragma once
// The homes a token covers: every home, or a list of them. Every object a
// request touches belongs to a home, and the authorization layer asks the
// caller's scope about each one. (Groups of homes come later: a group will
// expand to its homes here, and nothing else changes.)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hems::security {

class home_scope {
public:
  /// Every home, present and future (admins; operators of a whole utility).
  static home_scope everything();
  /// Exactly these homes (sorted and deduplicated here).
  static home_scope of(std::vector<std::string> homes);

  bool all() const { return all_; }
  /// The homes listed (empty when all()).
  const std::vector<std::string>& homes() const { return homes_; }

  bool covers(std::string_view home) const;
  /// Every home of `other` is covered (a scope may only grant within itself).
  bool covers(const home_scope& other) const;
  /// The one home when the scope lists exactly one: `home=H` may then be left out.
  std::optional<std::string_view> single_home() const;

  friend bool operator==(const home_scope&, const home_scope&) = default;

private:
  bool all_ = false;
  std::vector<std::string> homes_;
};

} // namespace hems::security
