// SPDX-License-Identifier: Apache-2.0
// Whether the bytes received so far hold a whole HTTP/1.x request head. The connection gate
// hands a connection to a worker thread only once they do, so a client that sends its head
// a byte at a time waits in the gate (one file descriptor) instead of holding a thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace lxdrunner::http {

enum class HeadState {
  incomplete,  // wait for more bytes
  complete,    // request line and headers are all here (the body may follow)
  too_large,   // no end of head within the limit: answer 431 and close
};

// Empty lines before the request line are skipped, as RFC 9112 §2.2 lets servers do; a head
// ends with an empty line (CRLF CRLF, or LF LF from lenient clients, which Poco also reads).
HeadState scanRequestHead(std::string_view received, std::size_t max_head_bytes);

}  // namespace lxdrunner::http
