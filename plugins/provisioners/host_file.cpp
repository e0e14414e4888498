// SPDX-License-Identifier: Apache-2.0
#include "host_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::provisioners {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr openForReading(const std::string& path, const std::string& what) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    throw sdk::Error(LXDR_ERR_NOT_FOUND,
                     what + " " + path + " cannot be opened: " + std::strerror(errno));
  }
  return f;
}

}  // namespace

sdk::FilePush pushFromHostFile(const std::string& host_path, std::string guest_path,
                               uint32_t mode) {
  return sdk::FilePush::fromFile(std::move(guest_path), host_path, mode);
}

uint64_t hostFileSize(const std::string& host_path) {
  struct stat st {};
  if (::stat(host_path.c_str(), &st) != 0 || st.st_size < 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

std::string readHostFile(const std::string& host_path) {
  FilePtr f = openForReading(host_path, "host file");
  std::string content;
  char buffer[8192];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f.get())) > 0) content.append(buffer, n);
  if (std::ferror(f.get()) != 0) {
    throw sdk::Error(LXDR_ERR_INTERNAL, "reading " + host_path + " failed");
  }
  return content;
}

}  // namespace lxdrunner::provisioners
