// SPDX-License-Identifier: Apache-2.0
// Streams one file from an HTTP(S) URL to disk while hashing it: redirects followed (bounded,
// never from https to http), TLS verified, nothing held whole in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace lxdrunner::runner_cache {

struct DownloadRequest {
  std::string url;
  // GitHub's temp_download_token, sent as a Bearer token to the URL's own origin only (a
  // redirect elsewhere, e.g. to a pre-signed storage URL, must not receive it). Secret.
  std::string bearer_token;
  std::string ca_file;  // extra CA bundle (GHES); empty = system CAs
  std::chrono::steady_clock::time_point deadline;
  std::function<bool()> cancelled;  // polled between chunks
  int max_redirects = 5;
  std::chrono::milliseconds io_timeout{60000};  // one stalled read gives up after this
  uint64_t max_bytes = uint64_t{1} << 30;       // runner packages are ~200 MB
};

struct DownloadResult {
  uint64_t bytes = 0;
  std::string sha256_hex;  // lower case
};

// Thrown with one line naming the URL (without its query: pre-signed URLs carry secrets there)
// and what went wrong.
class DownloadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Creates `file_path` (must not exist; mode 0644) and fills it. On any failure the file is
// removed and DownloadError is thrown.
DownloadResult downloadToFile(const DownloadRequest& request, const std::string& file_path);

// scheme://host[:port]/path: a URL fit for logs and error lines.
std::string urlForMessages(const std::string& url);

}  // namespace lxdrunner::runner_cache
