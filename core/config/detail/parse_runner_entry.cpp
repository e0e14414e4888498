// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "config/detail/names.hpp"
#include "config/detail/runner_entry.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/text.hpp"
#include "config/detail/value_readers.hpp"
#include "config/detail/yaml_json.hpp"

namespace lxdrunner::config::detail {

namespace {

constexpr std::array<std::string_view, 6> kRequiredKeys{"name", "labels",    "image",
                                                        "type", "runner_os", "runner_arch"};

std::optional<std::string> readNonEmptyString(const Field& field, DiagnosticSink& sink) {
  auto text = readString(field, sink);
  if (text && text->empty()) {
    sink.error(positionOf(field), field.path, "must not be empty");
    return std::nullopt;
  }
  return text;
}

// GitHub compares labels case-insensitively, so "Linux" and "linux" are the same label.
void readLabels(const Field& field, ParsedEntry& parsed, DiagnosticSink& sink) {
  const auto labels = readStringList(field, sink);
  if (!labels) {
    return;
  }
  if (labels->empty()) {
    sink.error(positionOf(field), field.path, "must list at least one label");
    return;
  }
  std::set<std::string> seen;
  for (const auto& label : *labels) {
    if (seen.insert(toLower(label)).second) {
      parsed.entry.labels.push_back(label);
    } else {
      sink.warning(positionOf(field), field.path, "label '" + label + "' is listed twice");
    }
  }
  // With an element left out, the set is not what was meant: comparing it would mislead.
  if (labels->size() == field.value.size()) {
    parsed.labels = field;
  }
}

// "[remote:]alias", as `lxc launch` takes it.
void readImage(const Field& field, ParsedEntry& parsed, DiagnosticSink& sink) {
  const auto image = readNonEmptyString(field, sink);
  if (!image) {
    return;
  }
  parsed.entry.image = *image;
  const auto colon = image->find(':');
  if (colon == std::string::npos) {
    parsed.entry.image_alias = *image;
  } else if (colon == 0 || colon + 1 == image->size()) {
    sink.error(positionOf(field), field.path,
               "must be ALIAS or REMOTE:ALIAS, such as ubuntu:22.04 or images:debian/12 (got " +
                   describeValue(field.value) + ")");
    return;
  } else {
    parsed.entry.image_remote = image->substr(0, colon);
    parsed.entry.image_alias = image->substr(colon + 1);
  }
  parsed.image = field;
}

void readPluginName(const Field* field, std::string& target, DiagnosticSink& sink) {
  if (field == nullptr) {
    return;
  }
  if (const auto name = readNonEmptyString(*field, sink)) {
    if (checkPluginName(*field, *name, sink)) {
      target = *name;
    }
  }
}

void readLaunchRemotes(const MappingView& view, ParsedEntry& parsed, DiagnosticSink& sink) {
  const Field* const single = view.find("remote");
  const Field* const list = view.find("remotes");
  if (isSet(single) && isSet(list)) {
    sink.error(positionOf(*list), list->path, "set either remote or remotes, not both");
    return;
  }
  if (isSet(single)) {
    if (const auto remote = readNonEmptyString(*single, sink)) {
      parsed.entry.remotes = {*remote};
      parsed.launch_remotes = *single;
    }
  } else if (isSet(list)) {
    if (const auto remotes = readStringList(*list, sink)) {
      if (remotes->empty()) {
        sink.error(positionOf(*list), list->path, "must name at least one remote");
        return;
      }
      parsed.entry.remotes = *remotes;
      parsed.launch_remotes = *list;
    }
  }
}

void readDevices(const Field& field, RunnerEntry& entry, DiagnosticSink& sink) {
  if (!expectMapping(field, sink)) {
    return;
  }
  for (const auto& device : mappingEntries(field, sink)) {
    if (!isSet(&device)) {
      sink.error(positionOf(device), device.path,
                 "needs its settings, at least a type (e.g. {type: disk, ...})");
      continue;
    }
    auto settings = readScalarMap(device, sink);
    if (!settings) {
      continue;
    }
    // A device of a pool takes its type from the pool.
    if (settings->count("type") == 0 && entry.device_pools.count(device.name) == 0) {
      sink.error(positionOf(device), device.path,
                 "needs a type, as LXD requires (e.g. disk, nic, gpu, unix-char)");
      continue;
    }
    entry.devices[device.name] = std::move(*settings);
  }
}

void readProvisionerOptions(const Field& field, RunnerEntry& entry, DiagnosticSink& sink) {
  if (expectMapping(field, sink)) {
    entry.provisioner_options_json = jsonText(yamlToJson(field, sink));
  }
}

void readWarmPool(const Field& field, RunnerEntry& entry, DiagnosticSink& sink) {
  if (!expectMapping(field, sink)) {
    return;
  }
  const MappingView view(field, schema::warmPoolKeys(), sink);
  WarmPool& pool = entry.warm_pool;
  if (const Field* const size = view.find("size")) {
    pool.size = readInt(*size, sink, 0).value_or(pool.size);
  }
  if (const Field* const idle = view.find("max_idle_s")) {
    pool.max_idle_s = readInt(*idle, sink, 60).value_or(pool.max_idle_s);
  }
  if (const Field* const freeze = view.find("freeze")) {
    pool.freeze = readBool(*freeze, sink).value_or(pool.freeze);
  }
  // Warm instances hold slots: a pool larger than the entry could never fill.
  if (pool.size > entry.max_workers) {
    sink.error(positionOf(field), field.path + ".size",
               "is " + std::to_string(pool.size) + ", above the entry's max_workers (" +
                   std::to_string(entry.max_workers) +
                   "): warm instances count against max_workers; raise max_workers or lower "
                   "the pool");
  }
}

// `provisioners: [a, b, bash]`: steps a and b, then bash, which starts the runner. Whether
// each is a step is the plugins' to say; the daemon checks it when it loads them.
void readProvisionerChain(const MappingView& view, RunnerEntry& entry, DiagnosticSink& sink) {
  const Field* const single = view.find("provisioner");
  const Field* const list = view.find("provisioners");
  if (!isSet(list)) {
    readPluginName(single, entry.provisioner, sink);
    return;
  }
  if (isSet(single)) {
    sink.error(positionOf(*list), list->path,
               "set either provisioner or provisioners, not both (provisioner: NAME is "
               "provisioners: [NAME])");
    return;
  }
  const auto names = readStringList(*list, sink);
  if (!names) return;
  if (names->empty()) {
    sink.error(positionOf(*list), list->path,
               "must name at least the provisioner that starts the runner (e.g. [bash])");
    return;
  }
  std::vector<std::string> chain;
  for (const auto& name : *names) {
    if (!checkPluginName(*list, name, sink)) return;
    if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
      sink.error(positionOf(*list), list->path, "names '" + name + "' twice");
      return;
    }
    chain.push_back(name);
  }
  entry.provisioner = chain.back();
  chain.pop_back();
  entry.steps = std::move(chain);
}

// `step_options: {STEP: {...}}`: what each step reads as its provisioner_options.
void readStepOptions(const Field& field, RunnerEntry& entry, DiagnosticSink& sink) {
  if (!expectMapping(field, sink)) return;
  for (const auto& step : mappingEntries(field, sink)) {
    if (std::find(entry.steps.begin(), entry.steps.end(), step.name) == entry.steps.end()) {
      sink.error(positionOf(step), step.path,
                 "'" + step.name +
                     "' is not a step of this entry's provisioners (options of the last one, "
                     "which starts the runner, go in provisioner_options)");
      continue;
    }
    if (!expectMapping(step, sink)) continue;
    entry.step_options_json[step.name] = jsonText(yamlToJson(step, sink));
  }
}

std::string backendFor(InstanceType type) {
  return std::string(type == InstanceType::VirtualMachine ? defaults::kVirtualMachineBackend
                                                          : defaults::kContainerBackend);
}

}  // namespace

