// SPDX-License-Identifier: Apache-2.0
// kill -9 durability: a child process records and advances jobs as fast as it can, reporting
// each job through a pipe only after its changes are committed. The parent SIGKILLs it mid-way
// and checks that every reported change is on disk and the file is intact.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>

#include "jobs/job_store.hpp"
#include "temp_db.hpp"

using namespace lxdrunner::jobs;

namespace {

// Even jobs stop at launching, odd ones go on to provisioning: two commits per job for some,
// three for others, so the kill lands between and inside different kinds of transaction.
JobState finalStateOf(uint64_t id) {
  return id % 2 == 0 ? JobState::Launching : JobState::Provisioning;
}

[[noreturn]] void childWork(const std::string& path, uint64_t first_id, int fd) {
  try {
    JobStore store(path);
    for (uint64_t id = first_id;; ++id) {
      if (!store.recordQueued(test::queuedEvent(id), "e", 1)) _exit(3);
      if (!store.transition(id, JobState::Queued, JobState::Launching, 2)) _exit(4);
      if (finalStateOf(id) == JobState::Provisioning &&
          !store.transition(id, JobState::Launching, JobState::Provisioning, 3)) {
        _exit(5);
      }
      store.appendLog(id, "provisioned " + std::to_string(id) + "\n");
      if (write(fd, &id, sizeof id) != static_cast<ssize_t>(sizeof id)) _exit(6);
    }
  } catch (...) {
    _exit(2);
  }
}

bool readId(int fd, uint64_t& id) {
  size_t got = 0;
  auto* p = reinterpret_cast<char*>(&id);
  while (got < sizeof id) {
    ssize_t n = read(fd, p + got, sizeof id - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

TEST_CASE("kill -9 mid-way loses no committed change and leaves the database intact") {
  test::TempDb db;
  const int kRounds = 3;
  const uint64_t kReportsBeforeKill = 150;
  std::vector<std::pair<uint64_t, uint64_t>> reported;  // [first, last] per round

  for (int round = 0; round < kRounds; ++round) {
    const uint64_t first = 1 + static_cast<uint64_t>(round) * 1000000;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      childWork(db.path(), first, fds[1]);
    }
    close(fds[1]);
    uint64_t last = 0;
    uint64_t id = 0;
    uint64_t count = 0;
    while (count < kReportsBeforeKill && readId(fds[0], id)) {
      last = id;
      ++count;
    }
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));  // it was still working, not failed on its own
    CHECK(WTERMSIG(status) == SIGKILL);
    while (readId(fds[0], id)) last = id;  // reports written before the kill
    close(fds[0]);
    REQUIRE(last >= first + kReportsBeforeKill - 1);
    reported.emplace_back(first, last);

    JobStore store(db.path());
    REQUIRE(store.integrityCheck() == "ok");
    for (const auto& [lo, hi] : reported) {
      for (uint64_t job = lo; job <= hi; ++job) {
        auto r = store.get(job);
        INFO("round " << round << " job " << job);
        REQUIRE(r.has_value());
        CHECK(r->state == finalStateOf(job));
        CHECK(store.log(job) == "provisioned " + std::to_string(job) + "\n");
      }
    }
    // The job in flight at the kill is either absent or in a state it legitimately reached;
    // nothing beyond it exists.
    auto in_flight = store.get(last + 1);
    if (in_flight) CHECK_FALSE(isFinished(in_flight->state));
    CHECK_FALSE(store.get(last + 2).has_value());
  }
}
