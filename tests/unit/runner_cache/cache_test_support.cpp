// SPDX-License-Identifier: Apache-2.0
#include "cache_test_support.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace runner_cache_test {
namespace fs = std::filesystem;

const std::string kPat = "ghp_runner_cache_test";
const std::string kScope = "repos/octo/hello";

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "lxdrunner-cache-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string makeRunnerPackage(const std::string& into, const std::string& os,
                              const std::string& arch, const std::string& version) {
  const std::string name = "actions-runner-" + os + "-" + arch + "-" + version + ".tar.gz";
  const fs::path tree = fs::path(into) / ("tree-" + os + "-" + arch + "-" + version);
  fs::create_directories(tree / "bin");
  std::ofstream(tree / "run.sh") << "#!/bin/sh\necho runner " << version << "\n";
  fs::permissions(tree / "run.sh", static_cast<fs::perms>(0700), fs::perm_options::replace);
  std::ofstream(tree / "bin" / "VERSION") << version << "\n";
  // 0600: the cache must make it readable by instances whatever the archive says.
  fs::permissions(tree / "bin" / "VERSION", static_cast<fs::perms>(0600),
                  fs::perm_options::replace);
  const std::string file = (fs::path(into) / name).string();
  Poco::Process::Args args{"-czf", file, "-C", tree.string(), "."};
  Poco::ProcessHandle tar = Poco::Process::launch("tar", args);
  if (tar.wait() != 0) throw std::runtime_error("tar could not create " + file);
  return file;
}

lxdrunner::github_sim::SimulatorOptions simOptions() {
  lxdrunner::github_sim::SimulatorOptions o;
  o.pats = {kPat};
  return o;
}

lxdrunner::github::ClientSettings clientSettings(const std::string& api_url) {
  lxdrunner::github::ClientSettings s;
  s.api_url = api_url;
  s.pat = kPat;
  s.max_attempts = 1;
  s.backoff_base = std::chrono::milliseconds(10);
  s.request_timeout = std::chrono::milliseconds(5000);
  return s;
}

namespace {

std::string exchange(const lxdrunner::github_sim::GithubSimulator& sim, const std::string& method,
                     const std::string& path, const std::string& json, int& status) {
  Poco::URI uri(sim.url());
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (method == "POST") {
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(json.size()));
  }
  session.sendRequest(req) << json;
  Poco::Net::HTTPResponse resp;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(resp), body);
  status = static_cast<int>(resp.getStatus());
  return body.str();
}

}  // namespace

void control(const lxdrunner::github_sim::GithubSimulator& sim, const std::string& path,
             const std::string& json) {
  int status = 0;
  const std::string body = exchange(sim, "POST", path, json, status);
  INFO(path << " answered " << status << ": " << body);
  REQUIRE(status < 300);
}

void serve(const lxdrunner::github_sim::GithubSimulator& sim, const std::string& os,
           const std::string& arch, const std::string& file) {
  Poco::JSON::Object body;
  body.set("os", os);
  body.set("architecture", arch);
  body.set("path", file);
  std::ostringstream json;
  body.stringify(json);
  control(sim, "/_sim/downloads", json.str());
}

int64_t downloadCount(const lxdrunner::github_sim::GithubSimulator& sim) {
  int status = 0;
  const std::string body = exchange(sim, "GET", "/_sim/state", "", status);
  REQUIRE(status == 200);
  Poco::JSON::Parser parser;
  auto counts = parser.parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("request_counts");
  const std::string key = "GET /_sim/downloads/{filename}";
  return counts && counts->has(key) ? counts->getValue<int64_t>(key) : 0;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned modeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode) & 07777u;
}

std::string linkTarget(const std::string& path) {
  std::error_code ec;
  return fs::read_symlink(path, ec).string();
}

}  // namespace runner_cache_test
