// SPDX-License-Identifier: Apache-2.0
#include "cli/plugin_check/plugin_check.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdlib>
#include <map>
#include <sstream>
#include <vector>

#include "cli/plugin_check/elf_exports.hpp"
#include "cli/plugin_check/smoke_run.hpp"
#include "config/plugin_settings_file.hpp"
#include "plugin_host/plugin_library.hpp"
#include "plugin_host/settings_schema.hpp"

namespace lxdrunner::cli::plugin_check {
namespace {

constexpr const char* kEntrySymbol = LXDR_PLUGIN_ENTRY_SYMBOL;

class Report {
 public:
  Report(std::ostream& out, std::string file) : out_(out), file_(std::move(file)) {}

  void line(Outcome o, const std::string& plugin, const std::string& check,
            const std::string& detail) {
    const char* tag = o == Outcome::ok ? "ok  " : o == Outcome::fail ? "FAIL" : "skip";
    out_ << tag << ' ' << file_ << ": " << (plugin.empty() ? "" : plugin + ": ") << check << ": "
         << detail << '\n';
    ++counts_[o];
  }
  bool failed() const { return count(Outcome::fail) > 0; }
  void summary() {
    out_ << "# " << file_ << ": " << count(Outcome::ok) << " ok, " << count(Outcome::fail)
         << " failed, " << count(Outcome::skip) << " skipped\n";
    out_.flush();
  }

 private:
  int count(Outcome o) const {
    auto it = counts_.find(o);
    return it == counts_.end() ? 0 : it->second;
  }

  std::ostream& out_;
  std::string file_;
  std::map<Outcome, int> counts_;
};

std::string firstFew(const std::vector<std::string>& names, size_t n) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < n; ++i) out += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > n) out += ", ...";
  return out;
}

void checkSymbols(const std::string& file, Report& report) {
  const ElfExports exports = readElfExports(file);
  if (!exports.error.empty()) {
    // The loader's line says what is wrong with such a file; one failure is enough.
    report.line(Outcome::skip, "", "symbols", "cannot read its symbol table: " + exports.error);
    return;
  }
  std::vector<std::string> extra;
  for (const auto& name : exports.exported) {
    if (name != kEntrySymbol) extra.push_back(name);
  }
  if (!exports.unique.empty()) {
    report.line(Outcome::fail, "", "symbols",
                std::to_string(exports.unique.size()) +
                    " STB_GNU_UNIQUE symbol(s), which the dynamic linker merges across "
                    "libraries even under RTLD_LOCAL (" +
                    firstFew(exports.unique, 2) +
                    "): build it with lxdrunner_add_plugin(), which exports only " + kEntrySymbol);
  } else if (!extra.empty()) {
    report.line(Outcome::fail, "", "symbols",
                "exports " + std::to_string(extra.size()) + " symbol(s) besides " + kEntrySymbol +
                    " (" + firstFew(extra, 2) +
                    "): build it with lxdrunner_add_plugin(), which exports only " + kEntrySymbol);
  } else {
    report.line(Outcome::ok, "", "symbols", std::string("exports ") + kEntrySymbol + " only");
  }
}

// The loader's lines are "plugin PATH: why"; the report names the file already.
std::string loaderReason(const std::string& line, const std::string& file) {
  const std::string prefix = "plugin " + file + ": ";
  return line.compare(0, prefix.size(), prefix) == 0 ? line.substr(prefix.size()) : line;
}

