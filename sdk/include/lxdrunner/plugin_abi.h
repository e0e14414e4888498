/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lxdrunner plugin ABI — the only contract shared by the daemon and its plugins.
 *
 * Pure C (C99 or later, C++ compatible). No STL, Poco or Boost type crosses this boundary,
 * because nothing guarantees a C++ ABI between separately built shared objects.
 *
 * ---------------------------------------------------------------------------------------
 * COMPATIBILITY POLICY
 * ---------------------------------------------------------------------------------------
 *  - The ABI version (LXDR_ABI_MAJOR.LXDR_ABI_MINOR) is independent of the daemon version.
 *  - A plugin loads when its major equals the host's major AND the host's minor is greater
 *    than or equal to the plugin's minor. Otherwise the host refuses it with one line that
 *    names the file and both versions.
 *  - Within one major, structures only grow at the end ("append-only"). Every structure
 *    that can grow starts with `struct_size`, set by whoever fills it in to sizeof() of the
 *    structure as that side compiled it. A reader copies min(struct_size, its own sizeof)
 *    bytes into a zeroed structure, so a field the writer did not know reads as 0/NULL.
 *    A zero/NULL value of any appended field therefore always means "absent/default".
 *  - Enumerations only gain values. A reader treats an unknown value as the documented
 *    fallback (usually: LXDR_ERR_UNSUPPORTED, or "ignore").
 *  - A minor bump adds fields, enum values or host services. A major bump is everything
 *    else (removal, reordering, changed meaning) and is announced one release ahead.
 *  - Each addition is marked with the minor that brought it ("1.1:"). A host reading a
 *    plugin built against an older minor sees those fields as 0/NULL and falls back to the
 *    older behaviour (e.g. a 1.0 provisioner without prepare/start is served cold only).
 *  - A minor stays open for additions until the release that first ships it; after that,
 *    further additions take the next minor.
 *
 * ---------------------------------------------------------------------------------------
 * OWNERSHIP (written into each doc block as an `OWNERSHIP:` line)
 * ---------------------------------------------------------------------------------------
 *  - Whoever allocates frees. Nothing is freed across the boundary.
 *  - Strings cross as lxdr_str (pointer + length; not necessarily NUL-terminated) and are
 *    BORROWED for the duration of the call unless a doc block says otherwise: copy what
 *    you keep.
 *  - Variable-size results are written into a caller-provided lxdr_sink: the callee calls
 *    sink->append() zero or more times; the caller owns the bytes.
 *  - Descriptor strings (name, version, ...) are static and live as long as the library.
 *    The host never unloads a plugin library while the daemon runs.
 *
 * ---------------------------------------------------------------------------------------
 * ERRORS
 * ---------------------------------------------------------------------------------------
 *  Every function returns lxdr_status. On failure a plugin makes a message available via
 *  descriptor->last_error(instance); the host reads it right after the failing call.
 *  Exceptions never cross the boundary (the C++ SDK wraps every entry point in a
 *  catch-all). Host services report failure the same way through host->last_error().
 *
 * ---------------------------------------------------------------------------------------
 * THREADING AND TIME
 * ---------------------------------------------------------------------------------------
 *  - create()/destroy() are called once per instance, from the daemon's main thread,
 *    never concurrently with any other call on that instance.
 *  - Operations that say "concurrent" may be called from several host worker threads at
 *    once (for different jobs/instances). last_error() is per calling thread: a plugin
 *    must keep it thread-local (the C++ SDK does).
 *  - A plugin may call any host service from any thread, including threads it created,
 *    until its destroy() returns.
 *  - Every potentially slow call carries `deadline_ms`, an absolute CLOCK_MONOTONIC time
 *    in milliseconds (0 = no deadline). Past it, return LXDR_ERR_TIMEOUT. Long work also
 *    polls host->shutting_down(); once it returns non-zero, return LXDR_ERR_CANCELLED.
 *  - The host bounds the deadline a plugin gives an instance operation (instance_exec,
 *    instance_push_file, instance_pull_file, instance_attach_device): 0 or a time later
 *    than the host's limit from now becomes now + that limit. The limit is the daemon's
 *    dispatcher.provision_timeout_s (300 s by default), the longest budget it gives any
 *    provisioner call, so no plugin makes a backend wait without end.
 */
