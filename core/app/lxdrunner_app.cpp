// SPDX-License-Identifier: Apache-2.0
#include "app/lxdrunner_app.hpp"

#include <Poco/Logger.h>
#include <Poco/Process.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/plugin_host_subsystem.hpp"
#include "cli/cli_client.hpp"
#include "cli/cli_client_render.hpp"
#include "cli/doctor_command.hpp"
#include "cli/plugin_check/plugin_check.hpp"
#include "cli/ports_file.hpp"
#include "cli/remote_add.hpp"
#include "config/lxc_config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/sd_notify.hpp"
#include "logging/logging.hpp"
#include "lxdrunner/sdk/types.hpp"
#include "plugin_host/provisioner_chain.hpp"

namespace lxdrunner::app {

using cli::isOperatorCommand;
using cli::ListenPorts;
using cli::operatorCommandsHelp;
using cli::portsFilePath;
using cli::printAlignedTable;
using cli::removePortsFile;
using cli::runDoctorCommand;
using cli::runOperatorCommandFromApp;
using cli::writePortsFile;
using daemon::Daemon;
using daemon::notifyReady;
using daemon::notifyStatus;
using daemon::notifyStopping;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 64;

bool isCommand(const std::string& command) {
  return command == "run" || command == "check-config" || command == "plugins" ||
         command == "doctor" || command == "webhook" || command == "plugin-check" ||
         command == "remote" || isOperatorCommand(command);
}

// Loading a plugin runs its code. Only the commands that use plugins load them, so that every
// other command is safe where someone else's config.yml and plugin_dirs would be found (a
// `sudo lxdrunner status` in their directory).
bool loadsPlugins(const std::string& command) {
  return command == "run" || command == "plugins" || command == "doctor";
}

// A provisioner's place in a chain (`provisioners: [steps..., runner]`) and whether it can
// serve warm pools: "step", "runner", with "+warm" when it has prepare() and start().
std::string pluginRole(const plugin_host::PluginInfo& p) {
  if (p.kind != LXDR_KIND_PROVISIONER) return "-";
  const auto ops =
      lxdrunner::sdk::readVersioned(static_cast<const lxdr_provisioner_ops*>(p.descriptor.ops));
  std::string role = plugin_host::isStep(p) ? "step" : "runner";
  if (ops.prepare != nullptr && ops.start != nullptr) role += "+warm";
  return role;
}

}  // namespace

LxdrunnerApp::LxdrunnerApp() {
  setUnixOptions(true);
  plugins_ = new PluginHostSubsystem();
  addSubsystem(plugins_);
}

void LxdrunnerApp::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(Poco::Util::Option("help", "h", "show this help and exit"));
  options.addOption(Poco::Util::Option("version", "V", "print the version and exit"));
  options.addOption(
      Poco::Util::Option("config", "c", "configuration file (default: search order below)")
          .argument("FILE")
          .repeatable(false));
  options.addOption(Poco::Util::Option("json", "", "plugins, doctor: print JSON instead of text"));
  options.addOption(Poco::Util::Option("log-level", "l",
                                       "log level for every component: trace, debug, information, "
                                       "notice, warning, error, critical, fatal, none")
                        .argument("LEVEL")
                        .repeatable(false));
  options.addOption(Poco::Util::Option("state", "", "jobs: only jobs in this state")
                        .argument("STATE")
                        .repeatable(false)
                        .binding("cli.state"));
  // doctor and webhook install; kept in the application's configuration (cli.*).
  options.addOption(Poco::Util::Option("repo", "", "doctor, webhook install: repository OWNER/REPO")
                        .argument("OWNER/REPO")
                        .repeatable(true));
  options.addOption(Poco::Util::Option("org", "", "doctor, webhook install: organisation")
                        .argument("ORG")
                        .repeatable(true));
  options.addOption(Poco::Util::Option("settings", "",
                                       "plugin-check: plugin settings (plugin name -> settings, "
                                       "as under plugins: in config.yml)")
                        .argument("FILE")
                        .repeatable(false)
                        .binding("cli.settings"));
  options.addOption(Poco::Util::Option("token", "", "remote add: the server's trust token")
                        .argument("TOKEN")
                        .repeatable(false)
                        .binding("cli.token"));
  options.addOption(Poco::Util::Option("lxc-config-dir", "",
                                       "remote add: lxc's configuration directory to write "
                                       "(default: lxc_config_dir, else as lxc finds it)")
                        .argument("DIR")
                        .repeatable(false)
                        .binding("cli.lxc_config_dir"));
  options.addOption(Poco::Util::Option("url", "", "webhook install: where GitHub delivers")
                        .argument("URL")
                        .repeatable(false)
                        .binding("cli.url"));
}

