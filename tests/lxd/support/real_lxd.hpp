// SPDX-License-Identifier: Apache-2.0
// Helpers for tests against the machine's real LXD: unique lxdrt-* names (the env script's
// `clean` removes leftovers), instances that are deleted even when a test fails, and a
// guard that leaves LXD running whatever a test did to it.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::lxdtest {

inline constexpr const char* kTestImage = "lxdrunner-test";

inline std::string uniqueName(const std::string& what) {
  static std::atomic<int> counter{0};
  return "lxdrt-" + what + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1));
}

inline lxd::RemoteConfig localRemote() {
  lxd::RemoteConfig remote;
  remote.name = "main";
  return remote;
}

inline lxd::Deadline seconds(int s) {
  return lxd::Deadline::in(std::chrono::seconds(s));
}

// Runs the environment script (ensure, stop, clean, ...); returns its exit status.
inline int envScript(const std::string& command) {
  const std::string line =
      "bash " LXDRUNNER_SOURCE_DIR "/tests/lxd/env/lxd-test-env.sh " + command + " >/dev/null 2>&1";
  return std::system(line.c_str());
}

// Force-deletes an instance when it goes out of scope; a missing one is fine.
class InstanceGuard {
 public:
  InstanceGuard(lxd::LxdClient& client, std::string name)
      : client_(client), name_(std::move(name)) {}
  InstanceGuard(const InstanceGuard&) = delete;
  InstanceGuard& operator=(const InstanceGuard&) = delete;
  ~InstanceGuard() {
    for (int attempt = 0; attempt < 20; ++attempt) {
      try {
        try {
          client_.stopInstance(name_, true, -1, seconds(30));
        } catch (const lxd::LxdError& e) {
          if (e.status() == LXDR_ERR_NOT_FOUND) return;
        }
        client_.deleteInstance(name_, seconds(30));
        return;
      } catch (const lxd::LxdError& e) {
        if (e.status() == LXDR_ERR_NOT_FOUND) return;
      } catch (...) {
      }
      ::usleep(250000);
    }
  }
  const std::string& name() const { return name_; }

 private:
  lxd::LxdClient& client_;
  std::string name_;
};

// Makes sure LXD answers again when the scope ends (after a test stopped it).
class LxdRunningGuard {
 public:
  LxdRunningGuard() = default;
  LxdRunningGuard(const LxdRunningGuard&) = delete;
  LxdRunningGuard& operator=(const LxdRunningGuard&) = delete;
  ~LxdRunningGuard() {
    for (int attempt = 0; attempt < 3 && envScript("ensure") != 0; ++attempt) ::sleep(1);
  }
};

}  // namespace lxdrunner::lxdtest