#ifndef LXDRUNNER_PLUGIN_ABI_H
#define LXDRUNNER_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LXDR_ABI_MAJOR 1
#define LXDR_ABI_MINOR 1

/* The one symbol every plugin library exports (see lxdr_plugin_entry_fn). */
#define LXDR_PLUGIN_ENTRY_SYMBOL "lxdrunner_plugin_entry"

#if defined(_WIN32)
#define LXDR_EXPORT __declspec(dllexport)
#else
#define LXDR_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------------------- */
/* Basic types                                                                           */
/* ------------------------------------------------------------------------------------- */

/* Result of every call across the boundary. Unknown values read as LXDR_ERR_INTERNAL. */
typedef enum lxdr_status {
  LXDR_OK = 0,
  LXDR_ERR_INVALID_ARGUMENT = 1, /* the request or configuration is wrong; retrying is useless */
  LXDR_ERR_NOT_FOUND = 2,        /* the named thing (instance, image, runner, ...) is absent */
  LXDR_ERR_ALREADY_EXISTS = 3,   /* a name is taken */
  LXDR_ERR_TRANSIENT = 4,        /* temporary failure (network, 5xx, busy); a retry may succeed */
  LXDR_ERR_TIMEOUT = 5,          /* deadline_ms passed */
  LXDR_ERR_CANCELLED = 6,        /* the host is shutting down */
  LXDR_ERR_UNSUPPORTED = 7,      /* this plugin/host does not offer the operation */
  LXDR_ERR_INTERNAL = 8          /* a bug or an unexpected state; see last_error */
} lxdr_status;

typedef enum lxdr_plugin_kind {
  LXDR_KIND_EVENT_SOURCE = 1, /* produces job events (webhook, poll) */
  LXDR_KIND_BACKEND = 2,      /* creates and destroys instances (lxd-container, lxd-vm) */
  LXDR_KIND_PROVISIONER = 3   /* turns a fresh instance into a running runner (bash, image) */
} lxdr_plugin_kind;

typedef enum lxdr_log_level {
  LXDR_LOG_TRACE = 0,
  LXDR_LOG_DEBUG = 1,
  LXDR_LOG_INFO = 2,
  LXDR_LOG_WARNING = 3,
  LXDR_LOG_ERROR = 4
} lxdr_log_level;

/* Enumerations in function signatures (lxdr_status returned by every call, lxdr_log_level
 * passed to log): on every psABI lxdrunner supports (x86-64 System V, AArch64 AAPCS64) an
 * enumeration whose values fit an int is passed and returned exactly as an int, whatever the
 * compiler or language, so these signatures are as stable as int ones. Inside structs the
 * ABI stores enumerations as uint32_t fields instead (kind, action): a field's width must not
 * depend on the enumeration. The one way to break this is -fshort-enums, which the checks
 * below refuse at compile time. Values stay below 2^31 in every future minor. */
#if defined(__cplusplus)
static_assert(sizeof(lxdr_status) == 4, "lxdr_status must be int-sized: no -fshort-enums");
static_assert(sizeof(lxdr_log_level) == 4, "lxdr_log_level must be int-sized: no -fshort-enums");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(lxdr_status) == 4, "lxdr_status must be int-sized: no -fshort-enums");
_Static_assert(sizeof(lxdr_log_level) == 4, "lxdr_log_level must be int-sized: no -fshort-enums");
#endif

/* A string slice. OWNERSHIP: borrowed for the duration of the call that passes it. */
typedef struct lxdr_str {
  const char* ptr; /* may be NULL when len == 0; not necessarily NUL-terminated */
  size_t len;
} lxdr_str;

/* A byte sink for variable-size results.
 * OWNERSHIP: owned by the caller; the callee appends, the caller keeps the bytes.
 * append() may be called any number of times; it never fails (the caller allocates). */
typedef struct lxdr_sink {
  void* ctx;
  void (*append)(void* ctx, const char* data, size_t len);
} lxdr_sink;

/* A byte source for streamed input (file push). read() fills up to `capacity` bytes and
 * stores the count in *out_len; *out_len == 0 with LXDR_OK means end of stream.
 * OWNERSHIP: owned by the caller of the operation that receives it. */
typedef struct lxdr_source {
  void* ctx;
  lxdr_status (*read)(void* ctx, char* buffer, size_t capacity, size_t* out_len);
} lxdr_source;

