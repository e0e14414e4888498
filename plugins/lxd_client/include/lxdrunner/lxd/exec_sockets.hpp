// SPDX-License-Identifier: Apache-2.0
// The websockets of a non-interactive LXD exec ("wait-for-websocket": true): fd 0 takes the
// command's standard input, fds 1 and 2 carry its output, "control" stays open until the
// command has ended (LXD may end a command whose control connection goes away). LXD starts
// the command once all four are connected.
#pragma once

#include <Poco/Net/WebSocket.h>

namespace lxdrunner::lxd {

struct ExecSockets {
  Poco::Net::WebSocket in;
  Poco::Net::WebSocket out;
  Poco::Net::WebSocket err;
  Poco::Net::WebSocket control;
};

}  // namespace lxdrunner::lxd
