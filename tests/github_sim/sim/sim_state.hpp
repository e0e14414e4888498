// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/scope.hpp"

namespace lxdrunner::github_sim {

// Wall-clock milliseconds for benchmarks (not persisted): when the runner's process started
// (as the runner reports it), when it opened its session, when it took its job. Split a job
// start into the launcher's part (up to the process start) and the runner's own.
struct RunnerTiming {
  std::int64_t process_started_ms = 0;
  std::int64_t session_opened_ms = 0;
  std::int64_t job_acquired_ms = 0;
};

struct Runner {
  std::int64_t id = 0;
  std::string name;
  Scope scope;
  std::string os = "unknown";  // until the runner connects and says what it runs on
  std::string status = "offline";
  bool busy = false;
  bool ephemeral = true;
  std::vector<std::string> labels;
  std::int64_t groupId = 1;
  std::string groupName = "Default";
  std::string workFolder = "_work";
  std::string registeredVia;  // "jit" or "registration_token"
  std::string jitToken;       // the single-use credential inside the JIT config
  bool jitUsed = false;
  std::int64_t jobId = 0;  // the job it is running, 0 when idle
  std::int64_t createdAt = 0;
  RunnerTiming timing;
};

struct Job {
  std::int64_t id = 0;
  std::int64_t runId = 0;
  std::int64_t runAttempt = 1;
  std::string repo;  // "owner/name"
  std::string org;   // organisation login; empty for a user's repository
  std::int64_t installationId = 0;
  std::string name = "build";
  std::string workflowName = "CI";
  std::string headBranch = "main";
  std::string headSha;
  std::vector<std::string> labels;
  std::string status = "queued";  // queued, in_progress, completed
  std::string conclusion;         // empty until completed
  std::int64_t runnerId = 0;
  std::string runnerName;
  std::int64_t runnerGroupId = 0;
  std::string runnerGroupName;
  std::int64_t createdAt = 0;
  std::int64_t startedAt = 0;
  std::int64_t completedAt = 0;
  std::int64_t sequence = 0;  // creation order: runners get the oldest matching job first
  RunnerTiming runnerTiming;  // the timing of the runner that took it

  std::string repoOwner() const { return repo.substr(0, repo.find('/')); }
  std::string repoName() const { return repo.substr(repo.find('/') + 1); }
};

struct WorkflowRun {
  std::int64_t id = 0;
  std::string repo;
  std::string org;
  std::int64_t runNumber = 0;
  std::int64_t runAttempt = 1;
  std::string name = "CI";
  std::string headBranch = "main";
  std::string headSha;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
  std::vector<std::int64_t> jobIds;
};

struct Hook {
  std::int64_t id = 0;
  bool isApp = false;  // the GitHub App's hook; otherwise a repository or organisation hook
  Scope scope;         // unused for the app hook
  std::string name = "web";
  std::string url;
  std::string secret;
  std::string contentType = "json";
  std::string insecureSsl = "0";
  std::vector<std::string> events{"workflow_job"};
  bool active = true;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
  int lastResponseCode = 0;  // 0: null
  std::string lastResponseStatus = "unused";
  std::string lastResponseMessage;

  bool wants(const std::string& event) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Delivery {
  std::int64_t id = 0;
  std::string guid;
  std::int64_t hookId = 0;
  std::string event;
  std::string action;  // empty: null (ping)
  std::int64_t deliveredAt = 0;
  bool redelivery = false;
  bool pending = true;  // not attempted yet
  double durationSeconds = 0;
  std::string status = "pending";  // "OK" or what went wrong, as GitHub words it
  int statusCode = 0;              // 0 when no HTTP answer came back
  std::int64_t installationId = 0;
  std::int64_t repositoryId = 0;
  std::int64_t jobId = 0;
  HeaderList requestHeaders;
  std::string requestBody;
  HeaderList responseHeaders;
  std::string responseBody;
};

// A repository declared through /_sim/repos. Repositories that have workflow runs are known
// without being declared; declaring one sets its flags.
struct Repository {
  std::string fullName;  // "owner/name", as declared
  bool orgOwned = false;
  bool archived = false;
  bool disabled = false;
  bool isPrivate = false;
  std::int64_t installationId = 0;  // listed for this installation only; 0: for every one
};

// An organisation's runner group declared through /_sim/runner-groups. Group 1, "Default"
// (visibility all), exists in every organisation without being declared.
struct RunnerGroup {
  std::int64_t id = 0;
  std::string org;  // as declared
  std::string name;
  std::string visibility = "all";         // all | selected | private
  std::vector<std::string> repositories;  // for "selected": full names
  bool allowsPublicRepositories = true;
};

// Registration, remove and installation tokens, by their value.
struct IssuedToken {
  std::string token;
  std::string kind;  // "registration", "remove", "installation"
  Scope scope;       // registration/remove tokens
  std::int64_t installationId = 0;
  std::int64_t expiresAt = 0;
};

// Everything the simulator knows. One mutex guards it all: handlers are short, and a single
// lock keeps cross-object changes (a job and its runner) consistent without lock ordering.
class SimState {
 public:
  std::mutex mutex;
  // Signalled (with mutex) when a job is queued or the simulator stops, for long-polling runners.
  std::condition_variable changed;