/* Opaque per-instance plugin state, created by descriptor->create(). */
typedef struct lxdr_plugin_instance lxdr_plugin_instance;

/* Identifies one instance (container/VM) wherever it lives. */
typedef struct lxdr_instance_ref {
  lxdr_str name;    /* LXD instance name */
  lxdr_str remote;  /* configured remote name ("main" for the default LXD server) */
  lxdr_str backend; /* backend plugin name that owns the instance ("lxd-container") */
} lxdr_instance_ref;

/* ------------------------------------------------------------------------------------- */
/* Job events (event source → host)                                                     */
/* ------------------------------------------------------------------------------------- */

/* Keyed on the webhook's `action`, not on workflow_job.status (they can disagree). */
typedef enum lxdr_job_action {
  LXDR_JOB_QUEUED = 1,
  LXDR_JOB_WAITING = 2, /* waiting for an environment approval */
  LXDR_JOB_IN_PROGRESS = 3,
  LXDR_JOB_COMPLETED = 4
} lxdr_job_action;

/* One workflow_job event. OWNERSHIP: borrowed; the host copies what it keeps. */
typedef struct lxdr_job_event {
  uint32_t struct_size;
  uint32_t action;          /* lxdr_job_action */
  uint64_t job_id;          /* workflow_job.id (64-bit; never through a double) */
  uint64_t run_id;          /* workflow_job.run_id */
  uint32_t run_attempt;     /* workflow_job.run_attempt, 0 when unknown */
  uint32_t label_count;     /* number of elements in labels */
  const lxdr_str* labels;   /* workflow_job.labels */
  lxdr_str repository;      /* repository.full_name "owner/name" */
  lxdr_str organization;    /* organization.login; empty for user repositories */
  uint64_t installation_id; /* installation.id; 0 without a GitHub App */
  lxdr_str delivery_id;     /* X-GitHub-Delivery or a source-specific key; empty if none */
  uint64_t runner_id;       /* workflow_job.runner_id; 0 when null */
  lxdr_str runner_name;     /* workflow_job.runner_name; empty when null */
  lxdr_str conclusion;      /* workflow_job.conclusion; empty when null */
  /* 1.1: what a provisioner's job context shows (empty when the source does not know). */
  lxdr_str workflow_name; /* workflow_job.workflow_name */
  lxdr_str job_name;      /* workflow_job.name */
  lxdr_str head_branch;   /* workflow_job.head_branch */
} lxdr_job_event;

/* ------------------------------------------------------------------------------------- */
/* HTTP routes (event source registers; host's HTTP server calls back)                  */
/* ------------------------------------------------------------------------------------- */

typedef struct lxdr_http_header {
  lxdr_str name;
  lxdr_str value;
} lxdr_http_header;

/* OWNERSHIP: borrowed for the duration of the handler call. The body is complete (the host
 * enforces the route's body limit before calling). */
typedef struct lxdr_http_request {
  uint32_t struct_size;
  uint32_t header_count;
  lxdr_str method;
  lxdr_str path;
  lxdr_str query;
  const lxdr_http_header* headers;
  lxdr_str body;
  lxdr_str remote_address;
} lxdr_http_request;

/* The handler answers through this host-owned object.
 * OWNERSHIP: owned by the host; valid only during the handler call. */
typedef struct lxdr_http_response {
  uint32_t struct_size;
  void* ctx;
  void (*set_status)(void* ctx, int status);
  void (*set_header)(void* ctx, lxdr_str name, lxdr_str value);
  void (*append_body)(void* ctx, const char* data, size_t len);
} lxdr_http_response;

/* Called concurrently from the host's HTTP worker threads. Must answer in milliseconds:
 * no network call inside; hand work to the host with emit_job_event(). */
typedef lxdr_status (*lxdr_http_handler_fn)(void* handler_ctx, const lxdr_http_request* request,
                                            const lxdr_http_response* response);

typedef struct lxdr_http_route {
  uint32_t struct_size;
  uint32_t reserved;
  lxdr_str path; /* exact path, e.g. "/hooks/lxdrunner" */
  uint64_t
      max_body; /* bytes; larger bodies get 413 without calling the handler; 0 = host default */
  lxdr_http_handler_fn handler;
  void* handler_ctx; /* OWNERSHIP: plugin-owned; must stay valid until the plugin's destroy() */
} lxdr_http_route;

