// SPDX-License-Identifier: Apache-2.0
#include "lxd_backend.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "container_fifo.hpp"
#include "instance_tags.hpp"
#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/json.hpp"
#include "lxdrunner/lxd/names.hpp"

namespace lxdrunner::backends {

namespace {

namespace json = lxd::json;
using lxd::Deadline;
using lxd::LxdError;

Deadline bounded(int64_t deadline_ms, std::chrono::seconds cap) {
  return Deadline::at(deadline_ms).earliest(Deadline::in(cap));
}

bool looksLikeFingerprint(const std::string& text) {
  return text.size() >= 12 && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// `Requested profile "x" doesn't exist` → x.
std::string quoted(const std::string& text) {
  auto open = text.find('"');
  auto close = open == std::string::npos ? open : text.find('"', open + 1);
  return close == std::string::npos ? std::string() : text.substr(open + 1, close - open - 1);
}

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

lxd::BodySink appendTo(std::string& target) {
  return [&target](const char* data, size_t size) { target.append(data, size); };
}

bool taggedFor(const lxd::InstanceInfo& info, const std::string& manager, uint64_t job_id) {
  auto get = [&](const char* key) {
    auto it = info.config.find(key);
    return it == info.config.end() ? std::string() : it->second;
  };
  return get(tags::kManager) == manager && get(tags::kJob) == std::to_string(job_id);
}

}  // namespace

LxdBackend::LxdBackend(sdk::Host host, std::string config_json, InstanceKind kind)
    : sdk::Backend(std::move(host), std::move(config_json)),
      settings_(parseSettings(configJson())),
      kind_(kind) {
  for (const auto& [name, remote] : settings_.remotes) {
    if (remote.launchable()) clients_[name] = std::make_unique<lxd::LxdClient>(remote.connection);
  }
}

const char* LxdBackend::typeName() const {
  return kind_ == InstanceKind::VirtualMachine ? "virtual-machine" : "container";
}

lxd::LxdClient& LxdBackend::client(const std::string& remote) {
  const std::string name = remote.empty() ? "main" : remote;
  auto it = clients_.find(name);
  if (it != clients_.end()) return *it->second;
  const RemoteSettings* configured = settings_.remote(name);
  if (configured != nullptr) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "remote '" + name +
                         "' is a public image server: instances run only on remotes with "
                         "protocol lxd that are not public");
  }
  throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                   "remote '" + name + "' is not configured: add it under remotes");
}

std::string LxdBackend::launch(const sdk::LaunchRequest& request) {
  const Deadline deadline = bounded(request.deadline_ms, settings_.launch_timeout);
  if (std::string problem = lxd::instanceNameProblem(request.instance_name); !problem.empty()) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT, "instance name '" + request.instance_name +
                                                    "' is not a legal LXD name: " + problem);
  }
  const LaunchEntry entry = parseLaunchEntry(request.entry_json);
  for (const auto& remote : entry.remotes) client(remote);  // each must be launchable

  const std::vector<std::string> order = picker_.order(
      entry.name, entry.remotes, [&](const std::string& r) { return freeSlots(r, deadline); });
  for (size_t i = 0; i < order.size(); ++i) {
    try {
      const int64_t started = host().nowMs();
      launchOn(order[i], request, entry, deadline);
      host().info("launched " + std::string(typeName()) + " " + request.instance_name +
                  " on remote '" + order[i] + "' in " + std::to_string(host().nowMs() - started) +
                  " ms");
      return order[i];
    } catch (const lxd::ConnectError& e) {
      // Nothing was created there: another remote of the entry may take the launch.
      if (i + 1 == order.size()) throw;
      host().warning(std::string(e.what()) + "; trying remote '" + order[i + 1] + "'");
    }
  }
  throw sdk::Error(LXDR_ERR_INTERNAL, "runnermap entry '" + entry.name + "' has no remote");
}

std::optional<long> LxdBackend::freeSlots(const std::string& remote, Deadline deadline) {
  const RemoteSettings* settings = settings_.remote(remote);
  if (settings == nullptr || settings->max_instances == 0) return std::nullopt;
  long in_flight = 0;
  {
    std::lock_guard<std::mutex> lock(launching_mu_);
    in_flight = launching_[remote];
  }
  try {
    // All of our instances count, containers and VMs alike: they share the host.
    auto ours = client(remote).listInstances({{tags::kManager, settings_.manager}}, deadline);
    return settings->max_instances - static_cast<long>(ours.size()) - in_flight;
  } catch (const LxdError& e) {
    host().warning("cannot count instances on remote '" + remote + "': " + e.what());
    return 0;
  }
}

