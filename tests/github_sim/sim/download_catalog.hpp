// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sim/json_util.hpp"
#include "sim/simulator_options.hpp"

namespace lxdrunner::github_sim {

// Files the simulator serves itself at /_sim/downloads/{filename} and lists in
// GET /{scope}/actions/runners/downloads, with the SHA-256 of the genuine bytes.
class DownloadCatalog {
 public:
  struct Entry {
    std::string os;
    std::string architecture;
    std::string filename;
    std::shared_ptr<const std::string> content;
    std::string sha256;
    bool corrupt = false;
  };

  // Adds or replaces (same os and architecture, or same file name) an entry; reads `path` when
  // the content is empty. Throws std::runtime_error when the file cannot be read.
  void add(const DownloadFile& file);
  // Makes one file (or all, when filename is empty) serve bytes that do not match the listed
  // checksum, to test that clients verify it.
  void setCorrupt(const std::string& filename, bool corrupt);
  void clear();

  std::vector<Entry> list() const;
  // The bytes to serve: the genuine ones, or a corrupted copy when the switch is on.
  std::optional<std::string> bytesFor(const std::string& filename) const;
  JsonArray toJson(const std::string& baseUrl) const;

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace lxdrunner::github_sim
