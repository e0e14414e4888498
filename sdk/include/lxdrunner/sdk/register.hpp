// SPDX-License-Identifier: Apache-2.0
// Turns C++ plugin classes into C descriptors and the exported entry symbol:
//
//   class MyProvisioner : public lxdrunner::sdk::Provisioner { ... };
//   LXDRUNNER_PLUGINS(MyProvisioner)
//
// Every entry point is wrapped in a catch-all: nothing thrown escapes into the host.
#pragma once

#include <memory>
#include <string>
#include <type_traits>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/plugin.hpp"
#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::sdk::detail {
// Everything here has internal linkage, so each plugin library has its own descriptors, ops
// tables and error buffer. With external linkage these statics become STB_GNU_UNIQUE symbols
// in a plugin built without hidden visibility, and the dynamic linker merges those across
// libraries even under RTLD_LOCAL: two plugins whose classes share a name would both hand
// out the descriptor of whichever loaded first.
namespace {

// One buffer per thread: last_error() is read by the host right after the failing call on
// the same thread, so a per-thread buffer keeps concurrent calls from clobbering each other.
inline std::string& lastErrorBuffer() {
  thread_local std::string buffer;
  return buffer;
}

template <class Fn>
lxdr_status guarded(Fn&& fn) noexcept {
  try {
    fn();
    return LXDR_OK;
  } catch (const Error& e) {
    lastErrorBuffer() = e.what();
    return e.status() == LXDR_OK ? LXDR_ERR_INTERNAL : e.status();
  } catch (const std::exception& e) {
    lastErrorBuffer() = e.what();
  } catch (...) {
    lastErrorBuffer() = "unknown exception";
  }
  return LXDR_ERR_INTERNAL;
}

inline PluginBase* base(lxdr_plugin_instance* self) noexcept {
  return reinterpret_cast<PluginBase*>(self);
}
template <class T>
T& as(lxdr_plugin_instance* self) noexcept {
  return *static_cast<T*>(base(self));
}

template <class T, class = void>
struct ConfigSchema {
  static constexpr const char* value = nullptr;
};
template <class T>
struct ConfigSchema<T, std::void_t<decltype(T::kConfigSchema)>> {
  static constexpr const char* value = T::kConfigSchema;
};

template <class T>
struct Adapter {
  static lxdr_status create(const lxdr_host_api* host, void* host_ctx, lxdr_str config_json,
                            lxdr_plugin_instance** out, const lxdr_sink* error) noexcept {
    if (out == nullptr) return LXDR_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    lxdr_status s = guarded([&] {
      PluginBase* made = new T(Host(host, host_ctx), copy(config_json));
      *out = reinterpret_cast<lxdr_plugin_instance*>(made);
    });
    if (s != LXDR_OK) write(error, lastErrorBuffer());
    return s;
  }
  static void destroy(lxdr_plugin_instance* self) noexcept {
    guarded([&] { delete base(self); });
  }
  static const char* lastError(lxdr_plugin_instance*) noexcept { return lastErrorBuffer().c_str(); }

  // Event source
  static lxdr_status start(lxdr_plugin_instance* self) noexcept {
    return guarded([&] { as<T>(self).start(); });
  }
  static lxdr_status stop(lxdr_plugin_instance* self) noexcept {
    return guarded([&] { as<T>(self).stop(); });
  }

