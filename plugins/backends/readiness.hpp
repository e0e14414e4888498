// SPDX-License-Identifier: Apache-2.0
// "Ready" means a provisioner's first exec will work: for a container, an exec of `true`
// succeeds; for a VM, the LXD agent inside answers (exec goes through it).
#pragma once

#include <chrono>
#include <string>

#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/sdk/host.hpp"

namespace lxdrunner::backends {

enum class InstanceKind { Container, VirtualMachine };

// Polls until ready, the deadline, or the daemon's shutdown; throws sdk::Error(TIMEOUT) with
// what was last seen, or CANCELLED. Returns the state that said it runs (its init pid too).
lxd::InstanceState waitUntilReady(lxd::LxdClient& client, const std::string& name,
                                  InstanceKind kind, lxd::Deadline deadline, const sdk::Host& host);

}  // namespace lxdrunner::backends
