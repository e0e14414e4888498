// SPDX-License-Identifier: Apache-2.0
// A plugin whose constructor throws: create() must fail with the plugin's own message and
// nothing may escape into the host.
#include <stdexcept>

#include "lxdrunner/sdk.hpp"

namespace {

class ThrowingProvisioner : public lxdrunner::sdk::Provisioner {
 public:
  static constexpr const char* kName = "throws-on-create";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "its constructor throws";

  ThrowingProvisioner(lxdrunner::sdk::Host host, std::string config)
      : Provisioner(std::move(host), std::move(config)) {
    throw std::runtime_error("setting 'script' is missing: set plugins.throws-on-create.script");
  }
  void provision(const lxdrunner::sdk::ProvisionRequest&, std::string&) override {}
};

}  // namespace

LXDRUNNER_PLUGINS(ThrowingProvisioner);
