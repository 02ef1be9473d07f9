#pragma once
// The web dashboard's built files (web/, built by deploy/build.sh), served by
// the same server at `/`. They are public (sign-in happens in the page; all
// data comes through the token), read once at start-up, revalidated by ETag,
// and sent with a content security policy that allows only this origin.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "api/http.hpp"
#include "core/error.hpp"

namespace hems::api {

/// The content type served for a file name (by its extension).
std::string content_type_for(const std::filesystem::path& file);

/// GET routes for every file under `dir` (index.html also at `/`).
result<std::vector<route>> static_routes(const std::filesystem::path& dir);

/// The dashboard's directory: `configured` when given (it must hold
/// index.html), else the first of the places a build or an install puts it
/// relative to the executable `exe`; nullopt when there is none.
std::optional<std::filesystem::path> find_web_dir(const std::optional<std::string>& configured,
                                                  const std::filesystem::path& exe);

} // namespace hems::api
