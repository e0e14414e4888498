// SPDX-License-Identifier: Apache-2.0
// The LXD client against the real daemon: instance lifecycle, exec, files, devices, lists.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/SHA2Engine.h>

#include <catch2/catch.hpp>
#include <thread>

#include "real_lxd.hpp"

using namespace lxdrunner::lxd;
using namespace lxdrunner::lxdtest;

namespace {

InstanceSpec containerSpec(const std::string& name) {
  InstanceSpec spec;
  spec.name = name;
  spec.image.alias = kTestImage;
  spec.config = {{"user.lxdrunner.manager", "lxdrt-client-test"}, {"limits.cpu", "1"}};
  spec.start = true;
  return spec;
}

struct Output {
  int status = 0;
  std::string out;
  std::string err;
};

Output run(LxdClient& client, const std::string& name, std::vector<std::string> command,
           ExecSpec spec = {}) {
  spec.command = std::move(command);
  Output o;
  o.status = client.exec(
      name, spec, seconds(30), [&](const char* d, size_t n) { o.out.append(d, n); },
      [&](const char* d, size_t n) { o.err.append(d, n); });
  return o;
}

// Serves one fixed page on 127.0.0.1 at a port the kernel picks.
class HostService {
 public:
  HostService()
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory, socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~HostService() { server_.stopAll(true); }
  HostService(const HostService&) = delete;
  HostService& operator=(const HostService&) = delete;
  unsigned short port() const { return socket_.address().port(); }

 private:
  struct Page : Poco::Net::HTTPRequestHandler {
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& out) override {
      out.setContentType("text/plain");
      out.send() << "hello from the host";
    }
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Page;
    }
  };
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

}  // namespace

TEST_CASE("create, start, exec, push, pull and delete a container", "[lxd][real]") {
  LxdClient client(localRemote());
  const std::string name = uniqueName("life");
  InstanceGuard guard(client, name);

  ServerInfo info = client.serverInfo(seconds(10));
  CHECK(info.auth == "trusted");
  CHECK(info.has("container_exec_recording"));

  client.createInstance(containerSpec(name), seconds(60));
  std::optional<InstanceInfo> created = client.instance(name, seconds(10));
  REQUIRE(created);
  CHECK(created->status == "Running");
  CHECK(created->config.at("limits.cpu") == "1");
  CHECK(client.instanceState(name, seconds(10)).status_code == 103);

  Output hello = run(client, name, {"sh", "-c", "echo out; echo err >&2; exit 7"});
  CHECK(hello.status == 7);
  CHECK(hello.out == "out\n");
  CHECK(hello.err == "err\n");

  ExecSpec as_nobody;
  as_nobody.uid = 65534;
  as_nobody.gid = 65534;
  as_nobody.cwd = "/tmp";
  as_nobody.environment = {{"GREETING", "hi there"}};
  as_nobody.stdin_data = "from stdin\n";
  Output who = run(client, name, {"sh", "-c", "id -u; pwd; echo \"$GREETING\"; cat"}, as_nobody);
  CHECK(who.status == 0);
  CHECK(who.out == "65534\n/tmp\nhi there\nfrom stdin\n");

  // A 20 MiB file streamed from a generator: never in memory as a whole.
  constexpr size_t kSize = 20 * 1024 * 1024 + 3;
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  size_t produced = 0;
  FileSpec file;
  file.path = "/root/payload.bin";
  file.uid = 1000;
  file.gid = 100;
  file.mode = 0640;
  file.content = [&](char* buffer, size_t capacity) {
    size_t n = std::min(capacity, kSize - produced);
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>((produced + i) * 7919 % 251);
    sha.update(buffer, n);
    produced += n;
    return n;
  };
  client.pushFile(name, file, seconds(60));
  Output stat = run(client, name, {"stat", "-c", "%u %g %a %s", "/root/payload.bin"});
  CHECK(stat.out == "1000 100 640 " + std::to_string(kSize) + "\n");
  Output sum = run(client, name, {"sha256sum", "/root/payload.bin"});
  CHECK(sum.out.substr(0, 64) == Poco::DigestEngine::digestToHex(sha.digest()));

  std::string pulled;
  client.pullFile(
      name, "/etc/hostname", [&](const char* d, size_t n) { pulled.append(d, n); }, seconds(10));
  CHECK(pulled == name + "\n");
  size_t pulled_size = 0;
  client.pullFile(
      name, "/root/payload.bin", [&](const char*, size_t n) { pulled_size += n; }, seconds(60));
  CHECK(pulled_size == kSize);
  CHECK_THROWS_WITH(client.pullFile(
                        name, "/etc", [](const char*, size_t) {}, seconds(10)),
                    Catch::Contains("is a directory"));
  try {
    client.pullFile(
        name, "/nonexistent", [](const char*, size_t) {}, seconds(10));
    FAIL("pulled a missing file");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_NOT_FOUND);
  }

  client.stopInstance(name, true, -1, seconds(60));
  CHECK(client.instanceState(name, seconds(10)).status == "Stopped");
  client.deleteInstance(name, seconds(60));
  CHECK_FALSE(client.instance(name, seconds(10)));
  // connections were reused, not opened per request
  CHECK(client.transport().pool().opened() <= 4);
}

