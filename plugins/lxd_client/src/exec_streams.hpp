// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "lxdrunner/lxd/deadline.hpp"
#include "lxdrunner/lxd/exec_sockets.hpp"
#include "lxdrunner/lxd/transport.hpp"

namespace lxdrunner::lxd {

// Sends `data` on `in` and then end-of-file, while reading `out` and `err` into the sinks
// until LXD closes them (both directions at once: a command that writes before it reads
// its input cannot block on us). Throws LxdError(TIMEOUT) past the deadline and
// LxdError(TRANSIENT) when a socket breaks. `what` names the exec in messages.
void pumpExecStreams(ExecSockets& sockets, const std::string& data, const BodySink& out,
                     const BodySink& err, Deadline deadline, const std::string& what);

}  // namespace lxdrunner::lxd
