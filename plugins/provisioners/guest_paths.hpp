// SPDX-License-Identifier: Apache-2.0
// Where the provisioners put things inside the instance. The setup script's defaults agree
// (config/runner-setup.sh), but the provisioners always pass these explicitly.
#pragma once

namespace lxdrunner::provisioners::guest {

// Root-owned, 0711: the setup script, the tarball, the helper, markers and the runner log.
inline constexpr const char* kStateDir = "/var/lib/lxdrunner";
inline constexpr const char* kSetupScript = "/var/lib/lxdrunner/runner-setup.sh";
inline constexpr const char* kTarball = "/var/lib/lxdrunner/actions-runner.tar.gz";
inline constexpr const char* kRunnerLog = "/var/lib/lxdrunner/runner.log";
// Where phase prepare's armed supervisor waits for the JIT config (armsStartFifo).
inline constexpr const char* kStartFifo = "/var/lib/lxdrunner/start.fifo";
// The secret lands on /run (a tmpfs in most images, so never on the instance's disk), mode
// 0600 and owned by the runner user; the script moves it into a 0700 directory of that
// user next to it, and the runner's helper removes it once read.
inline constexpr const char* kCredential = "/run/lxdrunner-credential";
// The name of the read-only runner disk the disk-mount provisioner attaches.
inline constexpr const char* kRunnerDevice = "lxdrunner-runner";

}  // namespace lxdrunner::provisioners::guest
