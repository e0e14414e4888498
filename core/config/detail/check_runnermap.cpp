// SPDX-License-Identifier: Apache-2.0
#include <set>
#include <string>

#include "config/detail/runner_entry.hpp"
#include "config/detail/text.hpp"

namespace lxdrunner::config::detail {

namespace {

std::set<std::string> labelSet(const RunnerEntry& entry) {
  std::set<std::string> labels;
  for (const auto& label : entry.labels) {
    labels.insert(toLower(label));
  }
  return labels;
}

std::string lineOf(const Field& field) {
  return std::to_string(positionOf(field).line + 1);
}

// "runnermap[0] ('Ubuntu')", how messages name another entry.
std::string describeEntry(const ParsedEntry& parsed) {
  return parsed.field.path + " ('" + parsed.entry.name + "', line " + lineOf(parsed.field) + ")";
}

void checkUniqueNames(const std::vector<ParsedEntry>& entries, DiagnosticSink& sink) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].name) {
      continue;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (entries[j].name && entries[j].entry.name == entries[i].entry.name) {
        sink.error(positionOf(*entries[i].name), entries[i].name->path,
                   "duplicate name '" + entries[i].entry.name + "': " + describeEntry(entries[j]) +
                       " has it too");
        break;
      }
    }
  }
}

// With equal label sets, the second entry could never be chosen for a job (or the choice would
// be arbitrary), which is always a configuration mistake.
void checkDistinctLabelSets(const std::vector<ParsedEntry>& entries, DiagnosticSink& sink) {
  std::vector<std::set<std::string>> sets;
  sets.reserve(entries.size());
  for (const auto& parsed : entries) {
    sets.push_back(labelSet(parsed.entry));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].labels) {
      continue;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (entries[j].labels && sets[j] == sets[i]) {
        sink.error(positionOf(*entries[i].labels), entries[i].labels->path,
                   "same labels as " + describeEntry(entries[j]) + ": jobs cannot tell entry '" +
                       entries[i].entry.name + "' and entry '" + entries[j].entry.name +
                       "' apart; give one of them another label");
        break;
      }
    }
  }
}

std::string configuredRemotes(const Config& config) {
  std::string names;
  for (const auto& remote : config.remotes) {
    names += (names.empty() ? "" : ", ") + remote.name;
  }
  return names;
}

void checkRemotesExist(const ParsedEntry& parsed, const Config& config, DiagnosticSink& sink) {
  if (parsed.image && !parsed.entry.image_remote.empty() &&
      config.findRemote(parsed.entry.image_remote) == nullptr) {
    sink.error(positionOf(*parsed.image), parsed.image->path,
               "image remote '" + parsed.entry.image_remote +
                   "' is not configured under remotes (configured: " + configuredRemotes(config) +
                   ")");
  }
  if (!parsed.launch_remotes) {
    return;
  }
  for (const auto& name : parsed.entry.remotes) {
    const Remote* const remote = config.findRemote(name);
    if (remote == nullptr) {
      sink.error(positionOf(*parsed.launch_remotes), parsed.launch_remotes->path,
                 "remote '" + name + "' is not configured under remotes (configured: " +
                     configuredRemotes(config) + ")");
    } else if (remote->is_public) {
      sink.error(
          positionOf(*parsed.launch_remotes), parsed.launch_remotes->path,
          "remote '" + name + "' is a " +
              (remote->protocol == Remote::Protocol::SimpleStreams ? "simplestreams" : "public") +
              " image server; instances can only be launched on lxd remotes");
    }
  }
}

}  // namespace

void checkRunnermap(const std::vector<ParsedEntry>& entries, const Config& config,
                    DiagnosticSink& sink) {
  checkUniqueNames(entries, sink);
  checkDistinctLabelSets(entries, sink);
  for (const auto& parsed : entries) {
    checkRemotesExist(parsed, config, sink);
    checkEntryDevicePools(parsed, config, sink);
  }
}

}  // namespace lxdrunner::config::detail
