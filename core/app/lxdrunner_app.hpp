// SPDX-License-Identifier: Apache-2.0
// The lxdrunner command: `lxdrunner [run]` (the daemon), `check-config`, `plugins`.
#pragma once

#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace lxdrunner::app {

class PluginHostSubsystem;

class LxdrunnerApp : public Poco::Util::ServerApplication {
 public:
  LxdrunnerApp();

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  void initialize(Poco::Util::Application& self) override;
  void uninitialize() override;
  int main(const std::vector<std::string>& args) override;

 private:
  void printHelp() const;
  void printDiagnostics() const;
  // Finds and loads the configuration file, then sets up logging from it.
  void loadConfiguration();
  // Loads the plugins of plugin_dirs, $LXDRUNNER_PLUGIN_PATH and the installed directory.
  void scanPlugins();
  // Log settings from the configuration (when loaded) and --log-level.
  void setupLogging();
  // status, jobs, job, instances, drain, resume: they read only what reaching the API takes.
  int addRemote(const std::vector<std::string>& args);
  int runOperatorClient(const std::vector<std::string>& args);
  int checkConfig();
  bool checkProvisionerChains(const config::Config& c);
  int pluginCheck(const std::vector<std::string>& args);
  int listPlugins(bool json);
  int runDaemon();

  bool help_ = false;
  bool version_ = false;
  bool json_ = false;
  bool initialized_ = false;
  std::optional<std::string> config_option_;
  std::optional<std::string> log_level_option_;
  std::optional<std::string> config_path_;         // the file found, if any
  std::vector<std::string> config_tried_;          // every path looked at
  std::optional<config::LoadResult> config_load_;  // set when a file was found
  PluginHostSubsystem* plugins_ = nullptr;         // owned by Poco's subsystem list
};

}  // namespace lxdrunner::app
