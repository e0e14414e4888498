// SPDX-License-Identifier: Apache-2.0
// A provisioner step (ABI 1.1) for the tests of provisioner chains (`provisioners: [...]`).
#include <string>

#include "lxdrunner/sdk.hpp"

namespace {

using namespace lxdrunner::sdk;

// A step (ABI 1.1): writes its own provisioner_options' text and the job's repository into
// the instance; fails when its options say so.
class TestStep : public Provisioner {
 public:
  static constexpr const char* kName = "test-step";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "a step before the provisioner of the runner";
  static constexpr bool kIsStep = true;
  using Provisioner::Provisioner;

  void provision(const ProvisionRequest& r, std::string& log) override {
    const Settings options = r.entry().section("provisioner_options");
    if (options.boolean("fail", false)) throw Error(LXDR_ERR_INTERNAL, "asked to fail");
    const std::string text = options.string("text", "none") + " for " +
                             (r.job ? r.job->repository : std::string("no job"));
    FilePush f = FilePush::fromContent("/etc/step", text);
    host().pushFile(r.instance, f);
    log += "test-step wrote " + text;
  }
};

}  // namespace

LXDRUNNER_PLUGINS(TestStep);
