// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the configuration tests: fixture paths, diagnostic filters, and RAII guards
// for the process state (environment, working directory, temporary files) some tests change.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace lxdrunner::config::test {

inline std::string dataFile(const std::string& name) {
  return std::string(LXDRUNNER_TEST_DATA_DIR) + "/data/" + name;
}

inline std::vector<Diagnostic> errorsOf(const LoadResult& result) {
  std::vector<Diagnostic> errors;
  for (const auto& diagnostic : result.diagnostics) {
    if (!diagnostic.warning) {
      errors.push_back(diagnostic);
    }
  }
  return errors;
}

inline std::vector<Diagnostic> warningsOf(const LoadResult& result) {
  std::vector<Diagnostic> warnings;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.warning) {
      warnings.push_back(diagnostic);
    }
  }
  return warnings;
}

// All diagnostics, one per line: pass to INFO() so a failing test shows what the loader said.
inline std::string listing(const LoadResult& result) {
  std::string text;
  for (const auto& diagnostic : result.diagnostics) {
    text += diagnostic.str() + "\n";
  }
  return text.empty() ? "(no diagnostics)" : text;
}

inline void writeFile(const std::filesystem::path& path, const std::string& content,
                      std::filesystem::perms permissions = std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  std::filesystem::permissions(path, permissions);
}

// An original lxdrunner file (web_tls: True, no certificate: an error) completed the way an
// operator moving over completes it, with a certificate and key appended after its last line.
inline const std::string kTlsFilesLines =
    "web_tls_cert: /etc/lxdrunner/tls/cert.pem\nweb_tls_key: /etc/lxdrunner/tls/key.pem\n";
inline LoadResult loadWithTlsFiles(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return loadString(text + kTlsFilesLines, path);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lxdrunner-test-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Sets (or with nullopt, unsets) an environment variable and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* const old = std::getenv(name_.c_str())) {
      old_ = old;
    }
    set(value);
  }
  ~ScopedEnv() { set(old_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

  std::string name_;
  std::optional<std::string> old_;
};

class ScopedWorkingDirectory {
 public:
  explicit ScopedWorkingDirectory(const std::filesystem::path& directory)
      : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(directory);
  }
  ~ScopedWorkingDirectory() {
    std::error_code ignored;
    std::filesystem::current_path(old_, ignored);
  }
  ScopedWorkingDirectory(const ScopedWorkingDirectory&) = delete;
  ScopedWorkingDirectory& operator=(const ScopedWorkingDirectory&) = delete;

 private:
  std::filesystem::path old_;
};

// The parts of a complete, valid configuration; a test composes them with the part it is about.
// kMinimalConfig is all four: line 1 pat, 2 hooksecret, 3 web_tls, 4 runnermap, 5-10 its entry.
inline const std::string kPatLine = "pat: fake_github_pat\n";
inline const std::string kHooksecretLine = "hooksecret: fake_webhook_secret\n";
inline const std::string kTlsOffLine = "web_tls: false\n";
inline const std::string kRunnermap = R"(runnermap:
  - name: Small
    labels: [self-hosted, linux]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
)";
inline const std::string kMinimalConfig = kPatLine + kHooksecretLine + kTlsOffLine + kRunnermap;

}  // namespace lxdrunner::config::test
