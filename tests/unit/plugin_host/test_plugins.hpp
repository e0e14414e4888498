// SPDX-License-Identifier: Apache-2.0
// Paths of the plugins built in tests/plugins/ and a temporary directory helper.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace lxdrunner::test {

inline std::string testPlugin(const std::string& name) {
  return std::string(LXDRUNNER_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

// The plugins of tests/plugins/broken/, each refused for one reason.
inline std::string brokenPlugin(const std::string& name) {
  return std::string(LXDRUNNER_BROKEN_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

// Copies a test plugin to `dest` with mode 0755, whatever the umask that built it: the loader
// refuses files others can write.
inline void copyPlugin(const std::string& name, const std::string& dest) {
  std::filesystem::copy_file(testPlugin(name), dest);
  ::chmod(dest.c_str(), 0755);
}

// A fresh directory (mode 0700) removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "lxdrunner-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace lxdrunner::test
