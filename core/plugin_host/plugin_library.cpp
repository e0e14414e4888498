// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_library.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <boost/dll/shared_library.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#include "plugin_host/path_trust.hpp"

namespace lxdrunner::plugin_host {
namespace {

// Every library ever loaded, kept for the life of the process (see loadLibrary()).
std::vector<std::unique_ptr<boost::dll::shared_library>>& keptLibraries() {
  static auto* kept = new std::vector<std::unique_ptr<boost::dll::shared_library>>();
  return *kept;
}
std::mutex& keptMutex() {
  static std::mutex mu;
  return mu;
}

// Which library handed out each descriptor. Two libraries handing out one descriptor means
// the plugin's statics were merged across libraries (an STB_GNU_UNIQUE symbol: a plugin built
// without hidden visibility against an SDK whose statics had external linkage): the second
// library's plugin would run the first one's code.
std::map<const lxdr_plugin_descriptor*, std::string>& descriptorOwners() {
  static auto* owners = new std::map<const lxdr_plugin_descriptor*, std::string>();
  return *owners;
}

// Why the descriptor at `descriptor` cannot be taken from `file`, or nullopt (and records it).
std::optional<std::string> claimDescriptor(const lxdr_plugin_descriptor* descriptor,
                                           const std::string& file, const std::string& name) {
  std::lock_guard<std::mutex> lock(keptMutex());
  auto [it, added] = descriptorOwners().emplace(descriptor, file);
  if (added || it->second == file) return std::nullopt;
  return "'" + name + "' hands out the very descriptor " + it->second +
         " already did: both libraries share the plugin's statics (built without hidden "
         "visibility?); rebuild both with lxdrunner_add_plugin() and this SDK";
}

std::string fileError(const std::string& path, const std::string& reason) {
  return "plugin " + path + ": " + reason;
}

}  // namespace

bool looksLikePlugin(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".so") == 0;
}

LibraryLoad loadLibrary(const std::string& path) {
  LibraryLoad result;
  result.file = path;

  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    result.errors.push_back(fileError(
        path, err == ENOENT ? std::string("file not found: check the path and plugin_dirs")
                            : std::string("cannot read it: ") + std::strerror(err)));
    return result;
  }
  if (!S_ISREG(st.st_mode)) {
    result.errors.push_back(fileError(path, "not a regular file"));
    return result;
  }
  // Loading runs the library's code with lxdrunner's privileges: refuse a file someone else
  // could have written or swapped. The checked, resolved path is the one loaded, so a symlink
  // cannot be pointed elsewhere between the check and dlopen().
  const TrustedPath trusted = checkPluginFile(path);
  if (trusted.problem) {
    result.errors.push_back(fileError(path, *trusted.problem));
    return result;
  }

  auto mode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
              static_cast<boost::dll::load_mode::type>(RTLD_NODELETE);
  auto library = std::make_unique<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(boost::dll::fs::path(trusted.resolved), mode, ec);
  if (ec) {
    const char* detail = ::dlerror();
    result.errors.push_back(fileError(
        path, "cannot be loaded: " + (detail != nullptr ? std::string(detail) : ec.message())));
    return result;
  }
  if (!library->has(LXDR_PLUGIN_ENTRY_SYMBOL)) {
    result.errors.push_back(
        fileError(path, "not an lxdrunner plugin (no " LXDR_PLUGIN_ENTRY_SYMBOL
                        " symbol): build it with lxdrunner_add_plugin() and LXDRUNNER_PLUGINS()"));
    return result;
  }

  auto entry = library->get<std::remove_pointer_t<lxdr_plugin_entry_fn>>(LXDR_PLUGIN_ENTRY_SYMBOL);
  {
    std::lock_guard<std::mutex> lock(keptMutex());
    keptLibraries().push_back(std::move(library));
  }
  // The same checks the SDK's test kit and `lxdrunner plugin-check` run (sdk/plugin_checks.hpp).
  sdk::PluginListCheck checked = sdk::checkPluginList(entry);
  for (const auto& why : checked.errors) result.errors.push_back(fileError(path, why));
  for (size_t i = 0; i < checked.plugins.size(); ++i) {
    PluginInfo info;
    static_cast<sdk::CheckedPlugin&>(info) = std::move(checked.plugins[i]);
    if (auto why = claimDescriptor(checked.originals[i], trusted.resolved, info.name)) {
      result.errors.push_back(fileError(path, *why));
      continue;
    }
    info.file = path;
    result.plugins.push_back(std::move(info));
  }
  return result;
}

}  // namespace lxdrunner::plugin_host
