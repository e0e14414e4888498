// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_command.hpp"

#include <iostream>
#include <sstream>

#include "cli/doctor.hpp"
#include "cli/webhook_install.hpp"

namespace lxdrunner::cli {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 64;

std::vector<std::string> listOption(const Poco::Util::AbstractConfiguration& cli,
                                    const std::string& key) {
  std::vector<std::string> out;
  std::istringstream in(cli.getString(key, ""));
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// The configuration, or nullptr after one line saying what to fix.
const config::Config* validConfig(const CommandContext& context) {
  if (!context.config_path || context.load == nullptr) {
    std::cerr << "lxdrunner: no configuration file found (looked at:";
    for (const auto& p : context.config_tried) std::cerr << ' ' << p;
    std::cerr << "): pass --config FILE\n";
    return nullptr;
  }
  for (const auto& d : context.load->diagnostics) std::cerr << d.str() << '\n';
  if (!context.load->ok() || !context.load->config) {
    std::cerr << "lxdrunner: " << *context.config_path
              << " has errors (listed above): fix them, then check with 'lxdrunner "
                 "check-config'\n";
    return nullptr;
  }
  // A webhook installed with the example's placeholder would carry a secret everyone knows.
  const auto placeholders = config::placeholderSecrets(*context.load->config);
  for (const auto& key : placeholders) {
    std::cerr << *context.config_path << ": " << config::placeholderMessage(key) << '\n';
  }
  if (!placeholders.empty()) return nullptr;
  return &*context.load->config;
}

}  // namespace

int runDoctorCommand(const std::vector<std::string>& args, const CommandContext& context) {
  const bool doctor = args.front() == "doctor";
  if (doctor && args.size() > 1) {
    std::cerr << "lxdrunner: unexpected argument '" << args[1]
              << "': usage: lxdrunner doctor [--config F] [--json] [--repo OWNER/REPO] "
                 "[--org ORG]\n";
    return kExitUsage;
  }
  if (!doctor && (args.size() != 2 || args[1] != "install")) {
    std::cerr << "lxdrunner: usage: lxdrunner webhook install (--repo OWNER/REPO | --org ORG) "
                 "--url URL [--config F]\n";
    return kExitUsage;
  }
  const config::Config* config = validConfig(context);
  if (config == nullptr) return kExitFailure;
  const auto repos = listOption(context.cli, "cli.repo");
  const auto orgs = listOption(context.cli, "cli.org");
  if (doctor) {
    DoctorOptions options;
    options.json = context.json;
    options.repos = repos;
    options.orgs = orgs;
    return runDoctor(*config, context.plugins, options, std::cout);
  }
  if (repos.size() + orgs.size() > 1) {
    std::cerr << "lxdrunner: webhook install takes one --repo or one --org\n";
    return kExitUsage;
  }
  WebhookInstallOptions options;
  options.repo = repos.empty() ? std::string() : repos.front();
  options.org = orgs.empty() ? std::string() : orgs.front();
  options.url = context.cli.getString("cli.url", "");
  return runWebhookInstall(*config, options, std::cout, std::cerr);
}

}  // namespace lxdrunner::cli
