// SPDX-License-Identifier: Apache-2.0
// The guest contract of the original (Python) lxdrunner, for setup scripts written for it
// (provisioner_options.setup_contract: original). The original pushed its script to
// /opt/runner/<script name>, the runner package to /opt/runner/actions-runner.tgz and
// /opt/runner/setupvars.conf with GHA_TOKEN (a registration token), GHA_URL, GHA_NAME and
// GHA_EXTRA_LABELS, then ran the script as root; its scripts source that file, create the
// runner user (with passwordless sudo), unpack the package, run config.sh --token and run.sh.
#pragma once

#include <string>
#include <vector>

namespace lxdrunner::provisioners::original {

inline constexpr const char* kDir = "/opt/runner";
inline constexpr const char* kPackage = "/opt/runner/actions-runner.tgz";
// 0600, not the original's 0755: it holds the registration token.
inline constexpr const char* kSetupVars = "/opt/runner/setupvars.conf";

// Where the original put a setup script: /opt/runner/ plus the host file's name.
std::string guestScriptPath(const std::string& host_script);

// What the script gets in setupvars.conf (and, except the token, in its environment).
struct SetupVars {
  std::string token;  // secret: a registration token
  std::string url;    // config.sh --url
  std::string name;   // the runner (= instance) name
  std::vector<std::string> labels;
};

// setupvars.conf as the original wrote it, one NAME=value line each, for scripts that
// `source` it. A value with characters the shell would treat specially is single-quoted, so
// that sourcing gives back exactly the value; plain values are written bare, as the original
// did, for scripts that read the file otherwise.
std::string setupVarsFile(const SetupVars& vars);

// The script's environment: GHA_URL, GHA_NAME and GHA_EXTRA_LABELS as the original passed
// them. Not GHA_TOKEN: a credential is never part of an exec (setupvars.conf holds it).
std::vector<std::string> setupEnvironment(const SetupVars& vars);

// argv of the one exec before the pushes: creates kDir (0755) and, with `sudo`, gives
// `user` passwordless sudo through /etc/sudoers.d/90-lxdrunner-<user> (as
// config/runner-setup.sh does), or says that the image has no sudo. `user` is a checked
// user name (entry_settings.cpp); it is passed as an argument, never spliced into the script.
std::vector<std::string> prepareArgv(const std::string& user, bool sudo);

}  // namespace lxdrunner::provisioners::original
