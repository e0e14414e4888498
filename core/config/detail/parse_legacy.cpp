// SPDX-License-Identifier: Apache-2.0
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

constexpr const char* kLegacy = "is a key of the original lxdrunner";

bool remotesHaveMain(const MappingView& top) {
  const Field* const remotes = top.find("remotes");
  return isSet(remotes) && remotes->value.IsMap() &&
         remotes->value[std::string(defaults::kMainRemote)].IsDefined();
}

}  // namespace

// The original lxdrunner's keys keep old configuration files loading. Three of them still mean
// something and are carried over to their successors; the rest are ignored. Each gets a warning
// that says which, so the file can be brought up to date.
LegacyValues readLegacyKeys(const MappingView& top, DiagnosticSink& sink) {
  LegacyValues legacy;
  for (const auto key : schema::legacyKeys()) {
    const Field* const field = top.find(key);
    if (field == nullptr) {
      continue;
    }
    const std::string intro = kLegacy;
    const auto warn = [&](const std::string& message) {
      sink.warning(field->key.Mark(), field->path, message);
    };
    if (key == "socket") {
      if (remotesHaveMain(top)) {
        warn(intro + " and has no effect because remotes.main is set: remove it");
        continue;
      }
      legacy.socket = readString(*field, sink);
      warn(intro + ": used as the address of the 'main' remote; move it to remotes.main.addr");
    } else if (key == "pkgdir") {
      if (top.has("runner_cache_dir")) {
        warn(intro + " and has no effect because runner_cache_dir is set: remove it");
        continue;
      }
      legacy.pkgdir = readString(*field, sink);
      warn(intro + ": used as runner_cache_dir; rename it to runner_cache_dir");
    } else if (key == "setupscript") {
      legacy.setupscript = readString(*field, sink);
      // The script is very likely written for the original's contract: say how to keep it.
      warn(intro +
           ": used as the setup_script of runnermap entries that set none; set setup_script "
           "on those entries instead, with provisioner_options.setup_contract: original for "
           "a script written for the original lxdrunner");
    } else {
      warn(intro + " and has no effect: remove it");
    }
  }
  return legacy;
}

}  // namespace lxdrunner::config::detail
