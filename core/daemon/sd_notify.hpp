// SPDX-License-Identifier: Apache-2.0
// Readiness and status notifications to systemd (Type=notify services), without libsystemd.
//
// The protocol is one AF_UNIX datagram of newline-separated KEY=VALUE lines sent to the
// socket named by $NOTIFY_SOCKET: a filesystem path ("/run/systemd/notify") or an abstract
// socket ("@name", the '@' standing for the leading NUL byte). It is a documented, stable
// interface (sd_notify(3), "Interface Portability and Stability"), small enough that linking
// libsystemd for it would cost more than it saves. When $NOTIFY_SOCKET is unset (started by
// hand, under another supervisor, in tests) every call does nothing.
#pragma once

#include <string>
#include <string_view>

namespace lxdrunner::daemon {

// The environment variable systemd sets for Type=notify services.
inline constexpr const char* kNotifySocketEnv = "NOTIFY_SOCKET";

// Sends `state` ("READY=1", "STATUS=...", several lines joined with '\n') to $NOTIFY_SOCKET.
// True when the datagram was delivered; false when NOTIFY_SOCKET is unset or empty (nothing
// to do) or the message could not be sent (unsupported address, socket gone). Never throws:
// a daemon must not stop because its supervisor cannot be told something.
bool sdNotify(std::string_view state);

// Sends `state` to the socket `address`, written as in $NOTIFY_SOCKET ("/path" or "@name").
bool sdNotifyTo(std::string_view address, std::string_view state);

// The daemon is up: sources started, HTTP server listening. Ends "activating" in systemctl.
bool notifyReady();
// The daemon has begun to stop (in-flight work is finishing).
bool notifyStopping();
// A one-line status shown by `systemctl status`. Line breaks in `text` become spaces,
// since a newline would start a new KEY=VALUE line of the protocol.
bool notifyStatus(std::string_view text);

// The STATUS= line notifyStatus sends for `text`; exposed for tests.
std::string statusLine(std::string_view text);

}  // namespace lxdrunner::daemon
