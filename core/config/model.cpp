// SPDX-License-Identifier: Apache-2.0
#include "config/model.hpp"

#include <algorithm>

namespace lxdrunner::config {

const Remote* Config::findRemote(std::string_view name) const {
  const auto found = std::find_if(remotes.begin(), remotes.end(),
                                  [name](const Remote& remote) { return remote.name == name; });
  return found == remotes.end() ? nullptr : &*found;
}

}  // namespace lxdrunner::config
