#include "api/static_files.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace hems::api {

namespace {

namespace fs = std::filesystem;

// Scripts, styles, images and requests from this origin only; nothing inline.
constexpr const char* page_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

std::string etag_of(const std::string& body) {
  // FNV-1a: a change detector, not a security measure.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::ostringstream out;
  out << '"' << std::hex << h << '-' << body.size() << '"';
  return out.str();
}

struct static_file {
  std::string body;
  std::string content_type;
  std::string etag;
};

http_reply serve(const static_file& f, const http_request& req) {
  http_reply r;
  r.content_type = f.content_type;
  // Revalidated on every load: a rebuilt dashboard is picked up at once, and
  // an unchanged one costs a 304.
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("ETag", f.etag);
  if (f.content_type.starts_with("text/html"))
    r.headers.emplace_back("Content-Security-Policy", page_policy);
  if (auto match = req.header("if-none-match"); match && *match == f.etag) {
    r.status = 304;
    return r;
  }
  r.body = f.body;
  return r;
}

} // namespace

std::string content_type_for(const fs::path& file) {
  static const std::map<std::string, std::string> types{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  auto it = types.find(file.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

result<std::vector<route>> static_routes(const fs::path& dir) {
  std::vector<route> routes;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file())
      continue;
    auto relative = fs::relative(it->path(), dir).generic_string();
    if (relative.starts_with('.'))
      continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in)
      return fail(errc::io_error, "cannot read " + it->path().string());
    auto file = std::make_shared<static_file>();
    file->body = body.str();
    file->content_type = content_type_for(it->path());
    file->etag = etag_of(file->body);
    auto handler = [file](const http_request& req) { return serve(*file, req); };
    routes.push_back({"GET", "/" + relative, open_access(), handler});
    if (relative == "index.html")
      routes.push_back({"GET", "/", open_access(), handler});
  }
  if (ec)
    return fail(errc::io_error, "cannot list " + dir.string() + ": " + ec.message());
  return routes;
}

std::optional<fs::path> find_web_dir(const std::optional<std::string>& configured,
                                     const fs::path& exe) {
  if (configured)
    return fs::exists(fs::path{*configured} / "index.html")
               ? std::optional<fs::path>{fs::path{*configured}}
               : std::nullopt;
  auto bin = exe.parent_path();
  // An install (PREFIX/bin/hems, PREFIX/share/hems/web), then a build tree
  // (build/<type>/app/hems beside web/dist).
  for (const auto& candidate :
       {bin / "../share/hems/web", bin / "../../../web/dist", bin / "web"}) {
    std::error_code ec;
    if (fs::exists(candidate / "index.html", ec))
      return fs::weakly_canonical(candidate, ec);
  }
  return std::nullopt;
}

} // namespace hems::api
