// SPDX-License-Identifier: Apache-2.0
// Built twice, as test_same_class_a and test_same_class_b (PLUGIN_NAME differs), with default
// visibility: two teams' plugins whose classes happen to share a name. Each must report its
// own descriptor, which needs the SDK's per-plugin statics to have internal linkage.
#include "lxdrunner/sdk.hpp"

namespace example {

class Prov : public lxdrunner::sdk::Provisioner {
 public:
  static constexpr const char* kName = PLUGIN_NAME;
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "one of two plugins with a class example::Prov";
  using Provisioner::Provisioner;

  void provision(const lxdrunner::sdk::ProvisionRequest&, std::string& log) override {
    log += std::string("provisioned by ") + kName;
  }
};

}  // namespace example

LXDRUNNER_PLUGINS(example::Prov);
