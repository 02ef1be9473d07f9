#include "app/admin_token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hems::app {

result<void> write_private_file(const std::filesystem::path& path, std::string_view text) {
  auto tmp = path;
  tmp += ".tmp";
  ::unlink(tmp.c_str());
  // O_EXCL | O_NOFOLLOW: never write through a planted file or symlink.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(errc::io_error, "cannot create " + tmp.string() + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    done += ok ? static_cast<std::size_t>(n) : 0;
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    saved = ok ? errno : saved;
    ::unlink(tmp.c_str());
    return fail(errc::io_error, "cannot write " + path.string() + ": " + std::strerror(saved));
  }
  return {};
}

result<std::optional<std::filesystem::path>>
ensure_admin_token(security::token_registry& tokens, security::audit_log& audit,
                   const std::filesystem::path& data_dir, bool reissue) {
  if (!reissue) {
    auto active = tokens.has_active(security::role::admin);
    if (!active)
      return std::unexpected(active.error());
    if (*active)
      return std::optional<std::filesystem::path>{};
  }
  auto issued = tokens.issue({.role = security::role::admin,
                              .scope = security::home_scope::everything(),
                              .expires_ms = std::nullopt,
                              .label = "first admin token (admin.token)"},
                             "hems");
  if (!issued)
    return std::unexpected(issued.error());
  auto path = data_dir / admin_token_file_name;
  if (auto ok = write_private_file(path, issued->text + "\n"); !ok) {
    // Best effort: nobody can read the token, but it should not stay valid.
    (void)tokens.revoke(issued->record.id);
    return std::unexpected(ok.error());
  }
  auto logged = audit.record({.at_ms = 0,
                              .seq = 0,
                              .actor = "hems",
                              .role = "server",
                              .action = "issue admin token",
                              .target = issued->record.id,
                              .homes = {"*"},
                              .status = 201,
                              .detail = "written to " + path.string(),
                              .remote = ""});
  if (!logged)
    return std::unexpected(logged.error());
  return std::optional<std::filesystem::path>{path};
}

} // namespace hems::app
