// SPDX-License-Identifier: Apache-2.0
#include "runner_cache/platform_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <system_error>

namespace lxdrunner::runner_cache {
namespace {

namespace fs = std::filesystem;

const std::string kStagingPrefix = ".staging-";
const std::string kLinkPrefix = ".link-";

std::string uniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Makes a rename in `dir` survive a crash: the rename is durable once the directory is synced.
void syncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void PlatformDir::ensureExists() const {
  if (fs::is_directory(path_)) return;
  fs::create_directories(path_);
  fs::permissions(path_, static_cast<fs::perms>(0755), fs::perm_options::replace);
}

bool PlatformDir::hasVersion(const std::string& version) const {
  std::error_code ec;
  return !version.empty() && fs::is_directory(versionDir(version), ec);
}

std::string PlatformDir::linkedVersion(const std::string& link) const {
  std::error_code ec;
  const fs::path target = fs::read_symlink(path_ / link, ec);
  if (ec) return {};
  const std::string version = target.filename().string();
  if (target != fs::path(version) || !hasVersion(version)) return {};
  return version;
}

std::string PlatformDir::packageFileIn(const fs::path& version_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(version_dir, ec)) {
    if (entry.is_regular_file(ec) && !startsWith(entry.path().filename().string(), ".")) {
      return entry.path().filename().string();
    }
  }
  return {};
}

fs::path PlatformDir::newStagingDir(const std::string& version) const {
  const fs::path dir = path_ / (kStagingPrefix + version + "-" + uniqueSuffix());
  fs::create_directory(dir);
  fs::permissions(dir, static_cast<fs::perms>(0755), fs::perm_options::replace);
  return dir;
}

bool PlatformDir::publish(const fs::path& staging, const std::string& version) const {
  if (hasVersion(version)) return false;
  fs::rename(staging, versionDir(version));
  syncDirectory(path_);
  return true;
}

void PlatformDir::replaceLink(const std::string& link, const std::string& version) const {
  const fs::path temporary = path_ / (kLinkPrefix + link + "-" + uniqueSuffix());
  // Relative target: the cache directory may be moved or bind-mounted elsewhere.
  fs::create_directory_symlink(version, temporary);
  std::error_code ec;
  fs::rename(temporary, path_ / link, ec);
  if (ec) {
    fs::remove(temporary);
    throw fs::filesystem_error("cannot switch the runner cache link", path_ / link, ec);
  }
}

void PlatformDir::switchTo(const std::string& version) const {
  const std::string before = currentVersion();
  if (before == version) return;
  if (!before.empty()) replaceLink("previous", before);
  replaceLink("current", version);
  syncDirectory(path_);
}

std::vector<std::string> PlatformDir::prune() const {
  const std::string current = currentVersion();
  const std::string previous = previousVersion();
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool leftover = startsWith(name, kStagingPrefix) || startsWith(name, kLinkPrefix);
    // Only names the cache itself creates: versions start with a digit.
    const bool old_version =
        !name.empty() && std::isdigit(static_cast<unsigned char>(name.front())) &&
        entry.is_directory(ec) && !entry.is_symlink(ec) && name != current && name != previous;
    if (leftover || old_version) doomed.push_back(entry.path());
  }
  std::vector<std::string> removed;
  for (const fs::path& path : doomed) {
    std::error_code remove_error;
    fs::remove_all(path, remove_error);
    if (!remove_error) removed.push_back(path.filename().string());
  }
  return removed;
}

}  // namespace lxdrunner::runner_cache