  // Backend
  static lxdr_status launch(lxdr_plugin_instance* self, const lxdr_launch_request* request,
                            const lxdr_sink* out_remote) noexcept {
    return guarded([&] { write(out_remote, as<T>(self).launch(LaunchRequest::fromC(request))); });
  }
  static lxdr_status destroyInstance(lxdr_plugin_instance* self, const lxdr_instance_ref* ref,
                                     int64_t deadline_ms) noexcept {
    return guarded([&] { as<T>(self).destroy(InstanceRef::fromC(*ref), deadline_ms); });
  }
  static lxdr_status listInstances(lxdr_plugin_instance* self, int64_t deadline_ms,
                                   const lxdr_sink* out) noexcept {
    return guarded([&] { write(out, as<T>(self).listInstances(deadline_ms)); });
  }
  static lxdr_status exec(lxdr_plugin_instance* self, const lxdr_instance_ref* ref,
                          const lxdr_exec_request* request, lxdr_exec_result* result) noexcept {
    return guarded([&] {
      ExecResult r = as<T>(self).exec(InstanceRef::fromC(*ref), ExecRequest::fromC(request));
      result->exit_code = r.exit_code;
      write(&result->out, r.out);
      write(&result->err, r.err);
    });
  }
  static lxdr_status pushFile(lxdr_plugin_instance* self, const lxdr_instance_ref* ref,
                              const lxdr_file_push* file) noexcept {
    return guarded([&] {
      lxdr_file_push c = readVersioned(file);
      FilePush f;
      f.path = copy(c.path);
      f.mode = c.mode;
      f.uid = c.uid;
      f.gid = c.gid;
      f.deadline_ms = c.deadline_ms;
      f.read = [source = c.content](char* buffer, size_t capacity) {
        size_t n = 0;
        lxdr_status s = source.read(source.ctx, buffer, capacity, &n);
        if (s != LXDR_OK) throw Error(s, "reading the file content failed");
        return n;
      };
      as<T>(self).pushFile(InstanceRef::fromC(*ref), f);
    });
  }
  static lxdr_status pullFile(lxdr_plugin_instance* self, const lxdr_instance_ref* ref,
                              lxdr_str path, int64_t deadline_ms, const lxdr_sink* out) noexcept {
    return guarded([&] {
      write(out, as<T>(self).pullFile(InstanceRef::fromC(*ref), copy(path), deadline_ms));
    });
  }
  static lxdr_status attachDevice(lxdr_plugin_instance* self, const lxdr_instance_ref* ref,
                                  lxdr_str name, lxdr_str json, int64_t deadline_ms) noexcept {
    return guarded([&] {
      as<T>(self).attachDevice(InstanceRef::fromC(*ref), copy(name), copy(json), deadline_ms);
    });
  }

  static lxdr_status setFrozen(lxdr_plugin_instance* self, const lxdr_instance_ref* ref, int frozen,
                               int64_t deadline_ms) noexcept {
    return guarded(
        [&] { as<T>(self).setFrozen(InstanceRef::fromC(*ref), frozen != 0, deadline_ms); });
  }
  static lxdr_status imageFingerprint(lxdr_plugin_instance* self, lxdr_str entry_json,
                                      int64_t deadline_ms, const lxdr_sink* out) noexcept {
    return guarded(
        [&] { write(out, as<T>(self).imageFingerprint(copy(entry_json), deadline_ms)); });
  }
  static lxdr_status writeFifo(lxdr_plugin_instance* self, const lxdr_instance_ref* ref,
                               lxdr_str path, lxdr_str data, int64_t deadline_ms) noexcept {
    return guarded([&] {
      as<T>(self).writeFifo(InstanceRef::fromC(*ref), copy(path), copy(data), deadline_ms);
    });
  }

  // Provisioner
  static lxdr_status provision(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                               const lxdr_sink* log) noexcept {
    std::string text;
    lxdr_status s = guarded([&] { as<T>(self).provision(ProvisionRequest::fromC(request), text); });
    write(log, text);
    return s;
  }
  static lxdr_status prepare(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                             const lxdr_sink* log) noexcept {
    std::string text;
    lxdr_status s = guarded([&] {
      if constexpr (std::is_base_of_v<PhasedProvisioner, T>) {
        as<T>(self).prepare(ProvisionRequest::fromC(request), text);
      }
    });
    write(log, text);
    return s;
  }
  static lxdr_status startRunner(lxdr_plugin_instance* self, const lxdr_provision_request* request,
                                 const lxdr_sink* log) noexcept {
    std::string text;
    lxdr_status s = guarded([&] {
      if constexpr (std::is_base_of_v<PhasedProvisioner, T>) {
        as<T>(self).start(ProvisionRequest::fromC(request), text);
      }
    });
    write(log, text);
    return s;
  }

  static constexpr uint64_t provisionerFlags() noexcept {
    if constexpr (T::kKind == LXDR_KIND_PROVISIONER) {
      return T::kIsStep ? LXDR_PROVISIONER_STEP : 0;
    } else {
      return 0;
    }
  }

