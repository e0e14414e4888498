// SPDX-License-Identifier: Apache-2.0
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

std::string joinPath(std::string directory, std::string_view name) {
  if (directory.empty() || directory.back() != '/') {
    directory += '/';
  }
  return directory + std::string(name);
}

std::optional<std::string> readNonEmptyPath(const Field& field, DiagnosticSink& sink) {
  auto path = readString(field, sink);
  if (path && path->empty()) {
    sink.error(positionOf(field), field.path, "must not be empty");
    return std::nullopt;
  }
  return path;
}

}  // namespace

void parsePaths(const MappingView& top, const LegacyValues& legacy, Config& config,
                DiagnosticSink& sink) {
  if (const Field* const field = top.find("state_dir")) {
    config.state_dir = readNonEmptyPath(*field, sink).value_or(config.state_dir);
  }
  std::optional<std::string> cache_dir;
  if (const Field* const field = top.find("runner_cache_dir")) {
    cache_dir = readNonEmptyPath(*field, sink);
  }
  if (!cache_dir) {
    cache_dir = legacy.pkgdir;
  }
  config.runner_cache_dir = cache_dir && !cache_dir->empty()
                                ? *cache_dir
                                : joinPath(config.state_dir, defaults::kRunnerCacheSubdir);
  if (const Field* const field = top.find("plugin_dirs")) {
    config.plugin_dirs = readStringList(*field, sink).value_or(config.plugin_dirs);
  }
}

}  // namespace lxdrunner::config::detail
