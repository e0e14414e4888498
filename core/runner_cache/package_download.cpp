// SPDX-License-Identifier: Apache-2.0
#include "runner_cache/package_download.hpp"

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>
#include <memory>
#include <mutex>
#include <vector>

namespace lxdrunner::runner_cache {
namespace {

using Clock = std::chrono::steady_clock;

std::string describe(const Poco::URI& uri) {
  std::string out = uri.getScheme() + "://" + uri.getHost();
  const bool default_port = (uri.getScheme() == "https" && uri.getPort() == 443) ||
                            (uri.getScheme() == "http" && uri.getPort() == 80);
  if (!default_port) out += ":" + std::to_string(uri.getPort());
  return out + uri.getPath();
}

bool sameOrigin(const Poco::URI& a, const Poco::URI& b) {
  return a.getScheme() == b.getScheme() && a.getHost() == b.getHost() && a.getPort() == b.getPort();
}

bool isRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Poco::Net::Context::Ptr tlsContext(const std::string& ca_file) {
  static std::once_flag ssl_once;
  std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
  // As in github/http_transport.cpp: VERIFY_RELAXED on a client verifies the chain, extended
  // verification checks the host name, loadDefaultCAs adds the system trust store.
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                             Poco::Net::Context::VERIFY_RELAXED, 9, true, "HIGH:!aNULL:!MD5:!RC4");
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const Poco::URI& uri,
                                                          const std::string& ca_file) {
  if (uri.getScheme() == "https") {
    return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                           tlsContext(ca_file));
  }
  return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

// The file being written; removed unless release() is called.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw DownloadError("cannot create " + path + ": " + std::strerror(errno));
    ::fchmod(fd_, 0644);  // whatever the daemon's umask: instances read it
  }
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw DownloadError("cannot write " + path_ + ": " + std::strerror(errno));
      data += n;
      size -= static_cast<size_t>(n);
    }
  }
  // Flushed to disk before the caller renames it into place, so a crash cannot leave a
  // renamed but empty package behind.
  void keep() {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      throw DownloadError("cannot save " + path_ + ": " + std::strerror(errno));
    }
    fd_ = -1;
    kept_ = true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool kept_ = false;
};

void checkTime(const DownloadRequest& request, const std::string& where) {
  if (request.cancelled && request.cancelled()) {
    throw DownloadError("download from " + where + " cancelled: lxdrunner is stopping");
  }
  if (Clock::now() >= request.deadline) {
    throw DownloadError("download from " + where + " did not finish before its deadline");
  }
}

Poco::Timespan ioTimeout(const DownloadRequest& request) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(request.deadline - Clock::now());
  const auto ms = std::max<std::chrono::milliseconds::rep>(
      1, std::min(left.count(), request.io_timeout.count()));
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

DownloadResult streamBody(std::istream& in, int64_t content_length, const DownloadRequest& request,
                          const std::string& where, const std::string& file_path) {
  if (content_length >= 0 && static_cast<uint64_t>(content_length) > request.max_bytes) {
    throw DownloadError("download from " + where + " is " + std::to_string(content_length) +
                        " bytes, more than the " + std::to_string(request.max_bytes) +
                        " a runner package may have: refusing it");
  }
  OutputFile out(file_path);
  Poco::Crypto::DigestEngine sha256("SHA256");
  std::vector<char> buffer(64 * 1024);
  DownloadResult result;
  // Makes a broken connection surface as the Poco exception that says why.
  in.exceptions(std::ios::badbit);
  while (true) {
    checkTime(request, where);
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got > 0) {
      sha256.update(buffer.data(), got);
      out.write(buffer.data(), got);
      result.bytes += got;
      if (result.bytes > request.max_bytes) {
        throw DownloadError("download from " + where + " exceeds " +
                            std::to_string(request.max_bytes) + " bytes: refusing it");
      }
    }
    if (!in) break;
  }
  if (content_length >= 0 && result.bytes != static_cast<uint64_t>(content_length)) {
    throw DownloadError("download from " + where + " ended after " + std::to_string(result.bytes) +
                        " of " + std::to_string(content_length) + " bytes");
  }
  out.keep();
  result.sha256_hex = Poco::Crypto::DigestEngine::digestToHex(sha256.digest());
  return result;
}

}  // namespace

std::string urlForMessages(const std::string& url) {
  try {
    return describe(Poco::URI(url));
  } catch (const Poco::Exception&) {
    return "(an unparsable URL)";
  }
}

DownloadResult downloadToFile(const DownloadRequest& request, const std::string& file_path) {
  Poco::URI uri;
  try {
    uri = Poco::URI(request.url);
  } catch (const Poco::Exception&) {
    throw DownloadError("download URL " + urlForMessages(request.url) + " is not a valid URL");
  }
  if (uri.getScheme() != "https" && uri.getScheme() != "http") {
    throw DownloadError("download URL " + describe(uri) + " is neither https:// nor http://");
  }
  const Poco::URI origin = uri;
  for (int redirects = 0;; ++redirects) {
    const std::string where = describe(uri);
    checkTime(request, where);
    try {
      auto session = openSession(uri, request.ca_file);
      session->setTimeout(ioTimeout(request));
      Poco::Net::HTTPRequest get(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      get.set("User-Agent", "lxdrunner");
      get.set("Accept", "application/octet-stream");
      if (!request.bearer_token.empty() && sameOrigin(uri, origin)) {
        get.set("Authorization", "Bearer " + request.bearer_token);
      }
      session->sendRequest(get);
      Poco::Net::HTTPResponse response;
      std::istream& body = session->receiveResponse(response);
      const int status = static_cast<int>(response.getStatus());
      if (isRedirect(status)) {
        if (redirects >= request.max_redirects) {
          throw DownloadError("download from " + describe(origin) + " was redirected more than " +
                              std::to_string(request.max_redirects) + " times: giving up");
        }
        if (!response.has("Location")) {
          throw DownloadError(where + " answered HTTP " + std::to_string(status) +
                              " without a Location header");
        }
        Poco::URI next(uri);
        next.resolve(response.get("Location"));
        if (next.getScheme() != "https" && next.getScheme() != "http") {
          throw DownloadError(where + " redirected to a URL that is neither https:// nor http://");
        }
        if (uri.getScheme() == "https" && next.getScheme() != "https") {
          throw DownloadError(where + " redirected from https to " + describe(next) +
                              ": refusing to download a runner package without TLS");
        }
        uri = next;
        continue;
      }
      if (status != 200) {
        throw DownloadError("download from " + where + " answered HTTP " + std::to_string(status) +
                            " " + response.getReason());
      }
      const int64_t length = response.hasContentLength()
                                 ? static_cast<int64_t>(response.getContentLength64())
                                 : int64_t{-1};
      return streamBody(body, length, request, where, file_path);
    } catch (const DownloadError&) {
      throw;
    } catch (const Poco::Exception& e) {
      throw DownloadError("download from " + where + " failed: " + e.displayText());
    } catch (const std::ios_base::failure&) {
      throw DownloadError("download from " + where + " failed: the connection broke");
    }
  }
}

}  // namespace lxdrunner::runner_cache
