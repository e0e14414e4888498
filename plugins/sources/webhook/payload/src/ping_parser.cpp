// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/ping_parser.hpp"

#include <cstdint>
#include <string>

#include "payload_reader.hpp"

namespace lxdrunner::webhook {
namespace {

using detail::PayloadReader;
using Null = PayloadReader::Null;

enum PingKey : std::uint32_t { kZen = 1u << 0, kHookId = 1u << 1 };

}  // namespace

ParseResult<PingPayload> parsePing(std::string_view body) {
  PayloadReader r(body);
  PingPayload out;
  std::uint32_t seen = 0;
  if (r.enterObject("body", Null::kRejected)) {
    std::string_view key;
    while (r.json().nextMember(key)) {
      if (key == "zen") {
        r.markSeen(seen, kZen, "zen");
        r.readString("zen", out.zen, Null::kAllowed);
      } else if (key == "hook_id") {
        r.markSeen(seen, kHookId, "hook_id");
        r.readUnsigned("hook_id", out.hook_id, UINT64_MAX, Null::kRejected);
      } else {
        r.json().skipValue();
      }
    }
  }
  if (auto error = r.finish()) return std::move(*error);
  if ((seen & kHookId) == 0) {
    return ParseError{ParseErrorKind::kMissingField, ParseError::kNoPosition, "missing hook_id"};
  }
  return out;
}

}  // namespace lxdrunner::webhook
