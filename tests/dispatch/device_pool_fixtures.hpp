// SPDX-License-Identifier: Apache-2.0
// Device pools and entries using them, for the dispatcher tests (device pools, cold and warm).
#pragma once

#include <string>
#include <vector>

#include "harness.hpp"

namespace lxdrunner::dispatch::test {

inline config::DevicePool ttyPool(const std::string& name, std::vector<std::string> sources,
                                  const std::string& remote = "main") {
  config::DevicePool pool;
  pool.name = name;
  pool.type = config::DevicePoolType::UnixChar;
  for (auto& source : sources) {
    config::DevicePoolItem item;
    item.remote = remote;
    item.settings = {{"source", std::move(source)}};
    pool.items.push_back(std::move(item));
  }
  return pool;
}

// An entry whose instances get one item of `pool` as device "tty", seen at /dev/board.
inline config::RunnerEntry boardEntry(const std::string& name, std::vector<std::string> labels,
                                      int max_workers, const std::string& pool = "ttys") {
  auto e = makeEntry(name, std::move(labels), max_workers);
  e.device_pools = {{"tty", pool}};
  e.devices = {{"tty", {{"path", "/dev/board"}}}};
  return e;
}

// "item@instance" for every hold.
inline std::vector<std::string> heldItems(const jobs::JobStore& store) {
  std::vector<std::string> out;
  for (const auto& h : store.deviceHolds()) out.push_back(h.item + "@" + h.instance);
  return out;
}

}  // namespace lxdrunner::dispatch::test
