// SPDX-License-Identifier: Apache-2.0
// GET /1.0/resources on a configured LXD remote, with the LXD client the backends use: what
// the daemon's prober and the doctor ask another host about its devices
// (config/device_resources.hpp reads the answer).
#pragma once

#include <chrono>
#include <string>

#include "config/model.hpp"

namespace lxdrunner::device_probe {

// The metadata of LXD's answer, as JSON text. Throws std::runtime_error, one line naming the
// remote and what went wrong, when the remote cannot be reached or refuses us in `timeout`.
std::string fetchLxdResources(const config::Remote& remote, std::chrono::milliseconds timeout);

}  // namespace lxdrunner::device_probe
