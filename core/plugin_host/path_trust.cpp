// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/path_trust.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lxdrunner::plugin_host {
namespace {

std::string userName(uid_t uid) {
  if (const passwd* pw = ::getpwuid(uid); pw != nullptr) return pw->pw_name;
  return "uid " + std::to_string(uid);
}

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::optional<std::string> realPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) return std::nullopt;
  return std::string(buffer);
}

std::string parentOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

enum class Role { File, HoldingDirectory, DirectoryAbove };

// One line for `path` (already resolved) when its owner or mode lets someone else change it.
std::optional<std::string> problemOf(const std::string& path, Role role) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return "refused: cannot check " + path + ": " + std::strerror(errno);
  }
  const std::string what = role == Role::File ? std::string("the file") : "the directory " + path;
  const uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me) {
    const std::string allowed = me == 0 ? "root" : "root or " + userName(me);
    return "refused: " + what + " belongs to " + userName(st.st_uid) + ", not to " + allowed +
           " (who runs lxdrunner): chown " + (me == 0 ? "root" : userName(me)) + " " + path;
  }
  const bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  const bool sticky_ok = role == Role::DirectoryAbove && (st.st_mode & S_ISVTX) != 0;
  if (others_write && !sticky_ok) {
    return "refused: " + what + " is writable by others than its owner (mode " + octal(st.st_mode) +
           "): chmod go-w " + path;
  }
  return std::nullopt;
}

std::optional<std::string> directoriesProblem(const std::string& holding) {
  if (auto problem = problemOf(holding, Role::HoldingDirectory)) return problem;
  std::string dir = holding;
  while (dir != "/") {
    dir = parentOf(dir);
    if (auto problem = problemOf(dir, Role::DirectoryAbove)) return problem;
  }
  return std::nullopt;
}

}  // namespace

TrustedPath checkPluginFile(const std::string& path) {
  TrustedPath result;
  auto resolved = realPath(path);
  if (!resolved) {
    result.problem = std::string("cannot resolve the path: ") + std::strerror(errno);
    return result;
  }
  result.resolved = *resolved;
  if (auto problem = problemOf(*resolved, Role::File)) {
    result.problem = problem;
  } else {
    result.problem = directoriesProblem(parentOf(*resolved));
  }
  return result;
}

std::optional<std::string> pluginDirectoryProblem(const std::string& dir) {
  const auto resolved = realPath(dir);
  if (!resolved) return std::nullopt;
  return directoriesProblem(*resolved);
}

}  // namespace lxdrunner::plugin_host