lxd::ImageSource LxdBackend::imageSource(const LaunchEntry& entry, const std::string& remote,
                                         Deadline deadline) {
  lxd::ImageSource source;
  if (entry.image_remote.empty() || entry.image_remote == remote) {
    source.alias = entry.image_alias;
    // `lxc launch` accepts a fingerprint where an alias goes; so do we, alias first.
    if (looksLikeFingerprint(entry.image_alias) &&
        !client(remote).imageAlias(entry.image_alias, deadline)) {
      source.alias.clear();
      source.fingerprint = entry.image_alias;
    }
    return source;
  }
  const RemoteSettings* server = settings_.remote(entry.image_remote);
  if (server == nullptr) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "image '" + entry.image + "' of runnermap entry '" + entry.name +
                         "' names remote '" + entry.image_remote +
                         "', which is not configured: add remotes." + entry.image_remote +
                         " or fix runnermap[].image");
  }
  if (server->connection.isUnixSocket()) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "image remote '" + entry.image_remote +
                         "' is a local socket, but LXD copies images only from an https:// "
                         "server: import the image on remote '" +
                         remote + "' instead");
  }
  source.alias = entry.image_alias;
  source.server = server->connection.addr;
  source.protocol = server->connection.protocol;
  return source;
}

lxd::InstanceSpec LxdBackend::instanceSpec(const sdk::LaunchRequest& request,
                                           const LaunchEntry& entry, const std::string& remote) {
  (void)remote;
  lxd::InstanceSpec spec;
  spec.name = request.instance_name;
  spec.type = typeName();
  spec.profiles = entry.profiles;
  spec.config = entry.config;
  for (const auto& [key, value] : tags::forLaunch(settings_.manager, entry.name, request.job_id)) {
    spec.config[key] = value;  // ours win over an entry that sets the same keys
  }
  spec.devices = entry.devices;
  spec.ephemeral = entry.ephemeral;
  spec.target = entry.target;
  return spec;
}

void LxdBackend::launchOn(const std::string& remote, const sdk::LaunchRequest& request,
                          const LaunchEntry& entry, Deadline deadline) {
  struct InFlight {
    LxdBackend& self;
    std::string remote;
    InFlight(LxdBackend& s, std::string r) : self(s), remote(std::move(r)) {
      std::lock_guard<std::mutex> lock(self.launching_mu_);
      ++self.launching_[remote];
    }
    ~InFlight() {
      std::lock_guard<std::mutex> lock(self.launching_mu_);
      --self.launching_[remote];
    }
  } in_flight(*this, remote);

  lxd::LxdClient& c = client(remote);
  const std::string& name = request.instance_name;
  lxd::InstanceSpec spec = instanceSpec(request, entry, remote);
  spec.image = imageSource(entry, remote, deadline);
  spec.start = true;

  try {
    try {
      c.createInstance(spec, deadline);
    } catch (const LxdError& e) {
      if (!e.outcomeUnknown()) throw;
      // LXD went away mid-request (a restart): look at what really happened.
      std::optional<lxd::InstanceInfo> info = c.instance(name, deadline);
      if (!info || !taggedFor(*info, settings_.manager, request.job_id)) throw;
      host().warning("LXD on remote '" + remote + "' was interrupted while creating " + name +
                     "; it exists, so the launch goes on");
      c.startInstance(name, deadline);
    }
    host().checkpoint(deadline.atMs(), "launch " + name);
    const Deadline ready = deadline.earliest(Deadline::in(kind_ == InstanceKind::VirtualMachine
                                                              ? settings_.vm_agent_timeout
                                                              : settings_.ready_timeout));
    const lxd::InstanceState running = waitUntilReady(c, name, kind_, ready, host());
    if (kind_ == InstanceKind::Container && running.pid > 0) {
      rememberInitPid(remote, name, running.pid);
    }
  } catch (const LxdError& e) {
    // A name conflict is someone else's instance: never clean that up.
    if (e.status() != LXDR_ERR_ALREADY_EXISTS) removeIfOurs(c, name, request.job_id);
    explainCreateFailure(e, entry, remote, name);
  } catch (const sdk::Error&) {
    removeIfOurs(c, name, request.job_id);  // not ready in time, cancelled, ...
    throw;
  }
}