ParsedEntry parseRunnerEntry(const Field& item, const LegacyValues& legacy, DiagnosticSink& sink) {
  ParsedEntry parsed{{}, item, {}, {}, {}, {}, {}, {}, {}, {}};
  RunnerEntry& entry = parsed.entry;
  if (!item.value.IsMap()) {
    sink.error(positionOf(item), item.path,
               "must be a mapping that describes a runner, with name, labels, image, type, "
               "runner_os and runner_arch (got " +
                   describeValue(item.value) + ")");
    return parsed;
  }
  const MappingView view(item, schema::runnerEntryKeys(), sink);
  for (const auto key : kRequiredKeys) {
    if (view.find(key) == nullptr) {
      sink.error(positionOf(item), item.path + "." + std::string(key), "required key is missing");
    } else if (!view.has(key)) {
      sink.error(positionOf(*view.find(key)), view.find(key)->path, "must not be empty");
    }
  }

  if (const Field* const name = view.find("name")) {
    if (const auto text = readNonEmptyString(*name, sink)) {
      entry.name = *text;
      parsed.name = *name;
    }
  }
  if (const Field* const labels = view.find("labels")) {
    readLabels(*labels, parsed, sink);
  }
  if (const Field* const image = view.find("image")) {
    readImage(*image, parsed, sink);
  }
  std::optional<InstanceType> type;
  if (const Field* const field = view.find("type")) {
    type = readEnum(*field, sink, kInstanceTypeNames);
    entry.type = type.value_or(entry.type);
  }
  if (const Field* const field = view.find("runner_os")) {
    entry.runner_os = readEnum(*field, sink, kRunnerOsNames).value_or(entry.runner_os);
  }
  if (const Field* const field = view.find("runner_arch")) {
    entry.runner_arch = readEnum(*field, sink, kRunnerArchNames).value_or(entry.runner_arch);
  }
  if (const Field* const field = view.find("profiles")) {
    entry.profiles = readStringList(*field, sink).value_or(entry.profiles);
  }
  if (const Field* const field = view.find("setup_script"); isSet(field)) {
    entry.setup_script = readNonEmptyString(*field, sink).value_or("");
  } else {
    entry.setup_script = legacy.setupscript.value_or("");
  }
  if (const Field* const field = view.find("max_workers")) {
    entry.max_workers = readInt(*field, sink, 1).value_or(entry.max_workers);
  }
  readPluginName(view.find("backend"), entry.backend, sink);
  if (entry.backend.empty() && type) {
    entry.backend = backendFor(*type);
  }
  readProvisionerChain(view, entry, sink);
  if (const Field* const field = view.find("step_options"); isSet(field)) {
    readStepOptions(*field, entry, sink);
  }
  if (const Field* const field = view.find("match")) {
    entry.match = readEnum(*field, sink, kLabelMatchNames).value_or(entry.match);
  }
  readLaunchRemotes(view, parsed, sink);
  if (const Field* const field = view.find("target")) {
    entry.target = readString(*field, sink).value_or("");
  }
  if (const Field* const field = view.find("config")) {
    entry.config = readScalarMap(*field, sink).value_or(entry.config);
  }
  if (const Field* const field = view.find("device_pools"); isSet(field)) {
    readEntryDevicePools(*field, parsed, sink);
  }
  if (const Field* const field = view.find("devices")) {
    readDevices(*field, entry, sink);
  }
  if (const Field* const field = view.find("provisioner_options")) {
    readProvisionerOptions(*field, entry, sink);
  }
  if (const Field* const field = view.find("runner_scope"); isSet(field)) {
    if (const auto scope = readEnum(*field, sink, kRunnerScopeNames)) {
      entry.runner_scope = *scope;
      parsed.runner_scope = *field;
    }
  }
  if (const Field* const field = view.find("runner_group")) {
    entry.runner_group = readString(*field, sink).value_or("");
    if (!entry.runner_group.empty()) parsed.runner_group = *field;
  }
  if (const Field* const field = view.find("ephemeral")) {
    entry.ephemeral = readBool(*field, sink).value_or(entry.ephemeral);
  }
  if (const Field* const field = view.find("warm_pool")) {
    readWarmPool(*field, entry, sink);
    if (entry.warm_pool.enabled()) parsed.warm_pool = *field;
  }
  return parsed;
}

}  // namespace lxdrunner::config::detail
