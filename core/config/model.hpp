// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/defaults.hpp"
#include "config/enums.hpp"
#include "config/secret.hpp"

// The validated configuration. Every field holds its effective value: defaults are filled in by
// the loader, so users of a Config never need to know which keys were written in the file.
namespace lxdrunner::config {

// How lxdrunner proves itself to an HTTPS LXD server and recognises it: a client certificate
// the server trusts, and the server's own certificate (or its SHA-256 fingerprint) to pin.
struct RemoteTls {
  Secret client_cert;              // PEM
  Secret client_key;               // PEM
  Secret server_cert;              // PEM; or else
  std::string server_fingerprint;  // lower-case hex SHA-256 of the server's DER certificate
  // Where they came from, for messages: "remotes.NAME" or "lxc's configuration DIR".
  std::string source;
  bool empty() const { return client_cert.empty() && client_key.empty(); }
};

struct Remote {
  using Protocol = RemoteProtocol;

  std::string name;
  // Empty: the local LXD's default unix socket; "/path": the unix socket at that path;
  // otherwise an http(s) URL.
  std::string addr;
  Protocol protocol = Protocol::Lxd;
  // An image server anyone may read (simplestreams, or a public `lxd` one): no client
  // certificate, and instances are never launched on it.
  bool is_public = false;
  RemoteTls tls;  // set for every HTTPS `lxd` remote that is not public

  bool isHttps() const { return addr.rfind("https://", 0) == 0; }
};

// Instances of an entry kept launched and prepared before any job exists (docs/warm-pools.md).
struct WarmPool {
  int size = 0;           // idle instances to keep; 0 = no pool (every job launches cold)
  int max_idle_s = 3600;  // an idle instance older than this is replaced
  bool freeze = false;    // freeze idle instances (no CPU while idle), thaw at claim
  bool enabled() const noexcept { return size > 0; }
};

// One device of a pool: interchangeable with the pool's others (docs/custom-hardware.md).
struct DevicePoolItem {
  std::string remote{defaults::kMainRemote};    // the LXD server the device is attached to
  std::map<std::string, std::string> settings;  // its LXD device keys, without `type`
  // What names the item in the job store, the log and `lxdrunner devices`: its keys,
  // sorted, as "k=v,k=v" (e.g. "pci=0000:41:00.0"). Unique per remote among all pools.
  std::string id() const;
  // The value of one of its keys, or nullptr when it does not give that key.
  const std::string* setting(const std::string& key) const;
};

// "POOL REMOTE ITEM": how an item is named in sets and maps of items (unavailable items,
// holds), the same in the configuration's checks, the daemon's prober and the scheduler.
std::string deviceItemKey(const std::string& pool, const std::string& remote,
                          const std::string& item);

// N interchangeable devices; each running instance of an entry using the pool holds one.
struct DevicePool {
  std::string name;
  DevicePoolType type = DevicePoolType::Gpu;
  std::vector<DevicePoolItem> items;
};

// One runnermap entry: which runners to start, and how, for jobs with a given label set.
struct RunnerEntry {
  std::string name;
  std::vector<std::string> labels;  // as written; compared case-insensitively
  std::string image;                // as written: "[remote:]alias"
  std::string image_remote;         // the "remote:" part; empty = the launching server's images
  std::string image_alias;          // the part after "remote:"
  InstanceType type = InstanceType::Container;
  RunnerOs runner_os = RunnerOs::Linux;
  RunnerArch runner_arch = RunnerArch::X64;
  std::vector<std::string> profiles{std::string(defaults::kProfile)};
  std::string setup_script;  // empty = the provisioner's built-in setup script
  int max_workers = defaults::kMaxWorkers;
  std::string backend;  // backend plugin; when not written, derived from `type`
  std::string provisioner{defaults::kProvisioner};  // the one that starts the runner: last
  // `provisioners: [a, b, bash]`: the steps that run before `provisioner`, in order, on the
  // same instance (each a provisioner plugin flagged as a step), and each step's own
  // provisioner_options (`step_options: {a: {...}}`), as JSON objects.
  std::vector<std::string> steps;
  std::map<std::string, std::string> step_options_json;
  LabelMatch match = LabelMatch::Subset;
  std::vector<std::string> remotes{std::string(defaults::kMainRemote)};  // servers to launch on
  std::string target;                         // LXD cluster member; empty = let LXD choose
  std::map<std::string, std::string> config;  // LXD instance config; values kept as strings
  std::map<std::string, std::map<std::string, std::string>> devices;  // device name -> settings
  // LXD device name -> device pool: each instance holds one free item of the pool as that
  // device, with the item's keys over the keys `devices` gives the same name (e.g. `path`).
  std::map<std::string, std::string> device_pools;
  std::string provisioner_options_json = "{}";  // free-form provisioner settings, a JSON object
  // Where its runners register (auto: the job's organisation, else its repository); the
  // top-level runner_scope when not written.
  RunnerScope runner_scope = RunnerScope::Auto;
  // Empty = the default runner group. A name: organisation runners join that group (JIT
  // resolves it to its id); repository runners have only the default group.
  std::string runner_group;
  bool ephemeral = true;
  WarmPool warm_pool;
};

// A job event source plugin (webhook receiver, poller, ...) and its settings.
struct EventSource {
  std::string name;
  bool enabled = true;
  // The settings map without `enabled` and `hooksecret`, as a JSON object. It is printed by
  // check-config, so no secret may be in it.
  std::string settings_json = "{}";
  Secret hooksecret;  // this source's own webhook secret; empty: the top-level hooksecret
};

// A secret of the configuration and the key it was written under.
struct NamedSecret {
  std::string key;  // "pat", "event_sources.webhook.hooksecret", ...
  const Secret* secret = nullptr;
};

struct GithubApp {
  std::int64_t app_id = 0;
  std::int64_t installation_id = 0;
  Secret private_key;
};

struct LoggingConfig {
  std::string level{defaults::kLogLevel};  // a Poco level name ("info" is stored as "information")
  std::map<std::string, std::string> components;  // component -> level, overriding `level`
  LogFormat format = LogFormat::Text;
};

// How the dispatcher launches, retries and reaps. Durations in seconds.
struct DispatcherConfig {
  // Launches (create + start + provision) in flight at once; 0 = the global max_workers, so
  // no job of a full burst waits for a launch thread.
  int launch_concurrency = 0;
  int launch_attempts = 3;           // tries per job before it is failed
  int retry_backoff_s = 2;           // first retry delay; doubles per attempt
  int provision_timeout_s = 300;     // one provision() call
  int reconcile_interval_s = 60;     // how often the reconciler runs
  int max_lifetime_s = 24 * 3600;    // an instance older than this is removed, whatever it runs
  int idle_runner_grace_s = 300;     // an idle runner whose job went elsewhere is removed after it
  int register_timeout_s = 300;      // a runner that is not online this long after start is reaped
  int offline_runner_grace_s = 600;  // offline registrations older than this are deleted
  int job_retention_days = 7;        // finished jobs are pruned from the store after this
  std::string runner_downloads_scope;  // "owner/repo" or "org"; empty = the latest job's repository
  // The reconciler's GitHub calls in any minute: well below the poll source's share of the
  // rate limit, which launches (generate-jitconfig) share too.
  int reconcile_github_calls_per_minute = 20;
  // A cold launch asks GitHub for the runner's JIT config while the instance starts, not
  // after (daemon/credential_prefetch.hpp).
  bool prefetch_jit_config = true;
};

// The operator API (/api/v1 on its own listener) and the CLI commands that use it.
struct OperatorApiConfig {
  bool enabled = false;
  Secret token;  // required while enabled; every request carries it as a bearer token
  std::string host{defaults::kOperatorApiHost};
  int port = defaults::kOperatorApiPort;
  // The API speaks plain HTTP, so a host that is not a loopback address is refused unless
  // this says a TLS-terminating proxy guards it.
  bool allow_non_loopback = false;
};

struct Config {
  std::string source_file;

