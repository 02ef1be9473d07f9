#pragma once
// A fresh directory under the system temp dir, removed when the test ends
// (kept when HEMS_KEEP_TEST_DIRS is set, to look into a failure).

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace hems::test {

class temp_dir {
public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("hems-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    if (std::getenv("HEMS_KEEP_TEST_DIRS"))
      return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

} // namespace hems::test
