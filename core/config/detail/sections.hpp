// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/mapping_view.hpp"
#include "config/model.hpp"

// The parser, one function per group of top-level keys (each in its own parse_*.cpp). Every
// function reports into the sink and keeps going, leaving defaults where a value was unusable.
namespace lxdrunner::config::detail {

// Values of the original lxdrunner's keys that still feed a setting of the current format.
struct LegacyValues {
  std::optional<std::string> socket;       // -> remotes.main.addr
  std::optional<std::string> pkgdir;       // -> runner_cache_dir
  std::optional<std::string> setupscript;  // -> runnermap[].setup_script
};

// The whole document; `root` is the parsed YAML.
Config parseConfig(const YAML::Node& root, DiagnosticSink& sink);

LegacyValues readLegacyKeys(const MappingView& top, DiagnosticSink& sink);
// pat, github_app, hooksecret, github_api_url.
void parseGithub(const MappingView& top, Config& config, DiagnosticSink& sink);
// prefix, max_workers, cleanup.
void parseRunnerLimits(const MappingView& top, Config& config, DiagnosticSink& sink);
// web_host, web_port, web_tls, web_tls_cert, web_tls_key.
void parseWebServer(const MappingView& top, Config& config, DiagnosticSink& sink);
// state_dir, runner_cache_dir, plugin_dirs.
void parsePaths(const MappingView& top, const LegacyValues& legacy, Config& config,
                DiagnosticSink& sink);
// dispatcher: launch limits, retries, reconciler timings.
void parseDispatcher(const MappingView& top, Config& config, DiagnosticSink& sink);
// operator_api: enabled, token, host, port.
void parseOperatorApi(const MappingView& top, Config& config, DiagnosticSink& sink);
void parseLogging(const MappingView& top, Config& config, DiagnosticSink& sink);
// event_sources, plugins.
void parsePluginSettings(const MappingView& top, Config& config, DiagnosticSink& sink);
void parseRemotes(const MappingView& top, const LegacyValues& legacy, Config& config,
                  DiagnosticSink& sink);
// device_pools; needs the remotes parsed first.
void parseDevicePools(const MappingView& top, Config& config, DiagnosticSink& sink);
// runnermap; needs the remotes and device pools parsed first.
void parseRunnermap(const MappingView& top, const LegacyValues& legacy, Config& config,
                    DiagnosticSink& sink);
// HTTPS remotes written without certificate keys take them from lxc's configuration
// directory (config.lxc_config_dir); needs the runnermap parsed first.
void resolveRemoteTls(const MappingView& top, Config& config, DiagnosticSink& sink);
// Rules that span sections: authentication, hooksecret for the webhook, TLS files.
void checkCrossSettings(const MappingView& top, const Config& config, DiagnosticSink& sink);

}  // namespace lxdrunner::config::detail