void LxdrunnerApp::handleOption(const std::string& name, const std::string& value) {
  ServerApplication::handleOption(name, value);
  if (name == "help") {
    help_ = true;
    stopOptionsProcessing();
  } else if (name == "version") {
    version_ = true;
    stopOptionsProcessing();
  } else if (name == "config") {
    config_option_ = value;
  } else if (name == "json") {
    json_ = true;
  } else if (name == "log-level") {
    log_level_option_ = value;
  } else if (name == "repo" || name == "org") {
    const std::string key = "cli." + name;  // repeatable: a comma-separated list
    const std::string before = config().getString(key, "");
    config().setString(key, before.empty() ? value : before + "," + value);
  }
}

void LxdrunnerApp::initialize(Poco::Util::Application& self) {
  // Nothing is read here: what a command reads (the configuration, plugins) depends on the
  // command, which main() knows. Poco has already daemonised (--daemon), so plugins scanned
  // later lose no thread to fork().
  if (help_ || version_) return;
  ServerApplication::initialize(self);
  initialized_ = true;
}

void LxdrunnerApp::loadConfiguration() {
  config_path_ = config::findConfigFile(config_option_, config_tried_);
  if (config_path_) config_load_ = config::loadFile(*config_path_);
  setupLogging();
}

void LxdrunnerApp::scanPlugins() {
  plugins_->scan(config_load_ && config_load_->config ? config_load_->config->plugin_dirs
                                                      : std::vector<std::string>{});
}

void LxdrunnerApp::uninitialize() {
  if (initialized_) ServerApplication::uninitialize();
}

void LxdrunnerApp::setupLogging() {
  logging::LogSettings settings;
  std::vector<std::string> secrets;
  if (config_load_ && config_load_->config) {
    const auto& c = *config_load_->config;
    settings.level = c.logging.level;
    settings.components = c.logging.components;
    settings.format = c.logging.format == config::LogFormat::Json ? "json" : "text";
    for (const auto& named : c.secrets()) secrets.push_back(named.secret->reveal());
  }
  if (log_level_option_) {
    settings.level = *log_level_option_;
    settings.components.clear();
  }
  try {
    logging::setup(settings, secrets);
  } catch (const std::exception& e) {
    std::cerr << "lxdrunner: " << e.what() << '\n';
    settings.level = "information";
    logging::setup(settings, secrets);
  }
}

void LxdrunnerApp::printHelp() const {
  Poco::Util::HelpFormatter help(options());
  help.setCommand(commandName());
  help.setWidth(100);
  help.setUsage("[OPTIONS] [run | check-config | plugins]");
  help.setHeader(
      "Runs ephemeral self-hosted GitHub Actions runners in LXD containers and VMs.\n\n"
      "Commands:\n"
      "  run            run the daemon in the foreground (default; --daemon to detach)\n"
      "  check-config   validate the configuration and print the effective one, secrets masked\n"
      "  plugins        list the plugins found (name, kind, version, ABI, role, file;\n"
      "                 a provisioner's role: step or runner, +warm with prepare/start)\n"
      "  doctor         check LXD, GitHub credentials, the webhook and the runner cache\n"
      "                 (--json, --repo OWNER/REPO, --org ORG; exit 1 on any FAIL)\n"
      "  webhook install (--repo OWNER/REPO | --org ORG) --url URL\n"
      "                 create or update the workflow_job webhook with the hooksecret\n"
      "  plugin-check FILE.so [--settings FILE]\n"
      "                 run the daemon's checks and a smoke run on a plugin library; needs\n"
      "                 no configuration (exit 1 on any FAIL)\n"
      "  remote add NAME URL --token TOKEN [--lxc-config-dir DIR]\n"
      "                 have the LXD server at URL trust this host, as `lxc remote add` does\n");
  help.setFooter(
      "Operator commands (ask the running daemon through its operator API; --json for "
      "scripts):\n" +
      operatorCommandsHelp() +
      "\n"
      "Configuration search order: --config FILE, $LXDRUNNER_CONFIG, ./config.yml,\n"
      "$XDG_CONFIG_HOME/lxdrunner/config.yml, /etc/lxdrunner/config.yml.\n"
      "Plugin search order: plugin_dirs from the configuration, $LXDRUNNER_PLUGIN_PATH,\n"
      "the installed plugin directory.");
  help.format(std::cout);
}

void LxdrunnerApp::printDiagnostics() const {
  if (!config_load_) return;
  for (const auto& d : config_load_->diagnostics) std::cerr << d.str() << '\n';
}

