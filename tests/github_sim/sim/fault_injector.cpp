// SPDX-License-Identifier: Apache-2.0
#include "sim/fault_injector.hpp"

#include <algorithm>
#include <utility>

namespace lxdrunner::github_sim {
namespace {

const std::pair<const char*, Fault::Kind> kKindNames[] = {
    {"server_error", Fault::Kind::ServerError},
    {"too_many_requests", Fault::Kind::TooManyRequests},
    {"secondary_limit", Fault::Kind::SecondaryLimit},
    {"primary_limit", Fault::Kind::PrimaryLimit},
    {"delay", Fault::Kind::Delay},
};

std::string kindName(Fault::Kind kind) {
  for (const auto& [name, value] : kKindNames) {
    if (value == kind) return name;
  }
  return "unknown";
}

}  // namespace

Fault Fault::fromJson(const JsonObject& json) {
  Fault fault;
  const std::string kind = optString(json, "kind").value_or("server_error");
  bool known = false;
  for (const auto& [name, value] : kKindNames) {
    if (kind == name) {
      fault.kind = value;
      known = true;
    }
  }
  if (!known) throw BadInput("unknown fault kind \"" + kind + "\"");
  fault.status = static_cast<int>(optInt(json, "status").value_or(0));
  fault.retryAfterSeconds = optInt(json, "retry_after").value_or(1);
  fault.resetInSeconds = optInt(json, "reset_in").value_or(60);
  fault.delayMs = optInt(json, "delay_ms").value_or(0);
  fault.count = optInt(json, "count").value_or(1);
  fault.pathPrefix = optString(json, "path_prefix").value_or("");
  fault.method = optString(json, "method").value_or("");
  const int status = fault.effectiveStatus();
  if (fault.kind == Kind::ServerError && (status < 500 || status > 599)) {
    throw BadInput("server_error needs a 5xx status");
  }
  if ((fault.kind == Kind::SecondaryLimit || fault.kind == Kind::PrimaryLimit) && status != 403 &&
      status != 429) {
    throw BadInput("rate-limit faults answer 403 or 429");
  }
  if (fault.count == 0 || fault.count < -1) throw BadInput("count must be positive or -1");
  return fault;
}

JsonObject Fault::toJson() const {
  JsonObject out = newObject();
  out->set("kind", kindName(kind));
  out->set("status", effectiveStatus());
  out->set("retry_after", retryAfterSeconds);
  out->set("reset_in", resetInSeconds);
  out->set("delay_ms", delayMs);
  out->set("count", count);
  out->set("path_prefix", pathPrefix);
  out->set("method", method);
  return out;
}

int Fault::effectiveStatus() const {
  if (status != 0) return status;
  switch (kind) {
    case Kind::ServerError:
      return 500;
    case Kind::TooManyRequests:
      return 429;
    case Kind::SecondaryLimit:
    case Kind::PrimaryLimit:
      return 403;
    case Kind::Delay:
      return 200;
  }
  return 500;
}

void FaultInjector::add(Fault fault) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.push_back(std::move(fault));
}

std::optional<Fault> FaultInjector::take(const std::string& method, const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (path.compare(0, it->pathPrefix.size(), it->pathPrefix) != 0) continue;
    if (!it->method.empty() && it->method != method) continue;
    Fault hit = *it;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    return hit;
  }
  return std::nullopt;
}

void FaultInjector::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.clear();
  latencyMs_ = 0;
}

void FaultInjector::setLatencyMs(std::int64_t latencyMs) {
  std::lock_guard<std::mutex> lock(mutex_);
  latencyMs_ = std::max<std::int64_t>(0, latencyMs);
}

std::int64_t FaultInjector::latencyMs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latencyMs_;
}

JsonObject FaultInjector::toJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  JsonObject out = newObject();
  out->set("latency_ms", latencyMs_);
  JsonArray list = newArray();
  for (const auto& fault : faults_) list->add(fault.toJson());
  out->set("faults", list);
  return out;
}

}  // namespace lxdrunner::github_sim