/* ------------------------------------------------------------------------------------- */
/* Instance operations (provisioner → host → backend that owns the instance)            */
/* ------------------------------------------------------------------------------------- */

/* OWNERSHIP: borrowed for the duration of the call. */
typedef struct lxdr_exec_request {
  uint32_t struct_size;
  uint32_t argc;
  const lxdr_str* argv; /* command and arguments; argv[0] is looked up in PATH */
  uint32_t env_count;
  uint32_t uid;        /* user to run as (0 = root) */
  const lxdr_str* env; /* "NAME=value" entries */
  lxdr_str cwd;        /* empty = backend default */
  lxdr_str stdin_data; /* fed to the command's standard input; may be empty */
  int64_t deadline_ms;
} lxdr_exec_request;

/* OWNERSHIP: the sinks are owned by the caller; either may have append == NULL to discard. */
typedef struct lxdr_exec_result {
  uint32_t struct_size;
  int32_t exit_code; /* the command's exit status; 127 = not found, 126 = not executable */
  lxdr_sink out;     /* receives stdout */
  lxdr_sink err;     /* receives stderr */
} lxdr_exec_result;

/* OWNERSHIP: borrowed; `content` is read until end of stream, during the call only. */
typedef struct lxdr_file_push {
  uint32_t struct_size;
  uint32_t mode; /* permission bits, e.g. 0600 */
  lxdr_str path; /* absolute path in the instance */
  uint32_t uid;
  uint32_t gid;
  lxdr_source content;
  int64_t deadline_ms;
} lxdr_file_push;

/* ------------------------------------------------------------------------------------- */
/* GitHub and runner services                                                            */
/* ------------------------------------------------------------------------------------- */

/* A GitHub REST call through the host's client (credentials, rate limits, retries are the
 * host's). OWNERSHIP: borrowed; the response body is written to the caller's sink. */
typedef struct lxdr_github_request {
  uint32_t struct_size;
  uint32_t reserved;
  lxdr_str method;          /* "GET", "POST", "DELETE", ... */
  lxdr_str path;            /* relative to github_api_url, e.g. "/repos/o/r/actions/runners" */
  lxdr_str body;            /* JSON text or empty */
  uint64_t installation_id; /* GitHub App installation to act as; 0 = configured default */
  int64_t deadline_ms;
} lxdr_github_request;

/* The answer to a GitHub REST call. The host fills every field; the caller owns the sinks
 * (either may have append == NULL to discard). */
typedef struct lxdr_github_response {
  uint32_t struct_size;
  int32_t status;               /* HTTP status of the final attempt (after the host's retries) */
  int64_t rate_limit_limit;     /* x-ratelimit-limit; -1 when GitHub sent none */
  int64_t rate_limit_remaining; /* x-ratelimit-remaining; -1 when absent */
  int64_t rate_limit_reset;     /* x-ratelimit-reset, Unix seconds; -1 when absent */
  lxdr_sink body;               /* receives the response body (JSON text) */
  lxdr_sink next_path;          /* path+query of Link rel="next"; nothing on the last page */
} lxdr_github_response;

/* What a provisioner needs to start a single-use runner. */
typedef struct lxdr_runner_request {
  uint32_t struct_size;
  uint32_t label_count;
  lxdr_str runner_name;   /* = instance name */
  const lxdr_str* labels; /* full label set for the runner */
  lxdr_str scope;         /* "repos/OWNER/REPO" or "orgs/ORG" */
  uint64_t job_id;
  int64_t deadline_ms;
  /* 1.1: the runner group to join, by name (the host resolves it to its id for JIT).
   * Empty, and absent from a 1.0 request: the group of the runnermap entry the instance
   * runs for (its runner_group; the default group when that is empty too). A group is an
   * organisation's: with a "repos/" scope only the default group exists. */
  lxdr_str runner_group;
} lxdr_runner_request;

/* ------------------------------------------------------------------------------------- */
/* Host services: the vtable the host hands to create()                                 */
/* ------------------------------------------------------------------------------------- */

/* Every function takes the opaque `host_ctx` given to create(). All functions may be called
 * from any thread until the plugin's destroy() returns. Functions returning lxdr_status
 * leave a message for host->last_error() on failure. A field beyond the plugin's view of
 * struct_size (a newer service) must be checked for NULL before use. */