  static const void* ops() noexcept {
    if constexpr (T::kKind == LXDR_KIND_EVENT_SOURCE) {
      static const lxdr_event_source_ops o{sizeof(lxdr_event_source_ops), &start, &stop};
      return &o;
    } else if constexpr (T::kKind == LXDR_KIND_BACKEND) {
      static const lxdr_backend_ops o{sizeof(lxdr_backend_ops),
                                      &launch,
                                      &destroyInstance,
                                      &listInstances,
                                      &exec,
                                      &pushFile,
                                      &pullFile,
                                      &attachDevice,
                                      &setFrozen,
                                      &imageFingerprint,
                                      &writeFifo};
      return &o;
    } else if constexpr (std::is_base_of_v<PhasedProvisioner, T>) {
      static const lxdr_provisioner_ops o{sizeof(lxdr_provisioner_ops), &provision, &prepare,
                                          &startRunner, provisionerFlags()};
      return &o;
    } else {
      // Cold only: the host sees no prepare/start and never puts the entry in a warm pool.
      static const lxdr_provisioner_ops o{sizeof(lxdr_provisioner_ops), &provision, nullptr,
                                          nullptr, provisionerFlags()};
      return &o;
    }
  }

  static const lxdr_plugin_descriptor* descriptor() noexcept {
    static const lxdr_plugin_descriptor d{sizeof(lxdr_plugin_descriptor),
                                          LXDR_ABI_MAJOR,
                                          LXDR_ABI_MINOR,
                                          static_cast<uint32_t>(T::kKind),
                                          0,
                                          T::kName,
                                          T::kVersion,
                                          T::kDescription,
                                          ConfigSchema<T>::value,
                                          &create,
                                          &destroy,
                                          &lastError,
                                          ops()};
    return &d;
  }
};

template <class T>
constexpr bool checkPluginClass() {
  static_assert(std::is_base_of_v<EventSource, T> || std::is_base_of_v<Backend, T> ||
                    std::is_base_of_v<Provisioner, T>,
                "a plugin class derives from sdk::EventSource, sdk::Backend or sdk::Provisioner");
  static_assert(!std::is_abstract_v<T>, "a plugin class overrides every pure virtual function");
  static_assert(std::is_constructible_v<T, Host, std::string>,
                "a plugin class has a constructor (sdk::Host, std::string config_json)");
  static_assert(std::is_convertible_v<decltype(T::kName), const char*> &&
                    std::is_convertible_v<decltype(T::kVersion), const char*> &&
                    std::is_convertible_v<decltype(T::kDescription), const char*>,
                "a plugin class has static constexpr const char* kName, kVersion, kDescription");
  return true;
}

template <class... Ts>
const lxdr_plugin_list* pluginList() noexcept {
  static_assert(sizeof...(Ts) > 0, "LXDRUNNER_PLUGINS needs at least one class");
  static_assert((checkPluginClass<Ts>() && ...));
  static const lxdr_plugin_descriptor* const descriptors[] = {Adapter<Ts>::descriptor()...};
  static const lxdr_plugin_list list{sizeof(lxdr_plugin_list), static_cast<uint32_t>(sizeof...(Ts)),
                                     descriptors};
  return &list;
}

}  // namespace
}  // namespace lxdrunner::sdk::detail

// Emits the library's C entry point for the listed plugin classes. Use once per library.
#define LXDRUNNER_PLUGINS(...)                                                                     \
  extern "C" LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t host_abi_major,   \
                                                                        uint16_t host_abi_minor);  \
  extern "C" LXDR_EXPORT const lxdr_plugin_list* lxdrunner_plugin_entry(uint16_t host_abi_major,   \
                                                                        uint16_t host_abi_minor) { \
    (void)host_abi_major;                                                                          \
    (void)host_abi_minor;                                                                          \
    return ::lxdrunner::sdk::detail::pluginList<__VA_ARGS__>();                                    \
  }                                                                                                \
  static_assert(std::is_same_v<decltype(&lxdrunner_plugin_entry), lxdr_plugin_entry_fn>,           \
                "entry point signature matches lxdr_plugin_entry_fn")