TEST_CASE("exec of a missing or non-executable command gives 127 and 126", "[lxd][real]") {
  LxdClient client(localRemote());
  const std::string name = uniqueName("exec");
  InstanceGuard guard(client, name);
  client.createInstance(containerSpec(name), seconds(60));
  Output missing = run(client, name, {"no-such-command"});
  CHECK(missing.status == 127);
  CHECK_THAT(missing.err, Catch::Contains("not found"));
  Output not_executable = run(client, name, {"/etc/passwd"});
  CHECK(not_executable.status == 126);
  try {
    run(client, uniqueName("absent"), {"true"});
    FAIL("exec in a missing instance worked");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_NOT_FOUND);
  }
}

TEST_CASE("an ephemeral instance is gone after it stops", "[lxd][real]") {
  LxdClient client(localRemote());
  const std::string name = uniqueName("eph");
  InstanceGuard guard(client, name);
  InstanceSpec spec = containerSpec(name);
  spec.ephemeral = true;
  client.createInstance(spec, seconds(60));
  REQUIRE(client.instance(name, seconds(10)));
  CHECK(client.instance(name, seconds(10))->ephemeral);
  client.stopInstance(name, true, -1, seconds(60));
  // LXD deletes it right after the stop; allow it a moment.
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = !client.instance(name, seconds(10));
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(gone);
}

TEST_CASE("a host service is reached from inside through a proxy device", "[lxd][real]") {
  HostService service;
  const std::string port = std::to_string(service.port());
  LxdClient client(localRemote());
  const std::string name = uniqueName("proxy");
  InstanceGuard guard(client, name);
  client.createInstance(containerSpec(name), seconds(60));
  client.addDevice(name, "hostsvc",
                   {{"type", "proxy"},
                    {"listen", "tcp:127.0.0.1:" + port},
                    {"connect", "tcp:127.0.0.1:" + port},
                    {"bind", "instance"}},
                   seconds(30));
  CHECK(client.instance(name, seconds(10))->devices.at("hostsvc").at("type") == "proxy");
  try {
    client.addDevice(name, "hostsvc", {{"type", "none"}}, seconds(10));
    FAIL("a second device of the same name was accepted");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_ALREADY_EXISTS);
  }
  Output page;
  for (int attempt = 0; attempt < 20; ++attempt) {
    page = run(client, name, {"wget", "-qO-", "http://127.0.0.1:" + port + "/"});
    if (page.status == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(page.status == 0);
  CHECK(page.out == "hello from the host");
}

TEST_CASE("instances are listed by their lxdrunner tags", "[lxd][real]") {
  LxdClient client(localRemote());
  const std::string mine = uniqueName("mine");
  const std::string other = uniqueName("other");
  InstanceGuard g1(client, mine);
  InstanceGuard g2(client, other);
  const std::string manager = "lxdrt-list-" + std::to_string(::getpid());
  InstanceSpec a = containerSpec(mine);
  a.start = false;
  a.config["user.lxdrunner.manager"] = manager;
  InstanceSpec b = containerSpec(other);
  b.start = false;
  b.config["user.lxdrunner.manager"] = manager + "-not";
  client.createInstance(a, seconds(60));
  client.createInstance(b, seconds(60));
  auto listed = client.listInstances({{"user.lxdrunner.manager", manager}}, seconds(10));
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].name == mine);
  CHECK(listed[0].status == "Stopped");
}

TEST_CASE("a taken name is a clear conflict", "[lxd][real]") {
  LxdClient client(localRemote());
  const std::string name = uniqueName("dup");
  InstanceGuard guard(client, name);
  InstanceSpec spec = containerSpec(name);
  spec.start = false;
  client.createInstance(spec, seconds(60));
  try {
    client.createInstance(spec, seconds(60));
    FAIL("created twice");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_ALREADY_EXISTS);
  }
  CHECK(client.instance(name, seconds(10)));
}