typedef struct lxdr_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;

  /* Logs one line under the plugin's component name. Never pass secrets.
   * OWNERSHIP: message borrowed. */
  void (*log)(void* host_ctx, lxdr_log_level level, lxdr_str message);

  /* Message of the last failed host service call on this thread.
   * OWNERSHIP: host-owned, valid until the next host call on this thread. Never NULL. */
  const char* (*last_error)(void* host_ctx);

  /* Non-zero once the daemon is shutting down: stop long work and return LXDR_ERR_CANCELLED. */
  int (*shutting_down)(void* host_ctx);

  /* CLOCK_MONOTONIC now, in milliseconds (the clock of every deadline_ms). */
  int64_t (*now_ms)(void* host_ctx);

  /* Looks up a scalar in this plugin's configuration by dotted path ("timeouts.start").
   * Writes the value as text to *out and returns LXDR_OK, or returns LXDR_ERR_NOT_FOUND.
   * OWNERSHIP: key borrowed; out owned by caller. */
  lxdr_status (*config_get)(void* host_ctx, lxdr_str key, const lxdr_sink* out);

  /* Queues one job event for the dispatcher. Returns promptly; never blocks on I/O.
   * LXDR_ERR_NOT_FOUND: no runnermap entry wants the job's labels; the event was dropped
   * (counted and logged at debug) and the source should answer as for success.
   * LXDR_ERR_TRANSIENT: the inbox is full; the source should make GitHub send it again.
   * OWNERSHIP: event borrowed (copied by the host). */
  lxdr_status (*emit_job_event)(void* host_ctx, const lxdr_job_event* event);

  /* Registers an HTTP route on the daemon's server. LXDR_ERR_ALREADY_EXISTS if taken.
   * OWNERSHIP: route borrowed (copied); route->handler_ctx stays plugin-owned. */
  lxdr_status (*register_http_route)(void* host_ctx, const lxdr_http_route* route);

  /* Performs a GitHub REST call with the daemon's credentials; the host handles rate limits
   * (retry-after, reset, secondary limits with backoff) within the deadline. Non-2xx answers
   * return LXDR_OK with response->status set; transport failures and an exhausted deadline
   * return an error. OWNERSHIP: request borrowed; response and its sinks owned by caller. */
  lxdr_status (*github_request)(void* host_ctx, const lxdr_github_request* request,
                                lxdr_github_response* response);

  /* Obtains a single-use JIT runner configuration (the value for run.sh --jitconfig).
   * OWNERSHIP: request borrowed; out owned by caller. The value is a secret: never log it. */
  lxdr_status (*runner_jit_config)(void* host_ctx, const lxdr_runner_request* request,
                                   const lxdr_sink* out);

  /* Obtains a registration token for config.sh (servers without JIT). Secret, as above. */
  lxdr_status (*runner_registration_token)(void* host_ctx, const lxdr_runner_request* request,
                                           const lxdr_sink* out);

  /* Absolute host path of the verified runner tarball for os ("linux") and arch ("x64"),
   * or of its unpacked directory when `unpacked` is non-zero. OWNERSHIP: out owned by caller. */
  lxdr_status (*runner_tarball)(void* host_ctx, lxdr_str os, lxdr_str arch, int unpacked,
                                const lxdr_sink* out);

  /* Instance operations routed to the backend that owns `instance` (ref->backend), so a
   * provisioner works unchanged on any backend. Concurrent. */
  lxdr_status (*instance_exec)(void* host_ctx, const lxdr_instance_ref* instance,
                               const lxdr_exec_request* request, lxdr_exec_result* result);
  lxdr_status (*instance_push_file)(void* host_ctx, const lxdr_instance_ref* instance,
                                    const lxdr_file_push* file);
  lxdr_status (*instance_pull_file)(void* host_ctx, const lxdr_instance_ref* instance,
                                    lxdr_str path, int64_t deadline_ms, const lxdr_sink* out);
  /* device_json: an LXD device map, e.g. {"type":"disk","source":...,"path":...}. */
  lxdr_status (*instance_attach_device)(void* host_ctx, const lxdr_instance_ref* instance,
                                        lxdr_str device_name, lxdr_str device_json,
                                        int64_t deadline_ms);

  /* 1.1: adds `delta` to the plugin's counter `name` (1-64 of [a-z0-9_]), shown on /metrics
   * as lxdrunner_plugin_events_total{plugin="<plugin>",event="<name>"}. Counters start at 0
   * and only grow; a plugin may have at most 64 names (a new name beyond that, or a bad
   * name, is LXDR_ERR_INVALID_ARGUMENT and counts nothing). Cheap (no I/O): fine on every
   * request. OWNERSHIP: name borrowed. */
  lxdr_status (*counter_add)(void* host_ctx, lxdr_str name, uint64_t delta);

  /* 1.1: writes `data` into the FIFO at `path` inside the instance, for a process there that
   * waits to read it (lxdrunner's armed runner supervisor), without running anything in the
   * instance: the cheapest hand-over of a JIT config at a warm start (an exec costs LXD a
   * process start). Routed to the backend's write_fifo. At most 65536 bytes.
   * LXDR_ERR_NOT_FOUND: no FIFO at `path`, or nothing has it open for reading;
   * LXDR_ERR_UNSUPPORTED: the backend cannot reach this instance's files from the host (a
   * VM, another host, a backend without write_fifo). On either of those nothing was written:
   * hand the data over by instance_exec instead. Other errors may follow a partial write.
   * OWNERSHIP: path and data borrowed; data may be a secret (never logged). */
  lxdr_status (*instance_write_fifo)(void* host_ctx, const lxdr_instance_ref* instance,
                                     lxdr_str path, lxdr_str data, int64_t deadline_ms);
} lxdr_host_api;