int LxdrunnerApp::main(const std::vector<std::string>& args) {
  if (help_) {
    printHelp();
    return kExitOk;
  }
  if (version_) {
    std::cout << "lxdrunner " << LXDRUNNER_VERSION << " (plugin ABI " << LXDR_ABI_MAJOR << "."
              << LXDR_ABI_MINOR << ")\n";
    return kExitOk;
  }
  const std::string command = args.empty() ? "run" : args.front();
  if (!isCommand(command)) {
    std::cerr << "lxdrunner: unknown command '" << command
              << "': use run, check-config or plugins (see --help)\n";
    return kExitUsage;
  }
  if (isOperatorCommand(command)) return runOperatorClient(args);
  if (command == "plugin-check") return pluginCheck(args);
  if (command == "remote") return addRemote(args);
  loadConfiguration();
  if (loadsPlugins(command)) scanPlugins();
  if (command == "doctor" || command == "webhook") {
    return runDoctorCommand(args,
                            {config_path_, config_tried_, config_load_ ? &*config_load_ : nullptr,
                             plugins_->host(), config(), json_});
  }
  if (args.size() > 1) {
    std::cerr << "lxdrunner: unexpected argument '" << args[1] << "' (see --help)\n";
    return kExitUsage;
  }
  if (command == "check-config") return checkConfig();
  if (command == "plugins") return listPlugins(json_);
  return runDaemon();
}

int LxdrunnerApp::addRemote(const std::vector<std::string>& args) {
  if (args.size() != 4 || args[1] != "add" || config().getString("cli.token", "").empty()) {
    std::cerr << "lxdrunner: usage: lxdrunner remote add NAME URL --token TOKEN "
                 "[--lxc-config-dir DIR]\n";
    return kExitUsage;
  }
  // Only lxc_config_dir is read from the configuration: the file may name this very remote,
  // and so not validate until it is added.
  config_path_ = config::findConfigFile(config_option_, config_tried_);
  std::string dir = config().getString("cli.lxc_config_dir", "");
  if (dir.empty() && config_path_) dir = config::lxcConfigDirWrittenIn(*config_path_);
  setupLogging();
  return cli::runRemoteAdd(
      {args[2], args[3], config().getString("cli.token"), config::lxcConfigDir(dir)}, std::cout,
      std::cerr);
}

int LxdrunnerApp::runOperatorClient(const std::vector<std::string>& args) {
  // Only operator_api and state_dir are read: not the other secrets, which the operator
  // asking for status may not be able to read.
  config_path_ = config::findConfigFile(config_option_, config_tried_);
  std::optional<config::OperatorClientLoad> load;
  if (config_path_) load = config::loadOperatorClientFile(*config_path_);
  setupLogging();
  return runOperatorCommandFromApp(args, {&config_path_, &config_tried_, load ? &*load : nullptr,
                                          json_, config().getString("cli.state", "")});
}

int LxdrunnerApp::pluginCheck(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    std::cerr << "lxdrunner: plugin-check takes one plugin file: lxdrunner plugin-check FILE.so "
                 "[--settings FILE]\n";
    return kExitUsage;
  }
  // Only the given file is loaded: no configuration, no plugin directories.
  setupLogging();
  return cli::plugin_check::runPluginCheck({args[1], config().getString("cli.settings", "")},
                                           std::cout);
}

int LxdrunnerApp::checkConfig() {
  if (!config_path_) {
    std::cerr << "lxdrunner: no configuration file found (looked at:";
    for (const auto& p : config_tried_) std::cerr << ' ' << p;
    std::cerr << "): pass --config FILE\n";
    return kExitFailure;
  }
  printDiagnostics();
  const auto& load = *config_load_;
  if (!load.ok()) {
    std::cerr << *config_path_ << ": " << load.errorCount() << " error(s), " << load.warningCount()
              << " warning(s)\n";
    return kExitFailure;
  }
  // Placeholders are warnings here, so that the example itself passes; `run` refuses them.
  const auto placeholders = config::placeholderSecrets(*load.config);
  for (const auto& key : placeholders) {
    std::cerr << *config_path_ << ": warning: " << config::placeholderMessage(key)
              << "; 'lxdrunner run' refuses to start until then\n";
  }
  // Plugins are loaded only to check a chain of provisioners, which only their descriptors
  // can tell (loading runs their code; the loader refuses files others could write):
  // `plugins` lists them and `doctor` creates the ones the configuration names.
  if (!checkProvisionerChains(*load.config)) return kExitFailure;
  std::cout << "# " << *config_path_ << ": valid (" << load.warningCount()
            << " configuration warning(s), " << placeholders.size()
            << " placeholder secret(s)); plugins not checked: see 'lxdrunner plugins' and "
               "'lxdrunner doctor'\n"
            << config::renderEffective(*load.config);
  return kExitOk;
}

