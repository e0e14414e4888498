// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_lxd.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "cli/doctor_lxd_api.hpp"
#include "config/backend_settings.hpp"

namespace lxdrunner::cli {
namespace {

using Poco::JSON::Object;

constexpr std::chrono::milliseconds kLxdTimeout{10000};
constexpr std::chrono::seconds kListDeadline{20};

Object::Ptr parseObject(const std::string& json) {
  Poco::JSON::Parser parser;
  auto value = parser.parse(json.empty() ? "{}" : json);
  auto object = value.extract<Object::Ptr>();
  return object ? object : Object::Ptr(new Object());
}

Object::Ptr objectOf(const Poco::Dynamic::Var& value) {
  if (value.type() == typeid(Object::Ptr)) {
    auto object = value.extract<Object::Ptr>();
    if (object) return object;
  }
  return new Object();
}

std::string stringOf(const Object::Ptr& object, const std::string& key) {
  return object->has(key) && !object->isNull(key) ? object->get(key).toString() : std::string();
}

// How the doctor reaches one remote: what the backends would use, from the plugin settings
// when they name it, else from the top-level `remotes`.
struct RemoteAccess {
  std::string name;
  std::string addr;
  std::string socket;
  std::string project;
  bool launchable = true;
  bool https() const { return socket.empty() && addr.rfind("http", 0) == 0; }
};

std::map<std::string, RemoteAccess> remoteAccess(const config::Config& config) {
  std::map<std::string, RemoteAccess> out;
  for (const auto& r : config.remotes) {
    RemoteAccess access;
    access.name = r.name;
    access.addr = r.addr;
    access.launchable = r.protocol == config::RemoteProtocol::Lxd;
    out[r.name] = access;
  }
  std::set<std::string> backends;
  for (const auto& entry : config.runnermap) backends.insert(entry.backend);
  for (const auto& backend : backends) {
    auto settings = parseObject(backendPluginConfig(config, backend));
    auto remotes = settings->getObject("remotes");
    if (!remotes) continue;
    for (const auto& name : remotes->getNames()) {
      auto remote = remotes->getObject(name);
      if (!remote) continue;
      auto& access = out[name];
      access.name = name;
      if (remote->has("addr")) access.addr = stringOf(remote, "addr");
      if (remote->has("socket")) access.socket = stringOf(remote, "socket");
      if (remote->has("project")) access.project = stringOf(remote, "project");
      if (remote->has("protocol")) access.launchable = stringOf(remote, "protocol") == "lxd";
    }
  }
  return out;
}

// The LXD backends shipped with lxdrunner; what another backend launches on is its business.
bool launchesOnLxd(const config::RunnerEntry& entry) {
  return entry.backend == "lxd-container" || entry.backend == "lxd-vm";
}

bool looksLikeFingerprint(const std::string& s) {
  if (s.size() < 12 || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string uriEscape(const std::string& s) {
  std::string out;
  Poco::URI::encode(s, "/?#&=%+ ", out);
  return out;
}

// What one reachable remote offers, fetched once and shared by the entries launching there.
struct RemoteFacts {
  std::set<std::string> pools;
};

void checkEntryOnRemote(const config::RunnerEntry& entry, const RemoteAccess& remote,
                        const LxdSocketApi& api, const RemoteFacts& facts, DoctorReport& report) {
  const std::string entry_name = "runnermap '" + entry.name + "' ";
  const std::string on_remote = " on remote '" + remote.name + "'";
  const std::string wanted_type(entry.type == config::InstanceType::Container ? "container"
                                                                              : "virtual-machine");
  // The image.
  if (!entry.image_remote.empty() && entry.image_remote != remote.name) {
    report.ok(entry_name + "image" + on_remote,
              "'" + entry.image + "' is pulled from image server '" + entry.image_remote +
                  "' at launch (not checked here)");
  } else {
    auto alias = api.get("/1.0/images/aliases/" + uriEscape(entry.image_alias));
    std::string type;
    bool found = alias.http_status == 200;
    if (found) {
      type = stringOf(objectOf(alias.metadata), "type");
    } else if (alias.http_status == 404 && looksLikeFingerprint(entry.image_alias)) {
      auto image = api.get("/1.0/images/" + entry.image_alias);
      found = image.http_status == 200;
      if (found) type = stringOf(objectOf(image.metadata), "type");
    }
    if (!found && alias.http_status != 404) {
      report.fail(entry_name + "image" + on_remote,
                  "looking up image alias '" + entry.image_alias + "' failed: HTTP " +
                      std::to_string(alias.http_status) + " " + alias.error,
                  "check that this user may use LXD, then run the doctor again");
    } else if (!found) {
      report.fail(
          entry_name + "image" + on_remote,
          "image alias '" + entry.image_alias + "' not found on remote '" + remote.name + "'",
          "import it (lxc image import FILE --alias " + entry.image_alias +
              ", or lxc image copy REMOTE:IMAGE local: --alias " + entry.image_alias +
              ") or fix runnermap[].image");
    } else if (!type.empty() && type != wanted_type) {
      report.fail(entry_name + "image" + on_remote,
                  "image '" + entry.image_alias + "' is a " + type +
                      " image but the entry launches " + wanted_type + "s",
                  "use a " + wanted_type + " image or fix runnermap[].type");
    } else {
      report.ok(entry_name + "image" + on_remote,
                "'" + entry.image_alias + "' present" +
                    (type.empty() ? std::string() : " (" + type + ")"));
    }
  }

  // The profiles, and the root disk they and the entry's devices give an instance.
  std::map<std::string, Object::Ptr> devices;
  std::vector<std::string> missing;
  for (const auto& profile : entry.profiles) {
    auto answer = api.get("/1.0/profiles/" + uriEscape(profile));
    if (answer.http_status == 404) {
      missing.push_back(profile);
      continue;
    }
    if (answer.http_status != 200) {
      report.fail(
          entry_name + "profile '" + profile + "'" + on_remote,
          "looking it up failed: HTTP " + std::to_string(answer.http_status) + " " + answer.error,
          "check that this user may use LXD, then run the doctor again");
      return;
    }
    auto profile_devices = objectOf(answer.metadata)->getObject("devices");
    if (!profile_devices) continue;
    for (const auto& name : profile_devices->getNames()) {
      devices[name] = profile_devices->getObject(name);
    }
  }
  for (const auto& name : missing) {
    report.fail(entry_name + "profile '" + name + "'" + on_remote,
                "profile '" + name + "' not found on remote '" + remote.name + "'",
                "create it (lxc profile create " + name + ") or fix runnermap[].profiles");
  }
  if (!missing.empty()) return;  // the root disk cannot be judged without every profile
  if (!entry.profiles.empty()) {
    std::string names;
    for (const auto& p : entry.profiles) names += (names.empty() ? "" : ", ") + p;
    report.ok(entry_name + "profiles" + on_remote, names + " present");
  }
  for (const auto& [name, settings] : entry.devices) {
    Object::Ptr device = new Object();
    for (const auto& [key, value] : settings) device->set(key, value);
    devices[name] = device;
  }
  std::string pool;
  bool has_root = false;
  for (const auto& [name, device] : devices) {
    if (device && stringOf(device, "type") == "disk" && stringOf(device, "path") == "/") {
      has_root = true;
      pool = stringOf(device, "pool");
    }
  }
  if (!has_root) {
    report.fail(entry_name + "root disk" + on_remote,
                "neither its profiles nor its devices give instances a root disk",
                "add one (lxc profile device add default root disk path=/ pool=POOL)");
  } else if (!pool.empty() && facts.pools.count(pool) == 0) {
    report.fail(entry_name + "root disk" + on_remote,
                "the root disk uses storage pool '" + pool + "', which remote '" + remote.name +
                    "' does not have",
                "create the pool (lxc storage create " + pool +
                    " dir) or point the root disk at an existing one");
  } else {
    report.ok(entry_name + "root disk" + on_remote,
              "on storage pool '" + (pool.empty() ? std::string("?") : pool) + "'");
  }
}

}  // namespace

std::string backendPluginConfig(const config::Config& config, const std::string& backend) {
  auto it = config.plugins.find(backend);
  return config::backendSettingsJson(config, it == config.plugins.end() ? "{}" : it->second);
}

void checkBackends(const config::Config& config, plugin_host::PluginHost& plugins,
                   DoctorReport& report) {
  std::set<std::string> backends;
  for (const auto& entry : config.runnermap) backends.insert(entry.backend);
  for (const auto& name : backends) {
    const std::string check = "backend '" + name + "'";
    std::string error;
    auto* instance =
        plugins.instantiate(name, LXDR_KIND_BACKEND, backendPluginConfig(config, name), error);
    if (instance == nullptr) {
      report.fail(check, error,
                  "install the plugin or fix plugin_dirs ('lxdrunner plugins' lists what is "
                  "found) and plugins." +
                      name + " in the configuration");
      continue;
    }
    const auto deadline = std::chrono::steady_clock::now() + kListDeadline;
    const int64_t deadline_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
    std::string json;
    auto result = instance->listInstances(deadline_ms, json);
    if (!result.ok()) {
      report.fail(check, "cannot list its instances: " + result.error,
                  "make every LXD remote it launches on reachable (see the remote lines)");
      continue;
    }
    size_t count = 0;
    try {
      Poco::JSON::Parser parser;
      auto list = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
      count = list ? list->size() : 0;
    } catch (const Poco::Exception&) {
      report.fail(check, "listInstances returned something that is not a JSON array",
                  "report this as a bug of the plugin");
      continue;
    }
    report.ok(check, "lists its instances on every remote (" + std::to_string(count) +
                         " of this manager now)");
  }
}

void checkLxdRemotes(const config::Config& config, DoctorReport& report) {
  // Only the remotes an LXD backend launches on: a remote nothing uses may be down for good
  // reasons, and image servers are not LXD daemons we launch on.
  std::set<std::string> used;
  for (const auto& entry : config.runnermap) {
    if (launchesOnLxd(entry)) used.insert(entry.remotes.begin(), entry.remotes.end());
  }
  for (const auto& [name, remote] : remoteAccess(config)) {
    if (!remote.launchable || used.count(name) == 0) continue;
    const std::string check = "lxd remote '" + name + "'";
    if (remote.https()) {
      report.warn(check,
                  "HTTPS remote " + remote.addr +
                      ": the doctor checks version, pools, images and profiles only over the unix "
                      "socket; its reachability is covered by the backend line",
                  "run the doctor on that host to check it in depth");
      continue;
    }
    LxdSocketApi api(localLxdSocket(remote.socket, remote.addr), remote.project, kLxdTimeout);
    RemoteFacts facts;
    try {
      auto server = api.get("/1.0");
      auto metadata = objectOf(server.metadata);
      auto environment = metadata->getObject("environment");
      const std::string kind = environment ? stringOf(environment, "server") : "";
      const std::string version = environment ? stringOf(environment, "server_version") : "";
      const std::string auth = stringOf(metadata, "auth");
      if (auth != "trusted") {
        report.fail(
            check,
            "LXD at " + api.socketPath() + " does not trust this client (auth: " + auth + ")",
            "run as root or as a member of the lxd group");
        continue;
      }
      report.ok(check, (kind.empty() ? std::string("lxd") : kind) + " " + version + " at " +
                           api.socketPath());
      auto pools = api.get("/1.0/storage-pools");
      if (pools.metadata.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto list = pools.metadata.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; list && i < list->size(); ++i) {
          const std::string url = list->getElement<std::string>(static_cast<unsigned>(i));
          facts.pools.insert(url.substr(url.rfind('/') + 1));
        }
      }
      if (facts.pools.empty()) {
        report.fail(check + " storage", "no storage pool",
                    "create one (lxd init, or lxc storage create default dir) and give the "
                    "default profile a root disk on it");
      } else {
        std::string names;
        for (const auto& p : facts.pools) names += (names.empty() ? "" : ", ") + p;
        report.ok(check + " storage", "pool(s): " + names);
      }
      for (const auto& entry : config.runnermap) {
        for (const auto& target : entry.remotes) {
          if (target == name && launchesOnLxd(entry)) {
            checkEntryOnRemote(entry, remote, api, facts, report);
          }
        }
      }
    } catch (const std::exception& e) {
      report.fail(check, e.what(), "start LXD, or set remotes." + name + ".addr to its socket");
    }
  }
}

}  // namespace lxdrunner::cli