/* ------------------------------------------------------------------------------------- */
/* Kind-specific operations                                                              */
/* ------------------------------------------------------------------------------------- */

/* EVENT SOURCE. start() registers routes/threads and returns promptly; from then on the
 * plugin may call emit_job_event(). stop() returns once no more events will be emitted. */
typedef struct lxdr_event_source_ops {
  uint32_t struct_size;
  lxdr_status (*start)(lxdr_plugin_instance* self);
  lxdr_status (*stop)(lxdr_plugin_instance* self);
} lxdr_event_source_ops;

/* What a backend launches. OWNERSHIP: borrowed for the duration of launch(). */
typedef struct lxdr_launch_request {
  uint32_t struct_size;
  uint32_t reserved;
  lxdr_str instance_name; /* chosen by the host, collision-safe, from `prefix` */
  lxdr_str entry_name;    /* runnermap entry */
  uint64_t job_id;
  lxdr_str entry_json; /* the whole runnermap entry as JSON (image, profiles, config, devices,
                          remotes) */
  int64_t deadline_ms;
} lxdr_launch_request;

/* BACKEND. All operations are concurrent (different instances at once). Operations on a
 * missing instance: destroy returns LXDR_OK (idempotent); the others LXDR_ERR_NOT_FOUND. */
typedef struct lxdr_backend_ops {
  uint32_t struct_size;
  /* Creates and starts an instance and waits until it is ready for exec. Writes the name
   * of the remote it landed on to *out_remote. OWNERSHIP: out_remote owned by caller. */
  lxdr_status (*launch)(lxdr_plugin_instance* self, const lxdr_launch_request* request,
                        const lxdr_sink* out_remote);
  /* Stops and deletes the instance. A missing instance is success. */
  lxdr_status (*destroy_instance)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                                  int64_t deadline_ms);
  /* Writes a JSON array of this manager's instances:
   * [{"name","remote","entry","job_id","created","status"}]; 1.1 adds "image" (the
   * fingerprint of the image the instance was created from; "" or absent when unknown) and
   * "devices": the instance's own devices (LXD's "devices", not those its profiles add), an
   * object {"NAME": {"KEY": "VALUE", ...}} with string values, "type" included. The host
   * compares them with its device pool holds at start-up (an item on two instances, an item
   * attached without a hold). Absent = unknown and nothing is concluded; {} = no devices. */
  lxdr_status (*list_instances)(lxdr_plugin_instance* self, int64_t deadline_ms,
                                const lxdr_sink* out_json);
  lxdr_status (*exec)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                      const lxdr_exec_request* request, lxdr_exec_result* result);
  lxdr_status (*push_file)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                           const lxdr_file_push* file);
  lxdr_status (*pull_file)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                           lxdr_str path, int64_t deadline_ms, const lxdr_sink* out);
  lxdr_status (*attach_device)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                               lxdr_str device_name, lxdr_str device_json, int64_t deadline_ms);

  /* 1.1: warm pools. Either may be NULL or return LXDR_ERR_UNSUPPORTED; the host then does
   * without (idle instances stay unfrozen; image changes are not noticed). */

  /* Freezes (frozen != 0: no CPU, memory kept) or thaws (frozen == 0) a running instance.
   * Thawing one that is not frozen, or freezing one that is, is success. */
  lxdr_status (*set_frozen)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                            int frozen, int64_t deadline_ms);
  /* Writes the fingerprint of the image a launch of this runnermap entry would use now (its
   * alias resolved on the remote it would land on). The host compares it with the "image"
   * an instance was launched from (list_instances) to replace idle instances whose alias
   * moved. OWNERSHIP: entry_json borrowed; out owned by caller. */
  lxdr_status (*image_fingerprint)(lxdr_plugin_instance* self, lxdr_str entry_json,
                                   int64_t deadline_ms, const lxdr_sink* out);

  /* 1.1: the host's instance_write_fifo (see there for the statuses): writes `data` into the
   * FIFO at `path` in the instance without an exec, or says it cannot. May be NULL. */
  lxdr_status (*write_fifo)(lxdr_plugin_instance* self, const lxdr_instance_ref* instance,
                            lxdr_str path, lxdr_str data, int64_t deadline_ms);
} lxdr_backend_ops;

