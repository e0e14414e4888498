// SPDX-License-Identifier: Apache-2.0
#include "runner_cache/runner_cache.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "github/github_client.hpp"
#include "runner_cache/package_download.hpp"
#include "runner_cache/package_unpack.hpp"
#include "runner_cache/runner_package.hpp"

namespace lxdrunner::runner_cache {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string nameOf(const Platform& p) {
  return p.os + "/" + p.arch;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A path segment GitHub accepts as an owner, repository or organisation name.
bool isNameSegment(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

bool isValidScope(const std::string& scope) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t slash = scope.find('/', start);
    parts.push_back(scope.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!std::all_of(parts.begin(), parts.end(), isNameSegment)) return false;
  return (parts.size() == 3 && parts[0] == "repos") || (parts.size() == 2 && parts[0] == "orgs");
}

std::string hintFor(github::GithubError::Kind kind) {
  switch (kind) {
    case github::GithubError::Kind::NotFound:
      return ": check that runner_downloads_scope names a repository or organisation the "
             "credentials can see";
    case github::GithubError::Kind::Unauthorized:
    case github::GithubError::Kind::Forbidden:
      return ": check the GitHub credentials (they need access to self-hosted runners)";
    default:
      return ": it will be retried at the next refresh";
  }
}

// Removes a staging directory unless it was published.
class StagingGuard {
 public:
  explicit StagingGuard(fs::path dir) : dir_(std::move(dir)) {}
  ~StagingGuard() {
    std::error_code ec;
    if (fs::exists(dir_, ec)) fs::remove_all(dir_, ec);
  }
  StagingGuard(const StagingGuard&) = delete;
  StagingGuard& operator=(const StagingGuard&) = delete;

 private:
  fs::path dir_;
};

}  // namespace

RunnerCache::RunnerCache(RunnerCacheSettings settings, github::GithubClient& github)
    : settings_(std::move(settings)), github_(github), log_(Poco::Logger::get("runner_cache")) {
  if (settings_.dir.empty()) {
    throw std::runtime_error("runner cache: no directory given: set runner_cache_dir");
  }
  const fs::path root = fs::absolute(settings_.dir);
  try {
    if (!fs::is_directory(root)) {
      fs::create_directories(root);
      fs::permissions(root, static_cast<fs::perms>(0755), fs::perm_options::replace);
    }
  } catch (const fs::filesystem_error& e) {
    throw std::runtime_error("runner cache directory " + root.string() + " cannot be created (" +
                             e.code().message() + "): check runner_cache_dir");
  }
  for (const Platform& p : settings_.platforms) {
    const bool seen = std::any_of(platforms_.begin(), platforms_.end(), [&](const auto& s) {
      return s.platform.os == p.os && s.platform.arch == p.arch;
    });
    if (seen) continue;
    if (!isNameSegment(p.os) || !isNameSegment(p.arch)) {
      throw std::runtime_error("runner cache: platform '" + nameOf(p) +
                               "' is not an os/arch pair like linux/x64");
    }
    PlatformState state{p, PlatformDir(root / (p.os + "-" + p.arch)), {}, 0, {}};
    if (fs::is_directory(state.dir.path())) {
      // Leftovers of a download the last run did not finish.
      state.dir.prune();
      state.current = readCurrent(state.dir);
    }
    platforms_.push_back(std::move(state));
  }
}

RunnerCache::~RunnerCache() {
  stop();
}

RunnerCache::Current RunnerCache::readCurrent(const PlatformDir& dir) {
  Current c;
  const std::string version = dir.currentVersion();
  if (version.empty()) return c;
  const fs::path version_dir = dir.versionDir(version);
  const std::string file = PlatformDir::packageFileIn(version_dir);
  if (file.empty()) return c;
  c.version = version;
  c.tarball = (version_dir / file).string();
  std::error_code ec;
  if (isTarGz(file) && fs::is_directory(version_dir / "unpacked", ec)) {
    c.unpacked = (version_dir / "unpacked").string();
  }
  c.previous = dir.previousVersion();
  return c;
}

void RunnerCache::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_running_) return;
  stopping_ = false;
  thread_running_ = true;
  thread_ = std::thread([this] { run(); });
}

void RunnerCache::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  thread_running_ = false;
}

void RunnerCache::run() {
  while (!stopping_) {
    const bool ok = refresh(Clock::now() + settings_.refresh_timeout).empty();
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, ok ? settings_.refresh_interval : settings_.retry_interval,
                      [this] { return stopping_.load() || refresh_requested_; });
    refresh_requested_ = false;
  }
}

