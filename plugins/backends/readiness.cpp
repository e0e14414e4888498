// SPDX-License-Identifier: Apache-2.0
#include "readiness.hpp"

#include <thread>

#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::backends {

namespace {

// An exec of `true`: 0 proves the instance runs commands (through the agent on a VM).
bool execAnswers(lxd::LxdClient& client, const std::string& name, lxd::Deadline deadline,
                 std::string& last_problem) {
  lxd::ExecSpec spec;
  spec.command = {"true"};
  try {
    int status = client.exec(name, spec, deadline, nullptr, nullptr);
    if (status == 0) return true;
    last_problem = "`true` exited with " + std::to_string(status);
  } catch (const lxd::LxdError& e) {
    // Not found (the instance vanished) and configuration errors will not heal.
    if (e.status() == LXDR_ERR_NOT_FOUND || e.status() == LXDR_ERR_UNSUPPORTED) throw;
    last_problem = e.lxdMessage().empty() ? e.what() : e.lxdMessage();
  }
  return false;
}

}  // namespace

lxd::InstanceState waitUntilReady(lxd::LxdClient& client, const std::string& name,
                                  InstanceKind kind, lxd::Deadline deadline,
                                  const sdk::Host& host) {
  const bool vm = kind == InstanceKind::VirtualMachine;
  // A container answers at once; a VM boots a kernel first, so it is polled less eagerly.
  std::chrono::milliseconds pause(vm ? 500 : 20);
  const std::chrono::milliseconds max_pause(vm ? 3000 : 500);
  std::string last_problem = "no answer yet";
  for (;;) {
    if (host.shuttingDown()) {
      throw sdk::Error(LXDR_ERR_CANCELLED,
                       "waiting for instance '" + name + "': the daemon is shutting down");
    }
    lxd::InstanceState state = client.instanceState(name, deadline);
    if (state.status_code == 103) {  // Running
      // On a VM, processes stays -1 until the agent reports; no exec before that.
      if (!vm || state.processes >= 0) {
        if (execAnswers(client, name, deadline, last_problem)) return state;
      } else {
        last_problem = "the LXD agent has not connected yet";
      }
    } else {
      last_problem = "instance status is " + state.status;
      if (state.status_code == 102 || state.status_code == 112) {  // Stopped, Error
        throw sdk::Error(LXDR_ERR_TRANSIENT, "instance '" + name + "' on remote '" +
                                                 client.remote().name + "' stopped while " +
                                                 "booting (status " + state.status + ")");
      }
    }
    if (deadline.remaining(pause) < pause) {
      const std::string hint =
          vm ? ": does the image have lxd-agent (ubuntu: or images:…/cloud images do)?"
             : ": does the image boot (check `lxc console --show-log " + name + "`)?";
      throw sdk::Error(LXDR_ERR_TIMEOUT, std::string(vm ? "VM" : "container") + " '" + name +
                                             "' on remote '" + client.remote().name +
                                             "' was not ready in time (" + last_problem + ")" +
                                             hint);
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, max_pause);
  }
}

}  // namespace lxdrunner::backends
