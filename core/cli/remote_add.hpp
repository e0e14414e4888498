// SPDX-License-Identifier: Apache-2.0
// `lxdrunner remote add NAME URL --token TOKEN`: the trust exchange `lxc remote add` does,
// for hosts without lxc. The client certificate, the server's certificate and the remote's
// entry go into lxc's configuration directory, where the daemon looks for them by name.
#pragma once

#include <ostream>
#include <string>

namespace lxdrunner::cli {

struct RemoteAddRequest {
  std::string name;
  std::string url;    // https://host:8443
  std::string token;  // from `lxc config trust add` on the server
  std::string lxc_config_dir;
};

// Returns the exit code; says what it did on `out`, or what went wrong in one line on `err`.
int runRemoteAdd(const RemoteAddRequest& request, std::ostream& out, std::ostream& err);

}  // namespace lxdrunner::cli