std::vector<std::string> RunnerCache::refresh(Clock::time_point deadline) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (refreshing_) {
      const uint64_t seen = refreshes_done_;
      if (!changed_.wait_until(lock, deadline, [&] { return refreshes_done_ != seen; })) {
        return {"runner cache: the refresh in progress did not finish before the deadline"};
      }
      return last_errors_;
    }
    refreshing_ = true;
  }
  std::vector<std::string> errors;
  try {
    errors = refreshAll(deadline);
  } catch (const std::exception& e) {
    errors = failAll(std::string("runner cache: refresh failed: ") + e.what());
  }
  for (const std::string& line : errors) log_.warning(line);
  {
    std::lock_guard<std::mutex> lock(mu_);
    refreshing_ = false;
    ++refreshes_done_;
    last_errors_ = errors;
  }
  changed_.notify_all();
  return errors;
}

std::vector<std::string> RunnerCache::failAll(const std::string& line) {
  const int64_t now = nowMs();
  std::lock_guard<std::mutex> lock(mu_);
  for (PlatformState& p : platforms_) {
    p.checked_at_ms = now;
    p.last_error = line;
  }
  return {line};
}

std::vector<std::string> RunnerCache::refreshAll(Clock::time_point deadline) {
  if (platforms_.empty()) return {};
  const std::string scope = settings_.scope ? settings_.scope() : std::string();
  if (scope.empty()) {
    return failAll(
        "runner cache: the GitHub repository or organisation to ask for runner downloads is not "
        "known yet: set dispatcher.runner_downloads_scope (OWNER/REPO or ORG)");
  }
  if (!isValidScope(scope)) {
    return failAll("runner cache: runner downloads scope '" + scope +
                   "' is neither repos/OWNER/REPO nor orgs/ORG: fix runner_downloads_scope");
  }
  std::vector<github::RunnerDownload> listed;
  try {
    github::RequestOptions options;
    options.deadline = deadline;
    listed = github_.runnerDownloads(scope, options);
  } catch (const github::GithubError& e) {
    return failAll("runner cache: cannot list the runner downloads of " + scope + ": " + e.what() +
                   hintFor(e.kind()));
  }
  std::vector<std::string> errors;
  for (size_t i = 0; i < platforms_.size(); ++i) {
    if (stopping_) {
      errors.push_back("runner cache: refresh cancelled: lxdrunner is stopping");
      break;
    }
    std::string error = refreshPlatform(i, listed, deadline);
    if (!error.empty()) errors.push_back(std::move(error));
  }
  return errors;
}

