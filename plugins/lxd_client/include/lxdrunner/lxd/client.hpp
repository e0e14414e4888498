// SPDX-License-Identifier: Apache-2.0
// A native client for one LXD (or Incus) server's REST API. Thread-safe: one instance per
// remote is shared by every job. Every call takes a Deadline and throws LxdError (an
// sdk::Error carrying the matching lxdr_status and LXD's own message).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lxdrunner/lxd/deadline.hpp"
#include "lxdrunner/lxd/envelope.hpp"
#include "lxdrunner/lxd/exec_sockets.hpp"
#include "lxdrunner/lxd/remote_config.hpp"
#include "lxdrunner/lxd/transport.hpp"
#include "lxdrunner/lxd/types.hpp"

namespace lxdrunner::lxd {

class LxdClient {
 public:
  explicit LxdClient(const RemoteConfig& remote);

  const RemoteConfig& remote() const { return transport_.remote(); }
  const Transport& transport() const { return transport_; }

  // GET /1.0, cached after the first success; refresh() asks again (after a restart the
  // extension list may have changed with an upgrade).
  ServerInfo serverInfo(Deadline deadline);
  ServerInfo refreshServerInfo(Deadline deadline);

  // --- instances -------------------------------------------------------------------
  void createInstance(const InstanceSpec& spec, Deadline deadline);
  void startInstance(const std::string& name, Deadline deadline);
  // force: kill instead of a clean shutdown; timeout_s: LXD's clean-shutdown wait.
  void stopInstance(const std::string& name, bool force, int timeout_s, Deadline deadline);
  void deleteInstance(const std::string& name, Deadline deadline);
  // Freezes (pauses every process: no CPU, memory kept) or unfreezes a running instance.
  // Already in the asked state is success.
  void setFrozen(const std::string& name, bool frozen, Deadline deadline);
  std::optional<InstanceInfo> instance(const std::string& name, Deadline deadline);
  InstanceState instanceState(const std::string& name, Deadline deadline);
  // Instances whose config has every key/value of `config_equals` (user.lxdrunner.*).
  std::vector<InstanceInfo> listInstances(const std::map<std::string, std::string>& config_equals,
                                          Deadline deadline);
  // Adds one device; ALREADY_EXISTS if the instance has a device of that name.
  void addDevice(const std::string& name, const std::string& device_name,
                 const std::map<std::string, std::string>& device, Deadline deadline);

  // --- exec and files ----------------------------------------------------------------
  // Runs a command to completion (no websockets: LXD records the output) and returns its
  // exit status; 127 = not found, 126 = not executable, as a shell reports them.
  int exec(const std::string& name, const ExecSpec& spec, Deadline deadline, const BodySink& out,
           const BodySink& err);
  void pushFile(const std::string& name, const FileSpec& file, Deadline deadline);
  void pullFile(const std::string& name, const std::string& path, const BodySink& out,
                Deadline deadline);
  void deleteFile(const std::string& name, const std::string& path, Deadline deadline);

  // --- images ------------------------------------------------------------------------
  std::vector<ImageInfo> listImages(Deadline deadline);
  // Target fingerprint of an alias, nullopt when there is no such alias.
  std::optional<std::string> imageAlias(const std::string& alias, Deadline deadline);
  // A unified tarball (metadata.yaml + rootfs/); returns the fingerprint.
  std::string importImage(const StreamedBody& tarball, Deadline deadline);
  // A split image: metadata tarball plus rootfs (squashfs or a VM's qcow2 with vm = true).
  std::string importSplitImage(const StreamedBody& metadata, const StreamedBody& rootfs, bool vm,
                               Deadline deadline);
  void createImageAlias(const std::string& alias, const std::string& fingerprint,
                        const std::string& description, Deadline deadline);
  void deleteImageAlias(const std::string& alias, Deadline deadline);
  void deleteImage(const std::string& fingerprint, Deadline deadline);

  // --- plumbing (public for tests and for callers needing an endpoint not wrapped) ---
  // "/1.0/instances/x" + project and extra query → the request path.
  std::string apiPath(const std::string& path, const std::string& query = {}) const;
  Envelope call(const std::string& method, const std::string& path, const std::string& body,
                Deadline deadline);
  // Sends a request that starts an operation and waits for it; throws LxdError if it
  // failed. `what` names the action in messages ("start instance 'x'").
  Operation run(const std::string& method, const std::string& path, const std::string& body,
                const std::string& what, Deadline deadline);
  Operation run(HttpRequest request, const std::string& what, Deadline deadline);
  // Waits until the operation ends. Does not throw on its failure (inspect the result);
  // throws when it cannot be followed: TIMEOUT past the deadline, or TRANSIENT with
  // outcomeUnknown() when LXD lost it (a daemon restart).
  Operation wait(const std::string& operation_id, const std::string& what, Deadline deadline);

 private:
  std::string describeRemote() const;
  [[noreturn]] void throwOperationFailed(const Operation& op, const std::string& what) const;
  void fetchExecOutput(const Poco::JSON::Object::Ptr& output, const std::string& stream,
                       const BodySink& sink, Deadline deadline);
  // Connects the exec's websockets, feeds `input`, and streams the output to the sinks;
  // returns the sockets, which the caller keeps open until the operation has ended.
  ExecSockets streamExec(const std::string& id, const Envelope& started, const std::string& input,
                         const BodySink& out, const BodySink& err, const std::string& what,
                         Deadline deadline);

  Transport transport_;
  std::mutex info_mu_;
  std::optional<ServerInfo> info_;
};

// Percent-encodes one path segment or query value.
std::string urlEncode(const std::string& text);

}  // namespace lxdrunner::lxd
