// SPDX-License-Identifier: Apache-2.0
// A fresh directory per test for jobs.sqlite (and its -wal/-shm files), removed afterwards.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::jobs::test {

class TempDb {
 public:
  TempDb() {
    std::string pattern = (std::filesystem::temp_directory_path() / "job_store_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~TempDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  std::string path() const { return (dir_ / "jobs.sqlite").string(); }

 private:
  std::filesystem::path dir_;
};

inline sdk::JobEvent queuedEvent(uint64_t job_id, std::string repository = "octo/repo") {
  sdk::JobEvent e;
  e.action = LXDR_JOB_QUEUED;
  e.job_id = job_id;
  e.run_id = job_id * 10;
  e.run_attempt = 1;
  e.labels = {"self-hosted", "linux", "x64"};
  e.repository = std::move(repository);
  e.delivery_id = "delivery-" + std::to_string(job_id);
  return e;
}

}  // namespace lxdrunner::jobs::test
