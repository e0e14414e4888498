// SPDX-License-Identifier: Apache-2.0
// Streaming a package: redirects as on github.com (302 to a storage host), their bound, the
// download token kept to its origin, and error lines that never show a URL's query.
#include <catch2/catch.hpp>

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "cache_test_support.hpp"
#include "runner_cache/package_download.hpp"

using lxdrunner::github_sim::GithubSimulator;
using lxdrunner::runner_cache::DownloadError;
using lxdrunner::runner_cache::DownloadRequest;
using lxdrunner::runner_cache::downloadToFile;
using namespace runner_cache_test;
namespace fs = std::filesystem;

namespace {

// Answers every request with 302 to location(); remembers whether a credential came along.
class Redirector {
 public:
  explicit Redirector(std::function<std::string()> location)
      : location_(std::move(location)),
        server_(new Factory(*this),
                Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
                new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~Redirector() { server_.stopAll(true); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  std::atomic<int> hits{0};
  std::atomic<bool> saw_authorization{false};

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(Redirector& owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      ++owner_.hits;
      if (request.has("Authorization")) owner_.saw_authorization = true;
      response.setStatus(Poco::Net::HTTPResponse::HTTP_FOUND);
      response.set("Location", owner_.location_());
      response.setContentLength(0);
      response.send();
    }

   private:
    Redirector& owner_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(Redirector& owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(owner_);
    }

   private:
    Redirector& owner_;
  };

  std::function<std::string()> location_;
  Poco::Net::HTTPServer server_;
};

std::string sha256Of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Poco::Crypto::DigestEngine engine("SHA256");
  engine.update(bytes.str());
  return Poco::Crypto::DigestEngine::digestToHex(engine.digest());
}

DownloadRequest requestFor(const std::string& url) {
  DownloadRequest r;
  r.url = url;
  r.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  return r;
}

}  // namespace

TEST_CASE("runner cache: redirects are followed and the download token stays with its origin",
          "[runner_cache][download]") {
  ScratchDir work;
  GithubSimulator sim(simOptions());
  sim.start();
  const std::string package = makeRunnerPackage(work.path(), "linux", "x64", "2.311.0");
  serve(sim, "linux", "x64", package);
  const std::string fileUrl = sim.url() + "/_sim/downloads/actions-runner-linux-x64-2.311.0.tar.gz";
  Redirector storage([&] { return fileUrl; });  // like objects.githubusercontent.com
  Redirector origin([&] { return storage.url() + "/signed?X-Amz-Signature=abc"; });

  DownloadRequest request = requestFor(origin.url() + "/actions/runner/releases/download/x");
  request.bearer_token = "temp-download-token";
  const std::string target = work.path() + "/package.tar.gz";
  const auto result = downloadToFile(request, target);

  CHECK(result.sha256_hex == sha256Of(package));
  CHECK(result.bytes == fs::file_size(package));
  CHECK(sha256Of(target) == result.sha256_hex);
  CHECK(modeOf(target) == 0644);
  CHECK(origin.saw_authorization);
  CHECK_FALSE(storage.saw_authorization);
}

TEST_CASE("runner cache: a redirect loop is given up after the bound", "[runner_cache][download]") {
  ScratchDir work;
  std::string self;
  Redirector loop([&] { return self + "/again"; });
  self = loop.url();
  const std::string target = work.path() + "/package.tar.gz";
  try {
    downloadToFile(requestFor(loop.url() + "/start"), target);
    FAIL("the loop was not detected");
  } catch (const DownloadError& e) {
    CHECK(std::string(e.what()) ==
          "download from " + loop.url() + "/start was redirected more than 5 times: giving up");
  }
  CHECK(loop.hits == 6);
  CHECK_FALSE(fs::exists(target));
}

TEST_CASE("runner cache: an HTTP error names the URL without its query and leaves no file",
          "[runner_cache][download]") {
  ScratchDir work;
  GithubSimulator sim(simOptions());
  sim.start();
  const std::string target = work.path() + "/package.tar.gz";
  try {
    downloadToFile(requestFor(sim.url() + "/_sim/downloads/missing.tar.gz?sig=s3cr3t"), target);
    FAIL("a 404 was accepted");
  } catch (const DownloadError& e) {
    const std::string text = e.what();
    CHECK_THAT(text, Catch::StartsWith("download from " + sim.url() +
                                       "/_sim/downloads/missing.tar.gz answered HTTP 404"));
    CHECK_THAT(text, !Catch::Contains("s3cr3t"));
  }
  CHECK_FALSE(fs::exists(target));
}

TEST_CASE("runner cache: a past deadline stops a download before it starts",
          "[runner_cache][download]") {
  ScratchDir work;
  DownloadRequest request = requestFor("http://127.0.0.1:1/x.tar.gz");
  request.deadline = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(downloadToFile(request, work.path() + "/x"),
                    "download from http://127.0.0.1:1/x.tar.gz did not finish before its deadline");
}