/* 1.1: the job an instance is provisioned for, as the daemon recorded it from the job's
 * events. Strings are empty and numbers 0 when the event source did not say.
 * OWNERSHIP: borrowed for the duration of the call that passes it. */
typedef struct lxdr_job_context {
  uint32_t struct_size;
  uint32_t run_attempt;         /* workflow_job.run_attempt (1 for a first run) */
  uint64_t job_id;              /* workflow_job.id */
  uint64_t run_id;              /* workflow_job.run_id */
  uint64_t installation_id;     /* the GitHub App installation that sent it; 0 with a PAT */
  lxdr_str repository;          /* "owner/name" */
  lxdr_str owner;               /* "owner" of repository: a user or an organisation */
  lxdr_str organization;        /* organisation login; empty for a user's repository */
  lxdr_str workflow_name;       /* workflow_job.workflow_name */
  lxdr_str job_name;            /* workflow_job.name */
  lxdr_str head_branch;         /* workflow_job.head_branch */
  uint32_t job_label_count;     /* number of elements in job_labels */
  uint32_t entry_label_count;   /* number of elements in entry_labels */
  const lxdr_str* job_labels;   /* workflow_job.labels: what the workflow asked for */
  const lxdr_str* entry_labels; /* the runnermap entry's labels: the runner's label set */
  lxdr_str entry_name;          /* the runnermap entry that matched */
} lxdr_job_context;

/* What a provisioner works on. OWNERSHIP: borrowed for the duration of provision(). */
typedef struct lxdr_provision_request {
  uint32_t struct_size;
  uint32_t label_count;
  lxdr_instance_ref instance;
  uint64_t job_id;
  const lxdr_str* labels; /* the entry's labels: the runner's label set */
  lxdr_str scope;         /* "repos/OWNER/REPO" or "orgs/ORG": where the runner registers */
  lxdr_str entry_json;    /* the whole runnermap entry as JSON */
  lxdr_str runner_os;     /* "linux" | "win" | "osx" */
  lxdr_str runner_arch;   /* "x64" | "arm" | "arm64" */
  int64_t deadline_ms;
  /* 1.1: the job. NULL in prepare() (there is no job yet) and from a 1.0 host. */
  const lxdr_job_context* job;
} lxdr_provision_request;

