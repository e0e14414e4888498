// SPDX-License-Identifier: Apache-2.0
// One platform's part of the cache on disk, <dir>/<os>-<arch>/:
//   <version>/<package file>      verified package, 0644
//   <version>/unpacked/           its contents (tar.gz only), 0755 directories
//   current -> <version>          switched atomically (temporary symlink + rename(2))
//   previous -> <version>         what current was before the last switch; kept for instances
//   .staging-*                    a download or unpack in progress (removed when found later)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lxdrunner::runner_cache {

class PlatformDir {
 public:
  explicit PlatformDir(std::filesystem::path path) : path_(std::move(path)) {}

  const std::filesystem::path& path() const noexcept { return path_; }
  // Creates the directory (0755) when missing.
  void ensureExists() const;

  // The version a link names; empty when the link is missing or names no directory.
  std::string currentVersion() const { return linkedVersion("current"); }
  std::string previousVersion() const { return linkedVersion("previous"); }
  std::filesystem::path versionDir(const std::string& version) const { return path_ / version; }
  bool hasVersion(const std::string& version) const;
  // The package file inside a version directory (its one regular file); empty when none.
  static std::string packageFileIn(const std::filesystem::path& version_dir);

  // A fresh, empty .staging-<version>-<n> directory (0755) to download and unpack into.
  std::filesystem::path newStagingDir(const std::string& version) const;
  // Moves a finished staging directory to <version>. False when <version> already exists.
  bool publish(const std::filesystem::path& staging, const std::string& version) const;
  // previous := current (when it differs), then current := version; each link is replaced
  // atomically, so a reader sees the old or the new version, never none.
  void switchTo(const std::string& version) const;
  // Removes versions other than current and previous, and staging leftovers. Returns the
  // names removed. Only call when no download is running in this directory.
  std::vector<std::string> prune() const;

 private:
  std::string linkedVersion(const std::string& link) const;
  void replaceLink(const std::string& link, const std::string& version) const;

  std::filesystem::path path_;
};

}  // namespace lxdrunner::runner_cache
