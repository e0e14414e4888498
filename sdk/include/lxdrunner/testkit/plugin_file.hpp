// SPDX-License-Identifier: Apache-2.0
// A plugin library loaded by path, as the daemon loads it: dlopen(RTLD_NOW | RTLD_LOCAL),
// the exported entry symbol, and the daemon's own checks of the plugin list and every
// descriptor (lxdrunner/sdk/plugin_checks.hpp, the code the daemon's loader runs). A test
// that creates its plugin from here tests the .so the daemon will load, not a class
// compiled into the test:
//
//   auto file = lxdrunner::testkit::PluginFile::load("build/my_plugin.so");
//   REQUIRE(file.errors().empty());
//   lxdrunner::sdk::FakeHost host;
//   auto plugin = host.create(file.descriptor("my-provisioner"), R"({"message":"hi"})");
//
// Libraries stay loaded until the process exits, as in the daemon: a plugin's threads or
// thread-local destructors may still run its code.
#pragma once

#include <dlfcn.h>

#include <cstring>
#include <string>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/plugin_checks.hpp"

namespace lxdrunner::testkit {

class PluginFile {
 public:
  // Never throws: what is wrong is in errors(), one line each, naming the file.
  static PluginFile load(const std::string& path) {
    PluginFile file;
    file.path_ = path;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (handle == nullptr) {
      const char* detail = ::dlerror();
      file.errors_.push_back(file.line("cannot be loaded: " +
                                       std::string(detail != nullptr ? detail : "dlopen failed")));
      return file;
    }
    void* symbol = ::dlsym(handle, LXDR_PLUGIN_ENTRY_SYMBOL);
    if (symbol == nullptr) {
      file.errors_.push_back(
          file.line("not an lxdrunner plugin (no " LXDR_PLUGIN_ENTRY_SYMBOL
                    " symbol): build it with lxdrunner_add_plugin() and LXDRUNNER_PLUGINS()"));
      return file;
    }
    lxdr_plugin_entry_fn entry = nullptr;
    static_assert(sizeof(entry) == sizeof(symbol), "function and object pointers differ");
    std::memcpy(&entry, &symbol, sizeof(entry));  // POSIX: dlsym's result may name a function
    sdk::PluginListCheck checked = sdk::checkPluginList(entry);
    for (const auto& why : checked.errors) file.errors_.push_back(file.line(why));
    file.plugins_ = std::move(checked.plugins);
    file.descriptors_ = std::move(checked.originals);
    return file;
  }

  const std::string& path() const noexcept { return path_; }
  // "plugin PATH: why", as the daemon logs a refused plugin.
  const std::vector<std::string>& errors() const noexcept { return errors_; }
  const std::vector<sdk::CheckedPlugin>& plugins() const noexcept { return plugins_; }

  // The plugin's descriptor as the library handed it out, for FakeHost::create(); NULL when
  // the library has no usable plugin of that name.
  const lxdr_plugin_descriptor* descriptor(const std::string& name) const noexcept {
    for (size_t i = 0; i < plugins_.size(); ++i) {
      if (plugins_[i].name == name) return descriptors_[i];
    }
    return nullptr;
  }
  const sdk::CheckedPlugin* plugin(const std::string& name) const noexcept {
    for (const auto& p : plugins_) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

 private:
  std::string line(const std::string& why) const { return "plugin " + path_ + ": " + why; }

  std::string path_;
  std::vector<std::string> errors_;
  std::vector<sdk::CheckedPlugin> plugins_;
  std::vector<const lxdr_plugin_descriptor*> descriptors_;
};

}  // namespace lxdrunner::testkit