  // GitHub access: exactly one of pat / github_app is set.
  Secret pat;
  std::optional<GithubApp> github_app;
  Secret hooksecret;  // set whenever the webhook event source is enabled
  std::string github_api_url{defaults::kGithubApiUrl};  // never ends with '/'

  // Runners
  std::string prefix{defaults::kPrefix};
  int max_workers = defaults::kMaxWorkers;
  bool cleanup = true;
  RunnerScope runner_scope = RunnerScope::Auto;  // the default of runnermap[].runner_scope
  DispatcherConfig dispatcher;
  std::vector<RunnerEntry> runnermap;
  std::vector<Remote> remotes;           // in file order; always contains "main"
  std::vector<DevicePool> device_pools;  // in file order
  // Where `lxc remote add` keeps its client certificate and the servers' certificates, as
  // written (`lxc_config_dir:`) or found: $LXD_CONF, ~/.config/lxc, ~/snap/lxd/common/config.
  std::string lxc_config_dir;

  // Built-in HTTP server
  std::string web_host{defaults::kWebHost};
  int web_port = defaults::kWebPort;
  bool web_tls = true;
  std::string web_tls_cert;
  std::string web_tls_key;
  // What slow or many clients may cost the server (see core/http/connection_gate.hpp).
  int web_header_timeout_s = 10;
  int web_max_connections = 1024;             // 0 = no limit
  int web_max_connections_per_address = 128;  // 0 = no limit (behind a reverse proxy)
  OperatorApiConfig operator_api;

  // Files
  std::string state_dir{defaults::kStateDir};
  std::string runner_cache_dir;  // the loader fills in <state_dir>/runner-cache when not written
  std::vector<std::string> plugin_dirs;

  // Plugins
  std::vector<EventSource> event_sources;
  std::map<std::string, std::string> plugins;  // plugin name -> settings, a JSON object
  LoggingConfig logging;

  // nullptr when no remote has that name.
  const Remote* findRemote(std::string_view name) const;
  // nullptr when no device pool has that name.
  const DevicePool* findDevicePool(std::string_view name) const;
  // The webhook secret the event source `name` verifies deliveries with: its own, or else the
  // top-level hooksecret.
  const Secret& hooksecretFor(std::string_view source) const;
  // Every secret that is set: for the log redactor, and for rules that hold for all secrets.
  std::vector<NamedSecret> secrets() const;
};

}  // namespace lxdrunner::config