/* PROVISIONER. Every operation is concurrent (different instances at once). Each returns
 * once its work is done; a log of what it did goes to *log (kept in the job's record).
 *
 * 1.1: two phases, for warm pools. The host keeps instances of an entry launched and
 * *prepared* before any job exists, and at a job only *starts* them:
 *   prepare(): everything that needs no job and no credential (runner unpacked or mounted,
 *              user created, helpers written). request->job_id is 0, scope is empty. It must
 *              not start a runner or leave a process that depends on the time since it ran:
 *              the instance may then idle for hours, frozen.
 *   start():   on an instance prepare() succeeded on, at most once: obtains the credential
 *              and starts the runner. Everything here is on the job's critical path: keep
 *              it to one push and one exec where possible.
 * prepare() followed by start() must leave the instance as provision() would. The host
 * calls provision() for cold launches and prepare()/start() for warm ones; a provisioner
 * whose prepare or start is NULL (every 1.0 provisioner) is served cold only.
 *
 * 1.1: steps. An entry may list several provisioners (`provisioners: [a, b, bash]`): the
 * host runs them in that order on the same instance within one deadline, each with its own
 * provisioner_options (the entry's `step_options.NAME`, in entry_json's provisioner_options),
 * and stops at the first that fails. Every one but the last must carry
 * LXDR_PROVISIONER_STEP in `flags`: it prepares the instance (certificates, a proxy, a job
 * env file, a driver check) and never registers or starts a runner. The last, without the
 * flag, starts the runner. A step's request has the same job and scope as the runner's;
 * with a warm pool every provisioner of the chain runs prepare() in order, then start() in
 * order, and an entry with a provisioner that has no phases is served cold. */
#define LXDR_PROVISIONER_STEP 1u

typedef struct lxdr_provisioner_ops {
  uint32_t struct_size;
  lxdr_status (*provision)(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                           const lxdr_sink* log);
  /* 1.1 */
  lxdr_status (*prepare)(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                         const lxdr_sink* log);
  lxdr_status (*start)(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                       const lxdr_sink* log);
  /* 1.1: LXDR_PROVISIONER_* bits; 0 (and every 1.0 table) = starts the runner. Unknown bits
   * are ignored. */
  uint64_t flags;
} lxdr_provisioner_ops;

/* ------------------------------------------------------------------------------------- */
/* Descriptor and entry point                                                            */
/* ------------------------------------------------------------------------------------- */

/* One plugin. A library may export several (e.g. lxd-container and lxd-vm).
 * OWNERSHIP: static, plugin-owned, valid while the library is loaded (= forever). */
typedef struct lxdr_plugin_descriptor {
  uint32_t struct_size;
  uint16_t abi_major;        /* LXDR_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor;        /* LXDR_ABI_MINOR the plugin was built against */
  uint32_t kind;             /* lxdr_plugin_kind */
  uint32_t reserved;         /* 0 */
  const char* name;          /* unique, 1-64 of [a-z0-9_-], e.g. "lxd-container"; NUL-terminated */
  const char* version;       /* the plugin's own version, e.g. "1.2.0" */
  const char* description;   /* one line for `lxdrunner plugins`; may be NULL */
  const char* config_schema; /* JSON Schema of the plugin's config; may be NULL */

  /* Creates one instance. config_json is the plugin's section of the configuration as JSON
   * text ("{}" when absent). On failure returns an error and writes a message to *error.
   * OWNERSHIP: host and host_ctx outlive the instance; config_json borrowed; *out owned
   * by the plugin until destroy(). */
  lxdr_status (*create)(const lxdr_host_api* host, void* host_ctx, lxdr_str config_json,
                        lxdr_plugin_instance** out, const lxdr_sink* error);
  /* Destroys an instance. Stops its threads first; no host call after it returns. */
  void (*destroy)(lxdr_plugin_instance* self);
  /* Message of the last failed call on this instance from the calling thread.
   * OWNERSHIP: plugin-owned, valid until the next call on this instance from this thread.
   * Never NULL. */
  const char* (*last_error)(lxdr_plugin_instance* self);

  /* Points to lxdr_event_source_ops, lxdr_backend_ops or lxdr_provisioner_ops according to
   * `kind`; each starts with its own struct_size. */
  const void* ops;
} lxdr_plugin_descriptor;

/* A library's plugins. OWNERSHIP: static, plugin-owned. */
typedef struct lxdr_plugin_list {
  uint32_t struct_size;
  uint32_t count;
  const lxdr_plugin_descriptor* const* descriptors;
} lxdr_plugin_list;

/* The exported entry point, named LXDR_PLUGIN_ENTRY_SYMBOL. The host passes its own ABI
 * version so a plugin may adapt (or return NULL to refuse); it is called once, from the
 * main thread, right after loading. */
typedef const lxdr_plugin_list* (*lxdr_plugin_entry_fn)(uint16_t host_abi_major,
                                                        uint16_t host_abi_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LXDRUNNER_PLUGIN_ABI_H */
