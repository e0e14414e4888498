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
#include <set>

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

std::string listProblem(const lxdr_plugin_list& list) {
  if (list.struct_size < sizeof(lxdr_plugin_list)) {
    return "its plugin list is malformed: struct_size " + std::to_string(list.struct_size) +
           ", less than the " + std::to_string(sizeof(lxdr_plugin_list)) + " ABI " +
           std::to_string(LXDR_ABI_MAJOR) + " requires";
  }
  if (list.count == 0) return "its plugin list is empty (count 0)";
  if (list.descriptors == nullptr) {
    return "its plugin list is malformed: count " + std::to_string(list.count) +
           " but descriptors is NULL";
  }
  return {};
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
  const lxdr_plugin_list* list = nullptr;
  try {
    list = entry(LXDR_ABI_MAJOR, LXDR_ABI_MINOR);
  } catch (...) {
    // A C function must not throw; a broken C++ plugin might anyway.
    result.errors.push_back(
        fileError(path, "its entry point threw an exception: the plugin is broken"));
    return result;
  }
  {
    std::lock_guard<std::mutex> lock(keptMutex());
    keptLibraries().push_back(std::move(library));
  }
  if (list == nullptr) {
    result.errors.push_back(fileError(path,
                                      "its entry point returned no plugin list: it refuses "
                                      "to load into plugin ABI " +
                                          std::to_string(LXDR_ABI_MAJOR) + "." +
                                          std::to_string(LXDR_ABI_MINOR)));
    return result;
  }
  // Only struct_size is read before it is known to cover the rest.
  if (list->struct_size < sizeof(lxdr_plugin_list)) {
    result.errors.push_back(fileError(path, listProblem(*list)));
    return result;
  }
  lxdr_plugin_list copied{};
  std::memcpy(&copied, list, sizeof(copied));
  if (std::string why = listProblem(copied); !why.empty()) {
    result.errors.push_back(fileError(path, why));
    return result;
  }
  std::set<const lxdr_plugin_descriptor*> listed;
  for (uint32_t i = 0; i < copied.count; ++i) {
    const lxdr_plugin_descriptor* descriptor = copied.descriptors[i];
    PluginInfo info;
    std::optional<std::string> why = checkDescriptor(descriptor, info);
    if (!why && !listed.insert(descriptor).second) {
      why = "'" + info.name + "' appears twice in its plugin list: the plugin is broken";
    }
    if (!why) why = claimDescriptor(descriptor, trusted.resolved, info.name);
    if (why) {
      result.errors.push_back(fileError(path, *why));
      continue;
    }
    info.file = path;
    result.plugins.push_back(std::move(info));
  }
  return result;
}

}  // namespace lxdrunner::plugin_host
