// SPDX-License-Identifier: Apache-2.0
#include "http/request_head.hpp"

namespace lxdrunner::http {

HeadState scanRequestHead(std::string_view received, std::size_t max_head_bytes) {
  const std::size_t start = received.find_first_not_of("\r\n");
  if (start == std::string_view::npos) {
    return received.size() >= max_head_bytes ? HeadState::too_large : HeadState::incomplete;
  }
  for (std::size_t nl = received.find('\n', start); nl != std::string_view::npos;
       nl = received.find('\n', nl + 1)) {
    std::size_t next = nl + 1;
    if (next < received.size() && received[next] == '\r') ++next;
    if (next < received.size() && received[next] == '\n') {
      return next + 1 > max_head_bytes ? HeadState::too_large : HeadState::complete;
    }
  }
  return received.size() >= max_head_bytes ? HeadState::too_large : HeadState::incomplete;
}

}  // namespace lxdrunner::http