void LxdBackend::removeIfOurs(lxd::LxdClient& c, const std::string& name, uint64_t job_id) {
  try {
    std::optional<lxd::InstanceInfo> info =
        c.instance(name, Deadline::in(std::chrono::seconds(10)));
    if (info && taggedFor(*info, settings_.manager, job_id)) {
      destroyOn(c, name, Deadline::in(settings_.destroy_timeout));
    }
  } catch (const std::exception& cleanup) {
    host().warning("could not remove half-launched " + name + ": " + cleanup.what());
  }
}

void LxdBackend::explainCreateFailure(const LxdError& e, const LaunchEntry& entry,
                                      const std::string& remote, const std::string& name) {
  const std::string& lxd_message = e.lxdMessage();
  const std::string where = " on remote '" + remote + "'";
  if (e.status() == LXDR_ERR_ALREADY_EXISTS) {
    throw LxdError(LXDR_ERR_ALREADY_EXISTS,
                   "instance '" + name + "' already exists" + where +
                       ": the name is taken (delete that instance or change prefix)");
  }
  if (e.status() == LXDR_ERR_NOT_FOUND && lxd_message.find("rofile") != std::string::npos) {
    throw LxdError(LXDR_ERR_NOT_FOUND, "profile '" + quoted(lxd_message) + "' not found" + where +
                                           ": create it or fix runnermap[].profiles");
  }
  if (e.status() == LXDR_ERR_NOT_FOUND && lxd_message.find("mage") != std::string::npos) {
    if (entry.image_remote.empty() || entry.image_remote == remote) {
      throw LxdError(LXDR_ERR_NOT_FOUND, "image alias '" + entry.image_alias + "' not found" +
                                             where + ": import it or fix runnermap[].image");
    }
    throw LxdError(LXDR_ERR_NOT_FOUND, "image '" + entry.image_alias +
                                           "' not found on image server '" + entry.image_remote +
                                           "': fix runnermap[].image");
  }
  throw e;
}

void LxdBackend::destroy(const sdk::InstanceRef& instance, int64_t deadline_ms) {
  destroyOn(client(instance.remote), instance.name,
            bounded(deadline_ms, settings_.destroy_timeout));
  forgetInitPid(instance.remote, instance.name);
}

namespace {
constexpr int64_t kFifoRetryAfterMs = 10 * 60 * 1000;

std::string pidKey(const std::string& remote, const std::string& name) {
  return (remote.empty() ? "main" : remote) + "/" + name;
}
}  // namespace

void LxdBackend::rememberInitPid(const std::string& remote, const std::string& name, int64_t pid) {
  std::lock_guard<std::mutex> lock(pids_mu_);
  init_pids_[pidKey(remote, name)] = pid;
}

std::optional<int64_t> LxdBackend::rememberedInitPid(const std::string& remote,
                                                     const std::string& name) {
  std::lock_guard<std::mutex> lock(pids_mu_);
  auto it = init_pids_.find(pidKey(remote, name));
  if (it == init_pids_.end()) return std::nullopt;
  return it->second;
}

void LxdBackend::forgetInitPid(const std::string& remote, const std::string& name) {
  std::lock_guard<std::mutex> lock(pids_mu_);
  init_pids_.erase(pidKey(remote, name));
}

