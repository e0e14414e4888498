// SPDX-License-Identifier: Apache-2.0
#include "config/detail/key_path.hpp"
#include "config/detail/runner_entry.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

void parseRunnermap(const MappingView& top, const LegacyValues& legacy, Config& config,
                    DiagnosticSink& sink) {
  const Field* const field = top.find("runnermap");
  if (field == nullptr) {
    sink.error(positionOf(top.self()), "runnermap",
               "required key is missing: list the runners to start (see runnermap in the "
               "documentation)");
    return;
  }
  if (!field->value.IsSequence() || field->value.size() == 0) {
    const std::string got = isSet(field) ? " (got " + describeValue(field->value) + ")" : "";
    sink.error(positionOf(*field), field->path,
               "must be a list with at least one runner entry" + got);
    return;
  }
  std::vector<ParsedEntry> entries;
  std::size_t index = 0;
  for (const auto& item : field->value) {
    const Field item_field{YAML::Node(), item, {}, indexPath(field->path, index++)};
    entries.push_back(parseRunnerEntry(item_field, legacy, sink));
    ParsedEntry& parsed = entries.back();
    if (!parsed.runner_scope) parsed.entry.runner_scope = config.runner_scope;
    if (parsed.runner_group && parsed.entry.runner_scope == RunnerScope::Repo) {
      sink.error(positionOf(*parsed.runner_group), parsed.runner_group->path,
                 "runner group '" + parsed.entry.runner_group +
                     "' needs organisation runners, but runner_scope is repo (a repository has "
                     "only the default group): set runner_scope to org or auto, or remove "
                     "runner_group");
    }
    config.runnermap.push_back(parsed.entry);
  }
  checkRunnermap(entries, config, sink);
}

}  // namespace lxdrunner::config::detail
