// SPDX-License-Identifier: Apache-2.0
#include "exec_streams.hpp"

#include <Poco/Buffer.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/Socket.h>
#include <sys/socket.h>

#include <algorithm>
#include <thread>

#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::lxd {

namespace {

constexpr size_t kFrame = 64 * 1024;
constexpr std::chrono::milliseconds kPoll{200};

// What a frame from LXD is: only binary frames carry the command's output; an empty text
// frame is LXD's end of file, other text frames are LXD's own (LXD 5.0 sends "keepalive").
enum class Frame { kData, kEnd, kIgnore };

Frame classify(int received, int flags) {
  const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
  if (op == Poco::Net::WebSocket::FRAME_OP_CLOSE) return Frame::kEnd;
  if (op == Poco::Net::WebSocket::FRAME_OP_TEXT)
    return received <= 0 ? Frame::kEnd : Frame::kIgnore;
  if (op == Poco::Net::WebSocket::FRAME_OP_PING || op == Poco::Net::WebSocket::FRAME_OP_PONG) {
    return Frame::kIgnore;
  }
  if (received <= 0 && flags == 0) return Frame::kEnd;  // the connection ended
  return Frame::kData;
}

void sendInput(Poco::Net::WebSocket& in, const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    const size_t n = std::min(kFrame, data.size() - sent);
    in.sendFrame(data.data() + sent, static_cast<int>(n), Poco::Net::WebSocket::FRAME_BINARY);
    sent += n;
  }
  // End of file, as LXD's own client says it; the close frame for newer servers.
  in.sendFrame("", 0, Poco::Net::WebSocket::FRAME_TEXT);
  in.shutdown();
}

// Unblocks a writer stuck in send(2) on `in` (close(2) from another thread does not).
void abandon(Poco::Net::WebSocket& in) {
  ::shutdown(in.impl()->sockfd(), SHUT_RDWR);
}

}  // namespace

void pumpExecStreams(ExecSockets& sockets, const std::string& data, const BodySink& out,
                     const BodySink& err, Deadline deadline, const std::string& what) {
  std::thread writer([&] {
    try {
      sendInput(sockets.in, data);
    } catch (const Poco::Exception&) {
      // The command may end without reading all its input; that is its business (a shell
      // gets SIGPIPE the same way), not a failure of the exec, whose end the reader sees.
    }
  });
  struct JoinOnExit {
    std::thread& t;
    ~JoinOnExit() {
      if (t.joinable()) t.join();
    }
  } join{writer};

  bool out_open = true;
  bool err_open = true;
  try {
    while (out_open || err_open) {
      if (deadline.expired()) {
        abandon(sockets.in);
        throw LxdError(LXDR_ERR_TIMEOUT, what + ": the deadline passed while it ran");
      }
      Poco::Net::Socket::SocketList readable;
      if (out_open) readable.push_back(sockets.out);
      if (err_open) readable.push_back(sockets.err);
      Poco::Net::Socket::SocketList writable;
      Poco::Net::Socket::SocketList failed;
      const auto wait = deadline.remaining(kPoll);
      if (Poco::Net::Socket::select(readable, writable, failed,
                                    Poco::Timespan(wait.count() * 1000)) == 0) {
        continue;
      }
      for (auto& socket : readable) {
        const bool is_out = socket == sockets.out;
        Poco::Net::WebSocket& ws = is_out ? sockets.out : sockets.err;
        int flags = 0;
        Poco::Buffer<char> frame(0);  // grows to the frame's size, whatever LXD sends
        const int n = ws.receiveFrame(frame, flags);
        const Frame kind = classify(n, flags);
        if (kind == Frame::kEnd) {
          (is_out ? out_open : err_open) = false;
          continue;
        }
        if (kind == Frame::kIgnore) continue;
        const BodySink& sink = is_out ? out : err;
        if (sink && n > 0) sink(frame.begin(), static_cast<size_t>(n));
      }
    }
  } catch (const LxdError&) {
    throw;
  } catch (const Poco::TimeoutException&) {
    abandon(sockets.in);
    throw LxdError(LXDR_ERR_TIMEOUT, what + ": no output in time");
  } catch (const Poco::Exception& e) {
    abandon(sockets.in);
    throw LxdError(LXDR_ERR_TRANSIENT, what + ": its output stream broke: " + e.displayText());
  }
  writer.join();
}

}  // namespace lxdrunner::lxd