bool LxdrunnerApp::checkProvisionerChains(const config::Config& c) {
  bool chains = false;
  for (const auto& entry : c.runnermap) chains = chains || !entry.steps.empty();
  if (!chains) return true;
  scanPlugins();
  const auto& registry = plugins_->host().registry();
  bool ok = true;
  for (const auto& entry : c.runnermap) {
    if (entry.steps.empty()) continue;
    std::vector<std::string> chain = entry.steps;
    chain.push_back(entry.provisioner);
    auto problem = plugin_host::chainProblem(
        entry.name, chain, [&](const std::string& name) -> std::optional<bool> {
          const auto* p = registry.find(name, LXDR_KIND_PROVISIONER);
          if (p == nullptr) {
            std::cerr << *config_path_ << ": warning: runnermap entry '" << entry.name
                      << "': provisioner '" << name
                      << "' is not in the plugin directories here, so its place in the chain "
                         "is not checked\n";
            return std::nullopt;
          }
          return plugin_host::isStep(*p);
        });
    if (problem) {
      std::cerr << *config_path_ << ": error: " << *problem << '\n';
      ok = false;
    }
  }
  return ok;
}

int LxdrunnerApp::listPlugins(bool json) {
  if (config_load_ && !config_load_->ok()) {
    printDiagnostics();
    std::cerr << "lxdrunner: the configuration has errors; listing only the default plugin "
                 "directories\n";
  }
  const auto& registry = plugins_->host().registry();
  if (json) {
    std::cout << "[";
    bool first = true;
    for (const auto* p : registry.all()) {
      std::cout << (first ? "" : ",") << "{\"name\":\"" << p->name << "\",\"kind\":\""
                << plugin_host::kindName(p->kind) << "\",\"version\":\"" << p->version
                << "\",\"abi\":\"" << p->abi_major << "." << p->abi_minor << "\",\"file\":\""
                << p->file << "\",\"role\":\"" << pluginRole(*p) << "\"}";
      first = false;
    }
    std::cout << "]\n";
  } else {
    std::vector<std::vector<std::string>> rows{{"NAME", "KIND", "VERSION", "ABI", "ROLE", "FILE"}};
    for (const auto* p : registry.all()) {
      rows.push_back({p->name, plugin_host::kindName(p->kind), p->version,
                      std::to_string(p->abi_major) + "." + std::to_string(p->abi_minor),
                      pluginRole(*p), p->file});
    }
    printAlignedTable(std::cout, rows);
  }
  for (const auto& e : registry.errors()) std::cerr << e << '\n';
  for (const auto& w : registry.warnings()) std::cerr << "warning: " << w << '\n';
  return registry.errors().empty() ? kExitOk : kExitFailure;
}

int LxdrunnerApp::runDaemon() {
  auto& log = Poco::Logger::get("daemon");
  if (!config_path_) {
    std::string tried;
    for (const auto& p : config_tried_) tried += " " + p;
    log.fatal("no configuration file found (looked at:%s): pass --config FILE", tried);
    return kExitFailure;
  }
  printDiagnostics();
  if (!config_load_->ok()) {
    log.fatal("%s has errors (listed above): fix them, then check with 'lxdrunner check-config'",
              *config_path_);
    return kExitFailure;
  }
  const auto& c = *config_load_->config;
  if (const auto placeholders = config::placeholderSecrets(c); !placeholders.empty()) {
    for (const auto& key : placeholders) {
      log.fatal("%s: %s", *config_path_, config::placeholderMessage(key));
    }
    notifyStatus("placeholder secrets in " + *config_path_);
    return kExitFailure;
  }
  for (const auto& e : plugins_->host().registry().errors()) log.warning(e);

  const std::string ports_path = portsFilePath(c.state_dir);
  removePortsFile(ports_path);  // a daemon killed with SIGKILL left it behind
  Daemon daemon(c, plugins_->host());
  auto errors = daemon.start();
  if (!errors.empty()) {
    for (const auto& e : errors) log.fatal(e);
    notifyStatus(errors.front());
    daemon.stop();
    return kExitFailure;
  }
  ListenPorts ports;
  ports.pid = static_cast<long>(Poco::Process::id());
  ports.web_host = c.web_host;
  ports.web_port = daemon.httpPort();
  ports.operator_api_host = daemon.operatorApiPort() != 0 ? c.operator_api.host : "";
  ports.operator_api_port = daemon.operatorApiPort();
  if (auto error = writePortsFile(ports_path, ports)) {
    log.warning("%s: check state_dir; with port 0 nobody can learn the ports this daemon bound",
                *error);
  }
  log.information("lxdrunner %s started with %s (pid %s)", std::string(LXDRUNNER_VERSION),
                  *config_path_, std::to_string(Poco::Process::id()));
  notifyReady();
  waitForTerminationRequest();
  notifyStopping();
  log.information("stopping");
  removePortsFile(ports_path);
  daemon.stop();
  return kExitOk;
}

}  // namespace lxdrunner::app
