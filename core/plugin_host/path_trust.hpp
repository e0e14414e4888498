// SPDX-License-Identifier: Apache-2.0
// Whether lxdrunner may run code from a file: loading a plugin runs its constructors with
// lxdrunner's privileges (often root), so nobody but root and the user running lxdrunner may
// be able to change the file or swap it for another.
#pragma once

#include <optional>
#include <string>

namespace lxdrunner::plugin_host {

// The checked, symlink-free path of a plugin file, or why it may not be loaded.
struct TrustedPath {
  std::string resolved;                // realpath(); load this one, not the name given
  std::optional<std::string> problem;  // one line without the "plugin FILE: " prefix
};

// A plugin file: the file, the directory holding it, and every directory above must belong to
// root or to this process's effective user, and be writable by no one else. Directories above
// the holding one may be world-writable with the sticky bit (like /tmp), where others cannot
// rename entries that are not theirs; the holding directory may not, since anyone could add a
// plugin to it.
TrustedPath checkPluginFile(const std::string& path);

// A plugin directory before it is scanned: the same rules as for the directory holding a file.
// nullopt when it may be scanned, or when it cannot be resolved (the caller's opendir() says why).
std::optional<std::string> pluginDirectoryProblem(const std::string& dir);

}  // namespace lxdrunner::plugin_host