// The settings a plugin of `kind` gets from the daemon: its own plus the keys the daemon
// adds unless the plugin's settings set them (Daemon::pluginConfig; docs/plugin-authoring.md
// section 3). The values here are stand-ins of the right type.
std::string asTheDaemonPasses(lxdr_plugin_kind kind, const std::string& settings_json,
                              std::vector<std::string>& added) {
  Poco::JSON::Object::Ptr settings =
      Poco::JSON::Parser().parse(settings_json).extract<Poco::JSON::Object::Ptr>();
  auto add = [&](const std::string& key, const Poco::Dynamic::Var& value) {
    if (settings->has(key)) return;
    settings->set(key, value);
    added.push_back(key);
  };
  if (kind == LXDR_KIND_PROVISIONER) add("github_url", std::string("https://github.com"));
  if (kind == LXDR_KIND_EVENT_SOURCE) add("hooksecret", std::string("plugin-check-hooksecret"));
  if (kind == LXDR_KIND_BACKEND) {
    add("manager", std::string("lxdrunner"));
    Poco::JSON::Object::Ptr main = new Poco::JSON::Object();
    main->set("addr", std::string("unix://"));
    main->set("protocol", std::string("lxd"));
    Poco::JSON::Object::Ptr remotes = new Poco::JSON::Object();
    remotes->set("main", main);
    add("remotes", remotes);
  }
  std::ostringstream out;
  settings->stringify(out);
  return out.str();
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// True when every problem is a missing required key: settings the author must supply.
bool onlyMissingKeys(const std::vector<std::string>& problems) {
  for (const auto& p : problems) {
    if (p.find(": needs the key ") == std::string::npos) return false;
  }
  return !problems.empty();
}

}  // namespace

int runPluginCheck(const PluginCheckArgs& args, std::ostream& out) {
  Report report(out, args.file);
  checkSymbols(args.file, report);

  const plugin_host::LibraryLoad load = plugin_host::loadLibrary(args.file);
  for (const auto& error : load.errors) {
    report.line(Outcome::fail, "", "load", loaderReason(error, args.file));
  }
  if (load.plugins.empty()) {
    if (load.errors.empty()) report.line(Outcome::fail, "", "load", "it holds no plugin");
    report.summary();
    return 1;
  }
  std::vector<std::string> names;
  for (const auto& p : load.plugins) {
    names.push_back(p.name + " (" + plugin_host::kindName(p.kind) + " " + p.version + ", ABI " +
                    std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor) + ")");
  }
  report.line(Outcome::ok, "", "load", "the daemon's loader accepts " + joined(names, ", "));

  std::map<std::string, std::string> given;
  if (!args.settings_file.empty()) {
    const config::PluginSettingsFile file = config::loadPluginSettingsFile(args.settings_file);
    for (const auto& d : file.diagnostics) {
      report.line(d.warning ? Outcome::skip : Outcome::fail, "", "settings file", d.str());
    }
    if (!file.ok()) {
      report.summary();
      return 1;
    }
    // A whole config.yml may be given: settings of plugins in other libraries are ignored.
    given = file.settings;
  }

  bool hung = false;
  for (const auto& plugin : load.plugins) {
    const auto it = given.find(plugin.name);
    const bool has_settings = it != given.end();
    std::vector<std::string> added;
    const std::string settings =
        asTheDaemonPasses(plugin.kind, has_settings ? it->second : "{}", added);
    const std::string with =
        has_settings ? "its settings from " + args.settings_file : std::string("no settings");
    const std::string plus = added.empty() ? "" : " plus the daemon's " + joined(added, ", ");

    bool runnable = true;
    if (plugin.config_schema.empty()) {
      report.line(Outcome::skip, plugin.name, "settings",
                  "publishes no config_schema: settings are not validated");
    } else {
      const auto problems = plugin_host::validateSettings(plugin.config_schema, settings);
      if (!problems.empty() && problems.front().rfind("config_schema:", 0) == 0) {
        report.line(Outcome::fail, plugin.name, "config_schema", problems.front());
        runnable = false;
      } else if (!has_settings && onlyMissingKeys(problems)) {
        report.line(Outcome::skip, plugin.name, "settings",
                    "config_schema requires settings (" + joined(problems, "; ") +
                        "): pass --settings FILE to validate them and run the plugin");
        runnable = false;
      } else if (!problems.empty()) {
        report.line(Outcome::fail, plugin.name, "settings",
                    with + plus + " do not fit its config_schema: " + joined(problems, "; "));
        runnable = false;
      } else {
        report.line(Outcome::ok, plugin.name, "settings", with + plus + " fit its config_schema");
      }
    }
    if (!runnable) continue;
    const lxdr_plugin_descriptor* original = &plugin.descriptor;
    for (const auto& line : smokeRun(original, settings, args.call_timeout_s, hung)) {
      report.line(line.outcome, plugin.name, line.check, line.detail);
    }
    if (hung) break;
  }
  report.summary();
  if (hung) std::_Exit(1);  // a plugin thread is still inside a call
  return report.failed() ? 1 : 0;
}

}  // namespace lxdrunner::cli::plugin_check