void LxdBackend::destroyOn(lxd::LxdClient& c, const std::string& name, Deadline deadline) {
  std::chrono::milliseconds pause(50);
  for (;;) {
    try {
      // Forced: the runner is finished or abandoned, and nothing inside is worth a clean
      // shutdown. An ephemeral instance is deleted by LXD right here.
      c.stopInstance(name, true, -1, deadline);
      c.deleteInstance(name, deadline);
      return;
    } catch (const LxdError& e) {
      if (e.status() == LXDR_ERR_NOT_FOUND) return;  // gone, as wanted
      // Busy with another operation (an ephemeral delete, a stop from inside), or LXD
      // restarting: look again shortly, within the deadline.
      const bool retry = e.status() == LXDR_ERR_TRANSIENT || e.outcomeUnknown() ||
                         e.lxdMessage().find("running") != std::string::npos;
      if (!retry || deadline.remaining(pause) < pause) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

std::string LxdBackend::listInstances(int64_t deadline_ms) {
  const Deadline deadline = bounded(deadline_ms, settings_.list_timeout);
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array();
  for (const auto& [remote, c] : clients_) {
    std::vector<lxd::InstanceInfo> ours;
    try {
      ours = c->listInstances({{tags::kManager, settings_.manager}}, deadline);
    } catch (const LxdError& e) {
      // A partial list would make the daemon think instances vanished; fail instead.
      throw LxdError(e.status() == LXDR_ERR_TIMEOUT ? LXDR_ERR_TIMEOUT : LXDR_ERR_TRANSIENT,
                     "cannot list instances on remote '" + remote + "': " + e.what());
    }
    for (const auto& info : ours) {
      if (info.type != typeName()) continue;  // the other backend reports those
      auto tag = [&](const char* key) {
        auto it = info.config.find(key);
        return it == info.config.end() ? std::string() : it->second;
      };
      Poco::JSON::Object::Ptr item = new Poco::JSON::Object();
      item->set("name", info.name);
      item->set("remote", remote);
      item->set("entry", tag(tags::kEntry));
      uint64_t job_id = 0;
      try {
        job_id = std::stoull(tag(tags::kJob));
      } catch (const std::exception&) {
        job_id = 0;  // a hand-made instance with our manager tag but no job
      }
      item->set("job_id", static_cast<Poco::UInt64>(job_id));
      std::string created = tag(tags::kCreated);
      item->set("created", created.empty() ? info.created_at : created);
      item->set("status", lowerCase(info.status));
      item->set("image", tag("volatile.base_image"));  // ABI 1.1
      // ABI 1.1: its own devices (LXD's "devices", not the profiles' "expanded_devices"):
      // what recovery compares the device pool holds with.
      Poco::JSON::Object::Ptr devices = new Poco::JSON::Object();
      for (const auto& [name, keys] : info.devices) devices->set(name, json::toObject(keys));
      item->set("devices", devices);
      out->add(item);
    }
  }
  return json::stringify(out);
}

sdk::ExecResult LxdBackend::exec(const sdk::InstanceRef& instance,
                                 const sdk::ExecRequest& request) {
  lxd::ExecSpec spec;
  spec.command = request.argv;
  for (const auto& entry : request.env) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                       "exec: environment entry '" + entry + "' is not NAME=value");
    }
    spec.environment[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  // uid 0 is LXD's default; asking for it explicitly would needlessly require an extension.
  if (request.uid != 0) spec.uid = request.uid;
  spec.cwd = request.cwd;
  spec.stdin_data = request.stdin_data;
  sdk::ExecResult result;
  result.exit_code = client(instance.remote)
                         .exec(instance.name, spec, Deadline::at(request.deadline_ms),
                               appendTo(result.out), appendTo(result.err));
  return result;
}

void LxdBackend::pushFile(const sdk::InstanceRef& instance, sdk::FilePush& file) {
  lxd::FileSpec spec;
  spec.path = file.path;
  spec.uid = file.uid;
  spec.gid = file.gid;
  spec.mode = file.mode;
  spec.content = [&file](char* buffer, size_t capacity) { return file.read(buffer, capacity); };
  client(instance.remote).pushFile(instance.name, spec, Deadline::at(file.deadline_ms));
}

std::string LxdBackend::pullFile(const sdk::InstanceRef& instance, const std::string& path,
                                 int64_t deadline_ms) {
  std::string content;
  client(instance.remote)
      .pullFile(instance.name, path, appendTo(content), Deadline::at(deadline_ms));
  return content;
}

void LxdBackend::attachDevice(const sdk::InstanceRef& instance, const std::string& device_name,
                              const std::string& device_json, int64_t deadline_ms) {
  Poco::JSON::Object::Ptr device = json::parseObject(device_json, "device '" + device_name + "'");
  client(instance.remote)
      .addDevice(instance.name, device_name, json::stringMap(device), Deadline::at(deadline_ms));
}

void LxdBackend::setFrozen(const sdk::InstanceRef& instance, bool frozen, int64_t deadline_ms) {
  client(instance.remote)
      .setFrozen(instance.name, frozen, bounded(deadline_ms, settings_.destroy_timeout));
}

std::string LxdBackend::imageFingerprint(const std::string& entry_json, int64_t deadline_ms) {
  const LaunchEntry entry = parseLaunchEntry(entry_json);
  // An image server's alias is resolved by LXD at each launch; asking the server for it here
  // would cost a remote round trip per check for little use: reported unknown ("").
  const std::string& remote = entry.remotes.front();
  if (!entry.image_remote.empty() && entry.image_remote != remote) return {};
  const Deadline deadline = bounded(deadline_ms, settings_.list_timeout);
  if (auto target = client(remote).imageAlias(entry.image_alias, deadline)) return *target;
  // `lxc launch` takes a fingerprint where an alias goes; then it is its own answer.
  if (looksLikeFingerprint(entry.image_alias)) return entry.image_alias;
  throw sdk::Error(LXDR_ERR_NOT_FOUND,
                   "image alias '" + entry.image_alias + "' not found on remote '" + remote + "'");
}

void LxdBackend::writeFifo(const sdk::InstanceRef& instance, const std::string& path,
                           const std::string& data, int64_t deadline_ms) {
  if (kind_ != InstanceKind::Container) {
    throw sdk::Error(LXDR_ERR_UNSUPPORTED, "a VM's files cannot be reached from the host");
  }
  lxd::LxdClient& lxd = client(instance.remote);
  if (!lxd.remote().isUnixSocket()) {
    throw sdk::Error(LXDR_ERR_UNSUPPORTED, "remote '" + lxd.remote().name +
                                               "' is another host: its containers' files "
                                               "cannot be reached from here");
  }
  {
    std::lock_guard<std::mutex> lock(pids_mu_);
    if (Deadline::nowMs() < fifo_unreachable_until_ms_) {
      throw sdk::Error(LXDR_ERR_UNSUPPORTED, fifo_unreachable_why_ + " (seen on an earlier start)");
    }
  }
  const Deadline deadline = bounded(deadline_ms, settings_.list_timeout);
  ContainerFifo target;
  target.payload_cgroup = payloadCgroup(lxd.remote().project, instance.name);
  target.path = path;
  // A reader is there once the open succeeds: the wait is only for room in the pipe.
  const auto write = [&](int64_t pid, std::string& why) {
    target.init_pid = pid;
    const auto left = deadline.remaining(std::chrono::milliseconds(10000));
    try {
      return writeContainerFifo(target, data, static_cast<int>(std::max<int64_t>(left.count(), 1)),
                                why);
    } catch (const std::runtime_error& e) {
      throw sdk::Error(LXDR_ERR_INTERNAL, "instance " + instance.name + ": " + e.what());
    }
  };
  std::string why;
  FifoWrite result = FifoWrite::kUnreachable;
  // The pid seen at launch is checked like any other (its cgroup). Without one (launched
  // before a daemon restart), or with a stale one, LXD is asked.
  if (std::optional<int64_t> known = rememberedInitPid(instance.remote, instance.name)) {
    result = write(*known, why);
  }
  if (result == FifoWrite::kUnreachable) {
    const lxd::InstanceState state = lxd.instanceState(instance.name, deadline);
    if (state.pid <= 0) {
      throw sdk::Error(LXDR_ERR_UNSUPPORTED, "LXD names no init process for " + instance.name +
                                                 " (" + state.status + ")");
    }
    rememberInitPid(instance.remote, instance.name, state.pid);
    result = write(state.pid, why);
    if (result == FifoWrite::kUnreachable) {
      std::lock_guard<std::mutex> lock(pids_mu_);
      fifo_unreachable_until_ms_ = Deadline::nowMs() + kFifoRetryAfterMs;
      fifo_unreachable_why_ = "instance " + instance.name + ": " + why;
    }
  }
  if (result == FifoWrite::kNoReader) {
    throw sdk::Error(LXDR_ERR_NOT_FOUND, "instance " + instance.name + ": " + why);
  }
  if (result == FifoWrite::kUnreachable) {
    throw sdk::Error(LXDR_ERR_UNSUPPORTED, "instance " + instance.name + ": " + why);
  }
}

}  // namespace lxdrunner::backends
