// SPDX-License-Identifier: Apache-2.0
// The plugin library: lxd-container and lxd-vm, one class each, sharing LxdBackend.
#include "lxd_backend.hpp"

namespace lxdrunner::backends {

class LxdContainerBackend : public LxdBackend {
 public:
  static constexpr const char* kName = "lxd-container";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "LXD system containers (native REST client)";

  LxdContainerBackend(sdk::Host host, std::string config_json)
      : LxdBackend(std::move(host), std::move(config_json), InstanceKind::Container) {}
};

class LxdVmBackend : public LxdBackend {
 public:
  static constexpr const char* kName = "lxd-vm";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription =
      "LXD virtual machines (native REST client; ready once the LXD agent answers)";

  LxdVmBackend(sdk::Host host, std::string config_json)
      : LxdBackend(std::move(host), std::move(config_json), InstanceKind::VirtualMachine) {}
};

}  // namespace lxdrunner::backends

LXDRUNNER_PLUGINS(lxdrunner::backends::LxdContainerBackend, lxdrunner::backends::LxdVmBackend);
