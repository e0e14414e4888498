// SPDX-License-Identifier: Apache-2.0
#include "config/detail/file_reading.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace lxdrunner::config::detail {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// std::strerror is not thread-safe; the generic category gives the same text safely.
std::string describeErrno(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

// stdio rather than iostreams because it reports errno, and "Permission denied" is exactly what
// an operator needs to see when a secret file has the wrong owner.
FileContent readWholeFile(const std::string& path) {
  FileContent content;
  errno = 0;
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    content.error = describeErrno(errno);
    return content;
  }
  std::string text;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, count);
  }
  if (std::ferror(file.get()) != 0) {
    content.error = errno != 0 ? describeErrno(errno) : "read error";
    return content;
  }
  content.text = std::move(text);
  return content;
}

}  // namespace lxdrunner::config::detail
