// SPDX-License-Identifier: Apache-2.0
// A file to push into an instance. Built from bytes (fromContent) or from a host file
// (fromFile), it can be pushed any number of times: each push starts the content over, so a
// retry sends the whole file again, never an empty one.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::sdk {

struct FilePush {
  // Fills `buffer` with up to `capacity` bytes and returns the count; 0 = end. Throws on a
  // read error (sdk::Error or any std::exception; the message reaches the pusher intact).
  using Reader = std::function<size_t(char* buffer, size_t capacity)>;

  std::string path;  // absolute path in the instance
  uint32_t mode = 0600;
  uint32_t uid = 0;
  uint32_t gid = 0;
  // The content as one stream. A backend reads this; a provisioner that sets it by hand gets
  // a one-shot push (a second push continues where the first stopped).
  Reader read;
  int64_t deadline_ms = 0;
  // Starts the content over: a fresh Reader for one push. Set by fromContent() and fromFile();
  // Host::pushFile() reads through it when it is set.
  std::function<Reader()> open;

  static FilePush fromContent(std::string path, std::string content, uint32_t mode = 0600) {
    FilePush f;
    f.path = std::move(path);
    f.mode = mode;
    f.open = [data = std::make_shared<const std::string>(std::move(content))] {
      return Reader([data, offset = size_t{0}](char* buffer, size_t capacity) mutable {
        const size_t n = std::min(capacity, data->size() - offset);
        data->copy(buffer, n, offset);
        offset += n;
        return n;
      });
    };
    f.read = f.open();
    return f;
  }

  // Streams `host_path` (never held whole in memory), opened anew for each push. Opened once
  // here too, so a missing or unreadable file is an error before anything is pushed:
  // Error(LXDR_ERR_NOT_FOUND) naming the file and the reason.
  static FilePush fromFile(std::string path, std::string host_path, uint32_t mode = 0600) {
    FilePush f;
    f.path = std::move(path);
    f.mode = mode;
    f.open = [host_path = std::move(host_path)] {
      std::shared_ptr<std::FILE> file(std::fopen(host_path.c_str(), "rb"), [](std::FILE* p) {
        if (p != nullptr) std::fclose(p);
      });
      if (!file) {
        throw Error(LXDR_ERR_NOT_FOUND,
                    "host file " + host_path + " cannot be opened: " + std::strerror(errno));
      }
      return Reader([file, host_path](char* buffer, size_t capacity) {
        const size_t n = std::fread(buffer, 1, capacity, file.get());
        if (n == 0 && std::ferror(file.get()) != 0) {
          throw Error(LXDR_ERR_INTERNAL,
                      "reading host file " + host_path + " failed: " + std::strerror(errno));
        }
        return n;
      });
    };
    f.read = f.open();
    return f;
  }
};

}  // namespace lxdrunner::sdk