  std::map<std::int64_t, Runner> runners;
  std::map<std::int64_t, Job> jobs;
  std::map<std::int64_t, WorkflowRun> runs;
  std::map<std::int64_t, Hook> hooks;
  std::map<std::int64_t, Delivery> deliveries;
  std::map<std::string, IssuedToken> tokens;
  std::vector<std::string> extraPats;                // added through the control API
  std::map<std::string, Repository> repositories;    // declared; lowercased full name -> it
  std::map<std::int64_t, RunnerGroup> runnerGroups;  // declared, by id (kept across reset)

  std::map<std::string, std::int64_t> requestCounts;  // "GET /repos/{owner}/{repo}/..." -> n
  std::map<std::string, std::int64_t> apiVersions;    // X-GitHub-Api-Version value -> n
  std::map<std::string, std::int64_t> acceptHeaders;  // Accept value -> n

  // Identifier sources. Job ids alternate between values below and above 2^53 so that a
  // client parsing ids as doubles breaks on every second job; run ids exceed 2^32.
  std::int64_t nextRunnerId = 1;
  std::int64_t nextSmallJobId = 4000000001;
  std::int64_t nextLargeJobId = 9007199254740993;  // 2^53 + 1
  std::int64_t jobsCreated = 0;
  std::int64_t jobSequence = 0;
  std::int64_t nextRunId = 10000000001;
  std::int64_t nextRunNumber = 1;
  std::int64_t nextHookId = 400000001;
  std::int64_t nextDeliveryId = 30000000001;
  std::int64_t nextAccountId = 50000001;
  std::int64_t nextRepositoryId = 600000001;
  std::int64_t nextLabelId = 1;
  std::int64_t nextRunnerGroupId = 2;                 // 1 is every organisation's Default group
  std::map<std::string, std::int64_t> accountIds;     // lowercased login -> id
  std::map<std::string, std::int64_t> repositoryIds;  // lowercased full name -> id
  std::map<std::string, std::int64_t> labelIds;       // lowercased label -> id

  std::int64_t takeJobId();
  std::int64_t accountId(const std::string& login);
  std::int64_t repositoryId(const std::string& fullName);
  std::int64_t labelId(const std::string& label);

  // Organisation `org`'s group `id` (1: its Default group); nullopt when it has none.
  std::optional<RunnerGroup> runnerGroup(const std::string& org, std::int64_t id) const;
  // Whether a runner in group `id` of `org` may take jobs of repository `repo`.
  bool groupAllows(const std::string& org, std::int64_t id, const std::string& repo) const;

  Runner* findRunner(std::int64_t id);
  Runner* findRunnerByName(const std::string& scopeKey, const std::string& name);
  const IssuedToken* liveToken(const std::string& token, const std::string& kind,
                               std::int64_t now) const;

  // Every repository the simulator knows: those declared and those with workflow runs, by
  // lowercased full name (GitHub's listing order).
  std::map<std::string, Repository> knownRepositories() const;

  // Forgets runners, jobs, runs, deliveries, issued tokens and counters; keeps hooks, PATs,
  // declared repositories and the id sources (ids are never reused, so stale references fail
  // loudly).
  void clearActivity();
};

}  // namespace lxdrunner::github_sim
