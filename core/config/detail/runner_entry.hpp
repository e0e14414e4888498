// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <vector>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"
#include "config/detail/sections.hpp"
#include "config/model.hpp"

namespace lxdrunner::config::detail {

// A runnermap entry plus where its cross-checked parts were written. A part's Field is set only
// when its value was usable, so the checks across entries never pile errors onto a value that
// already has one.
struct ParsedEntry {
  RunnerEntry entry;
  Field field;
  std::optional<Field> name;
  std::optional<Field> labels;
  std::optional<Field> image;
  std::optional<Field> launch_remotes;  // `remote` or `remotes`
  std::optional<Field> runner_scope;    // written for this entry (else the top-level default)
  std::optional<Field> runner_group;
  std::optional<Field> device_pools;
  std::optional<Field> warm_pool;  // set when the pool is on (size > 0)
};

ParsedEntry parseRunnerEntry(const Field& item, const LegacyValues& legacy, DiagnosticSink& sink);

// `device_pools: {DEVICE: POOL}` of one entry (parse_device_pools.cpp).
void readEntryDevicePools(const Field& field, ParsedEntry& parsed, DiagnosticSink& sink);
// Every pool an entry names exists, fits the entry's own device of that name, and has a
// device on a remote the entry launches on; a warm pool on the entry is warned about when
// a pool's devices cannot be hot-plugged (the entry is then served cold).
void checkEntryDevicePools(const ParsedEntry& parsed, const Config& config, DiagnosticSink& sink);

// Rules between entries and against the remotes: unique names, distinguishable label sets, and
// every remote named by an image or a remote list configured (and launchable).
void checkRunnermap(const std::vector<ParsedEntry>& entries, const Config& config,
                    DiagnosticSink& sink);

}  // namespace lxdrunner::config::detail
