// SPDX-License-Identifier: Apache-2.0
#include "sim/download_catalog.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/digests.hpp"

namespace lxdrunner::github_sim {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read download file " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

void DownloadCatalog::add(const DownloadFile& file) {
  Entry entry;
  entry.os = file.os;
  entry.architecture = file.architecture;
  entry.filename = file.filename;
  if (entry.filename.empty() && !file.path.empty()) {
    entry.filename = file.path.substr(file.path.find_last_of('/') + 1);
  }
  if (entry.filename.empty() || entry.filename.find('/') != std::string::npos) {
    throw std::runtime_error("a download needs a plain file name");
  }
  entry.content = std::make_shared<const std::string>(
      file.content.empty() && !file.path.empty() ? readFile(file.path) : file.content);
  entry.sha256 = sha256Hex(*entry.content);

  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(
      std::remove_if(entries_.begin(), entries_.end(),
                     [&](const Entry& e) {
                       return (e.os == entry.os && e.architecture == entry.architecture) ||
                              e.filename == entry.filename;
                     }),
      entries_.end());
  entries_.push_back(std::move(entry));
}

void DownloadCatalog::setCorrupt(const std::string& filename, bool corrupt) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& entry : entries_) {
    if (filename.empty() || entry.filename == filename) entry.corrupt = corrupt;
  }
}

void DownloadCatalog::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

std::vector<DownloadCatalog::Entry> DownloadCatalog::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

std::optional<std::string> DownloadCatalog::bytesFor(const std::string& filename) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& entry : entries_) {
    if (entry.filename != filename) continue;
    std::string bytes = *entry.content;
    if (entry.corrupt) {
      // Flip bits in the middle and drop the last byte: both a checksum and a size check fail.
      if (!bytes.empty()) bytes[bytes.size() / 2] = static_cast<char>(~bytes[bytes.size() / 2]);
      if (bytes.size() > 1) bytes.pop_back();
      if (bytes.empty()) bytes = "corrupt";
    }
    return bytes;
  }
  return std::nullopt;
}

JsonArray DownloadCatalog::toJson(const std::string& baseUrl) const {
  std::lock_guard<std::mutex> lock(mutex_);
  JsonArray out = newArray();
  for (const auto& entry : entries_) {
    std::string encoded;
    Poco::URI::encode(entry.filename, "/?#&=+", encoded);
    JsonObject item = newObject();
    item->set("os", entry.os);
    item->set("architecture", entry.architecture);
    item->set("download_url", baseUrl + "/_sim/downloads/" + encoded);
    item->set("filename", entry.filename);
    item->set("sha256_checksum", entry.sha256);
    out->add(item);
  }
  return out;
}

}  // namespace lxdrunner::github_sim
