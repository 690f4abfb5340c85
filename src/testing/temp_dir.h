// A private directory under the system's temporary directory for one test, removed with
// everything in it when the test ends. Header-only; for unit tests, never linked into orgtrail.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace orgtrail {

class TempDir {
 public:
  // `prefix` names the directory (<tmp>/<prefix>-XXXXXX) so a leftover one tells whose it was.
  explicit TempDir(const std::string& prefix = "orgtrail-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr) << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // How many entries the directory holds (not recursive).
  size_t Files() const {
    size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(path_, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++n;
    }
    return n;
  }

 private:
  std::string path_;
};

}  // namespace orgtrail