std::string RunnerCache::refreshPlatform(size_t index,
                                         const std::vector<github::RunnerDownload>& listed,
                                         Clock::time_point deadline) {
  const Platform& platform = platforms_[index].platform;
  const PlatformDir& dir = platforms_[index].dir;
  std::string error;
  Current current;
  const auto package =
      std::find_if(listed.begin(), listed.end(), [&](const github::RunnerDownload& d) {
        return d.os == platform.os && d.architecture == platform.arch;
      });
  if (package == listed.end()) {
    std::string offered;
    for (const auto& d : listed)
      offered += (offered.empty() ? "" : ", ") + d.os + "/" + d.architecture;
    error = "runner cache: GitHub lists no runner package for " + nameOf(platform) +
            " (it lists: " + (offered.empty() ? "none" : offered) + ")";
  } else {
    try {
      const std::string version = versionFromFilename(package->filename);
      dir.ensureExists();
      if (readCurrent(dir).version != version) {
        // A version directory without its package was damaged outside lxdrunner: replace it.
        if (dir.hasVersion(version) &&
            PlatformDir::packageFileIn(dir.versionDir(version)).empty()) {
          fs::remove_all(dir.versionDir(version));
        }
        if (!dir.hasVersion(version)) install(dir, *package, version, deadline);
        const std::string before = dir.currentVersion();
        dir.switchTo(version);
        std::string removed;
        for (const std::string& name : dir.prune()) removed += " " + name;
        log_.information("runner cache: " + nameOf(platform) + " now serves runner " + version +
                         (before.empty() ? std::string() : " (kept " + before + ")") +
                         (removed.empty() ? std::string() : "; removed" + removed));
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    current = readCurrent(dir);
  }
  const int64_t now = nowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    PlatformState& state = platforms_[index];
    state.checked_at_ms = now;
    state.last_error = error;
    if (!current.version.empty()) state.current = current;
  }
  changed_.notify_all();
  return error;
}

void RunnerCache::install(const PlatformDir& dir, const github::RunnerDownload& package,
                          const std::string& version, Clock::time_point deadline) {
  const std::string what = "runner tarball " + package.filename + ": ";
  if (package.sha256_checksum.empty()) {
    throw std::runtime_error(what +
                             "GitHub gave no sha256_checksum: refusing a package that cannot be "
                             "verified");
  }
  const fs::path staging = dir.newStagingDir(version);
  StagingGuard guard(staging);
  const fs::path file = staging / package.filename;
  const auto cancelled = [this] { return stopping_.load(); };

  DownloadRequest request;
  request.url = package.download_url;
  request.bearer_token = package.temp_download_token;
  request.ca_file = settings_.ca_file;
  request.deadline = deadline;
  request.cancelled = cancelled;
  DownloadResult got;
  try {
    got = downloadToFile(request, file.string());
  } catch (const DownloadError& e) {
    throw std::runtime_error(what + e.what() + ": it will be retried at the next refresh");
  }
  const std::string expected = lower(package.sha256_checksum);
  if (got.sha256_hex != expected) {
    fs::remove(file);
    throw std::runtime_error(what + "sha256 mismatch (expected " + expected + ", got " +
                             got.sha256_hex +
                             "): refusing it; the download was corrupted or tampered with — it "
                             "will be retried at the next refresh");
  }
  if (isTarGz(package.filename)) {
    const fs::path unpacked = staging / "unpacked";
    fs::create_directory(unpacked);
    try {
      unpackTarGz(file.string(), unpacked.string(), deadline, cancelled);
    } catch (const std::exception& e) {
      throw std::runtime_error(what + e.what());
    }
  }
  dir.publish(staging, version);
  log_.information("runner cache: downloaded " + package.filename + " (" +
                   std::to_string(got.bytes) + " bytes, sha256 " + got.sha256_hex + " verified)");
}

std::optional<std::string> RunnerCache::path(const std::string& os, const std::string& arch,
                                             bool unpacked, Clock::time_point deadline,
                                             std::string& error) {
  const auto it = std::find_if(platforms_.begin(), platforms_.end(), [&](const PlatformState& p) {
    return p.platform.os == os && p.platform.arch == arch;
  });
  if (it == platforms_.end()) {
    std::string kept;
    for (const auto& p : platforms_) kept += (kept.empty() ? "" : ", ") + nameOf(p.platform);
    error = "runner cache: no runner package is kept for " + os + "/" + arch +
            " because no runnermap entry uses it (kept: " + (kept.empty() ? "none" : kept) +
            "): add a runnermap entry with that runner_os and runner_arch";
    return std::nullopt;
  }
  const size_t index = static_cast<size_t>(it - platforms_.begin());
  std::unique_lock<std::mutex> lock(mu_);
  const auto ready = [&] { return !platforms_[index].current.version.empty(); };
  if (!ready()) {
    const uint64_t seen = refreshes_done_;
    if (!refreshing_ && !thread_running_) {
      lock.unlock();
      refresh(deadline);
      lock.lock();
    } else {
      // The background thread downloads with its own, longer deadline, so a caller giving up
      // early does not waste the download for the next one.
      if (!refreshing_) refresh_requested_ = true;
      changed_.notify_all();
      changed_.wait_until(lock, deadline,
                          [&] { return ready() || refreshes_done_ != seen || stopping_.load(); });
    }
  }
  const PlatformState& state = platforms_[index];
  if (!ready()) {
    error = "runner cache: no runner package for " + os + "/" + arch + " yet: " +
            (state.last_error.empty() ? "the first download did not finish before the deadline"
                                      : state.last_error);
    return std::nullopt;
  }
  if (!unpacked) return state.current.tarball;
  if (state.current.unpacked.empty()) {
    error = "runner cache: runner package " + state.current.tarball +
            " is not a .tar.gz, so there is no unpacked directory: use the package itself";
    return std::nullopt;
  }
  return state.current.unpacked;
}

bool RunnerCache::keeps(const std::string& os, const std::string& arch) const {
  return std::any_of(platforms_.begin(), platforms_.end(), [&](const PlatformState& p) {
    return p.platform.os == os && p.platform.arch == arch;
  });
}

std::vector<RunnerCache::PlatformStatus> RunnerCache::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PlatformStatus> out;
  for (const PlatformState& p : platforms_) {
    out.push_back({p.platform.os, p.platform.arch, p.current.version, p.current.tarball,
                   p.current.unpacked, p.current.previous, p.checked_at_ms, p.last_error});
  }
  return out;
}

}  // namespace lxdrunner::runner_cache
