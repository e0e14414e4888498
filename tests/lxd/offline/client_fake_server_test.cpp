// SPDX-License-Identifier: Apache-2.0
// The client's HTTP behaviour against a scripted server: connection reuse, bounded
// concurrency, timeouts, both operation-wait dialects, streamed uploads, Incus headers.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "fake_lxd_server.hpp"
#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"

using namespace lxdrunner::lxd;
using lxdrunner::lxdtest::CannedReply;
using lxdrunner::lxdtest::FakeLxdServer;

namespace {

std::string serverInfoBody(const std::string& extensions) {
  return R"({"type":"sync","status":"Success","status_code":200,"metadata":{"api_extensions":[)" +
         extensions +
         R"(],"api_version":"1.0","auth":"trusted","environment":{"server":"lxd",)"
         R"("server_version":"5.0.2"}}})";
}

const char* const kDefaultExtensions =
    R"("container_exec_recording","api_filtering","container_exec_user_group_cwd")";

void serveInfo(FakeLxdServer& server, const std::string& extensions = kDefaultExtensions) {
  server.add({"GET", "/1.0", 200, serverInfoBody(extensions), {}, -1, {}, false});
}

std::string asyncBody(const std::string& id) {
  return R"({"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/)" +
         id + R"(","metadata":{"id":")" + id + R"(","status":"Running","status_code":103}})";
}

std::string operationBody(const std::string& id, const std::string& status, int code,
                          const std::string& metadata = "null", const std::string& err = "") {
  return R"({"type":"sync","status":"Success","status_code":200,"metadata":{"id":")" + id +
         R"(","status":")" + status + R"(","status_code":)" + std::to_string(code) +
         R"(,"metadata":)" + metadata + R"(,"err":")" + err + R"("}})";
}

RemoteConfig remoteFor(const FakeLxdServer& server) {
  RemoteConfig remote;
  remote.name = "fake";
  remote.addr = server.socketPath();
  return remote;
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("requests reuse one keep-alive connection", "[lxd][transport]") {
  FakeLxdServer server;
  serveInfo(server);
  LxdClient client(remoteFor(server));
  for (int i = 0; i < 10; ++i)
    client.call("GET", "/1.0", "", Deadline::in(std::chrono::seconds(5)));
  CHECK(server.connections() == 1);
  CHECK(client.transport().pool().opened() == 1);
  for (const auto& r : server.requests()) CHECK(r.headers.at("Host") == "lxd");
}

TEST_CASE("a connection the server closed is replaced transparently", "[lxd][transport]") {
  FakeLxdServer server;
  server.add({"GET", "/1.0", 200, serverInfoBody(kDefaultExtensions), {}, -1, {}, true});
  LxdClient client(remoteFor(server));
  for (int i = 0; i < 3; ++i) client.call("GET", "/1.0", "", Deadline::in(std::chrono::seconds(5)));
  CHECK(server.connections() == 3);
}

TEST_CASE("requests in flight per server are bounded", "[lxd][transport]") {
  FakeLxdServer server;
  server.add({"GET",
              "/slow",
              200,
              R"({"type":"sync","metadata":{}})",
              {},
              -1,
              std::chrono::milliseconds(150),
              false});
  RemoteConfig remote = remoteFor(server);
  remote.max_connections = 2;
  LxdClient client(remote);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      client.call("GET", "/slow", "", Deadline::in(std::chrono::seconds(10)));
      ++ok;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 6);
  CHECK(server.maxConcurrent() <= 2);
  CHECK(client.transport().pool().opened() <= 2);
}

TEST_CASE("a server that does not answer times out, bounded by request timeout and deadline",
          "[lxd][transport]") {
  FakeLxdServer server;
  server.add({"GET", "/hang", 200, "{}", {}, -1, std::chrono::milliseconds(3000), false});
  RemoteConfig remote = remoteFor(server);
  remote.request_timeout = std::chrono::milliseconds(300);
  LxdClient client(remote);
  auto started = std::chrono::steady_clock::now();
  try {
    client.call("GET", "/hang", "", Deadline::none());
    FAIL("no timeout");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_TIMEOUT);
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(2000));

  remote.request_timeout = std::chrono::seconds(30);
  LxdClient patient(remote);
  started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(patient.call("GET", "/hang", "", Deadline::in(std::chrono::milliseconds(300))),
                  LxdError);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(2000));
}

TEST_CASE("LXD 5.0 waits: Running answers are waited out", "[lxd][operations]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add({"PUT", "/1.0/instances/c1/state", 202, asyncBody("op1"), {}, -1, {}, false});
  server.add({"GET",
              "/1.0/operations/op1/wait",
              200,
              operationBody("op1", "Running", 103),
              {},
              1,
              {},
              false});
  server.add({"GET",
              "/1.0/operations/op1/wait",
              200,
              operationBody("op1", "Success", 200),
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  client.startInstance("c1", Deadline::in(std::chrono::seconds(5)));
  auto waits = server.requests("GET", "/1.0/operations/op1/wait");
  REQUIRE(waits.size() == 2);
  CHECK_THAT(waits[0].query(), Catch::StartsWith("timeout="));
  CHECK(parse(server.requests("PUT", "/1.0/instances/c1/state")[0].body)
            ->getValue<std::string>("action") == "start");
}

TEST_CASE("LXD 5.0 waits: a failed operation carries LXD's message", "[lxd][operations]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add({"PUT", "/1.0/instances/c1/state", 202, asyncBody("op2"), {}, -1, {}, false});
  server.add({"GET",
              "/1.0/operations/op2/wait",
              200,
              operationBody("op2", "Failure", 400, "null", "Failed to start: no disk"),
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  try {
    client.startInstance("c1", Deadline::in(std::chrono::seconds(5)));
    FAIL("no error");
  } catch (const LxdError& e) {
    CHECK(e.lxdMessage() == "Failed to start: no disk");
    CHECK(e.operation() == "op2");
    CHECK_THAT(e.what(), Catch::Contains("start instance 'c1'") &&
                             Catch::Contains("remote 'fake'") && Catch::Contains("no disk"));
  }
}

TEST_CASE("LXD 5.21 waits: an error envelope with HTTP 200 is the operation's failure",
          "[lxd][operations]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add({"PUT", "/1.0/instances/c1/state", 202, asyncBody("op3"), {}, -1, {}, false});
  server.add({"GET",
              "/1.0/operations/op3/wait",
              200,
              R"({"type":"error","error":"Failed to start: quota","error_code":400})",
              {},
              -1,
              {},
              false});
  server.add({"POST", "/1.0/instances/c1/exec", 202, asyncBody("op4"), {}, -1, {}, false});
  server.add({"GET",
              "/1.0/operations/op4/wait",
              200,
              R"({"type":"error","error":"Command not found","error_code":400})",
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  CHECK_THROWS_WITH(client.startInstance("c1", Deadline::in(std::chrono::seconds(5))),
                    Catch::Contains("Failed to start: quota"));
  ExecSpec spec;
  spec.command = {"nonexistent"};
  std::string err;
  int status = client.exec("c1", spec, Deadline::in(std::chrono::seconds(5)), nullptr,
                           [&](const char* d, size_t n) { err.append(d, n); });
  CHECK(status == 127);
  CHECK_THAT(err, Catch::Contains("Command not found"));
}

TEST_CASE("an operation LXD forgot (daemon restart) is an unknown outcome, not a hang",
          "[lxd][operations]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add({"DELETE", "/1.0/instances/c1", 202, asyncBody("op5"), {}, -1, {}, false});
  server.add({"GET",
              "/1.0/operations/op5/wait",
              404,
              R"({"type":"error","error":"Operation not found","error_code":404})",
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  try {
    client.deleteInstance("c1", Deadline::in(std::chrono::seconds(5)));
    FAIL("no error");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_TRANSIENT);
    CHECK(e.outcomeUnknown());
    CHECK_THAT(e.what(), Catch::Contains("lost operation op5"));
  }
}

namespace {

// What an exec printed and returned, collected from the client's two sinks.
struct ExecOutput {
  int status = -1;
  std::string out;
  std::string err;
};

ExecOutput runExec(LxdClient& client, const std::string& instance, const ExecSpec& spec) {
  ExecOutput run;
  run.status = client.exec(
      instance, spec, Deadline::in(std::chrono::seconds(5)),
      [&run](const char* d, size_t n) { run.out.append(d, n); },
      [&run](const char* d, size_t n) { run.err.append(d, n); });
  return run;
}

}  // namespace

TEST_CASE("exec: command, environment, user and cwd reach LXD; output is fetched and removed",
          "[lxd][exec]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add({"POST", "/1.0/instances/c1/exec", 202, asyncBody("op6"), {}, -1, {}, false});
  server.add(
      {"GET",
       "/1.0/operations/op6/wait",
       200,
       operationBody(
           "op6", "Success", 200,
           R"({"return":3,"output":{"1":"/1.0/instances/c1/logs/o","2":"/1.0/instances/c1/logs/e"}})"),
       {},
       -1,
       {},
       false});
  server.add({"GET", "/1.0/instances/c1/logs/o", 200, "hello\n", {}, -1, {}, false});
  server.add({"GET", "/1.0/instances/c1/logs/e", 200, "oops\n", {}, -1, {}, false});
  server.add({"DELETE",
              "/1.0/instances/c1/logs/*",
              200,
              R"({"type":"sync","metadata":{}})",
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  ExecSpec spec;
  spec.command = {"cat"};
  spec.environment = {{"A", "1"}};
  spec.uid = 1000;
  spec.cwd = "/home";
  const ExecOutput run = runExec(client, "c1", spec);
  CHECK(run.status == 3);
  CHECK(run.out == "hello\n");
  CHECK(run.err == "oops\n");
  auto body = parse(server.requests("POST", "/1.0/instances/c1/exec").at(0).body);
  CHECK(body->getValue<bool>("record-output"));
  CHECK_FALSE(body->getValue<bool>("wait-for-websocket"));
  CHECK(body->getValue<int>("user") == 1000);
  CHECK(body->getValue<std::string>("cwd") == "/home");
  CHECK(body->getObject("environment")->getValue<std::string>("A") == "1");
  CHECK(body->getArray("command")->getElement<std::string>(0) == "cat");
  CHECK(server.requests("DELETE", "/1.0/instances/c1/logs/o").size() == 1);
}

TEST_CASE("exec with stdin: the streams go over the operation's websockets, no file is pushed",
          "[lxd][exec]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add(
      {"POST",
       "/1.0/instances/c1/exec",
       202,
       R"({"type":"async","status":"Operation created","status_code":100,)"
       R"("operation":"/1.0/operations/op7","metadata":{"id":"op7","status":"Running",)"
       R"("status_code":103,"metadata":{"fds":{"0":"s0","1":"s1","2":"s2","control":"sc"}}}})",
       {},
       -1,
       {},
       false});
  // One reply per socket, told apart by their secrets (the fake matches on the path only,
  // so each is used once, in the order the client connects: 0, 1, 2, control).
  for (const char* body : {"", "hello\n", "oops\n", ""}) {
    CannedReply ws{"GET", "/1.0/operations/op7/websocket", 101, body, {}, 1, {}, false};
    ws.websocket = true;
    server.add(ws);
  }
  server.add({"GET",
              "/1.0/operations/op7/wait",
              200,
              operationBody("op7", "Success", 200, R"({"return":3})"),
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  ExecSpec spec;
  spec.command = {"cat"};
  spec.stdin_data = std::string(200 * 1024, 'x') + "end";  // more than one frame
  const ExecOutput run = runExec(client, "c1", spec);
  CHECK(run.status == 3);
  CHECK(run.out == "hello\n");
  CHECK(run.err == "oops\n");
  // The fake records the input once its handler has read the end of file: wait for it.
  for (int i = 0; i < 100 && server.websocketInput("/1.0/operations/op7/websocket").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(server.websocketInput("/1.0/operations/op7/websocket") == spec.stdin_data);
  auto body = parse(server.requests("POST", "/1.0/instances/c1/exec").at(0).body);
  CHECK(body->getValue<bool>("wait-for-websocket"));
  CHECK_FALSE(body->getValue<bool>("record-output"));
  CHECK(body->getArray("command")->getElement<std::string>(0) == "cat");
  CHECK(server.requests("POST", "/1.0/instances/c1/files").empty());
  std::vector<std::string> secrets;
  for (const auto& r : server.requests("GET", "/1.0/operations/op7/websocket")) {
    secrets.push_back(r.query());
  }
  CHECK(secrets == std::vector<std::string>{"secret=s0", "secret=s1", "secret=s2", "secret=sc"});
}

TEST_CASE("file push streams the body chunked with owner and mode headers", "[lxd][files]") {
  FakeLxdServer server;
  serveInfo(server);
  server.add({"POST",
              "/1.0/instances/c1/files",
              200,
              R"({"type":"sync","metadata":{}})",
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  constexpr size_t kSize = 3 * 1024 * 1024 + 17;
  size_t produced = 0;
  size_t largest_read = 0;
  FileSpec file;
  file.path = "/opt/runner/big file.bin";
  file.uid = 1000;
  file.gid = 1001;
  file.mode = 0640;
  file.content = [&](char* buffer, size_t capacity) {
    largest_read = std::max(largest_read, capacity);
    size_t n = std::min(capacity, kSize - produced);
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>('a' + (produced + i) % 26);
    produced += n;
    return n;
  };
  client.pushFile("c1", file, Deadline::in(std::chrono::seconds(10)));
  auto pushed = server.requests("POST", "/1.0/instances/c1/files");
  REQUIRE(pushed.size() == 1);
  CHECK(pushed[0].chunked);
  CHECK(pushed[0].body.size() == kSize);
  CHECK(largest_read <= 64 * 1024);  // read piecewise, never all at once
  CHECK(pushed[0].query() == "path=%2Fopt%2Frunner%2Fbig%20file.bin");
  CHECK(pushed[0].headers.at("X-LXD-Uid") == "1000");
  CHECK(pushed[0].headers.at("X-LXD-Gid") == "1001");
  CHECK(pushed[0].headers.at("X-LXD-Mode") == "0640");
  CHECK(pushed[0].headers.at("X-LXD-Type") == "file");
  CHECK(pushed[0].headers.at("Content-Type") == "application/octet-stream");
}

TEST_CASE("Incus is recognised from GET /1.0 and gets X-Incus-* headers", "[lxd][incus]") {
  FakeLxdServer server;
  server.add({"GET",
              "/1.0",
              200,
              R"({"type":"sync","metadata":{"api_extensions":[],"auth":"trusted",)"
              R"("environment":{"server":"incus","server_version":"6.0.0"}}})",
              {{"X-Incus-Request-Id", "1"}},
              -1,
              {},
              false});
  server.add({"POST",
              "/1.0/instances/c1/files",
              200,
              R"({"type":"sync","metadata":{}})",
              {},
              -1,
              {},
              false});
  LxdClient client(remoteFor(server));
  CHECK(client.serverInfo(Deadline::none()).incus());
  FileSpec file;
  file.path = "/x";
  file.size = 0;
  client.pushFile("c1", file, Deadline::in(std::chrono::seconds(5)));
  auto pushed = server.requests("POST", "/1.0/instances/c1/files");
  REQUIRE(pushed.size() == 1);
  CHECK(pushed[0].headers.count("X-Incus-Uid") == 1);
  CHECK(pushed[0].headers.count("X-LXD-Uid") == 0);
}

TEST_CASE("create starts in the same request only where LXD understands it", "[lxd][create]") {
  for (bool has_extension : {false, true}) {
    FakeLxdServer server;
    serveInfo(server, has_extension ? R"("instance_create_start")" : R"("api_filtering")");
    server.add({"POST", "/1.0/instances", 202, asyncBody("c"), {}, -1, {}, false});
    server.add({"GET",
                "/1.0/operations/c/wait",
                200,
                operationBody("c", "Success", 200),
                {},
                -1,
                {},
                false});
    server.add({"PUT", "/1.0/instances/x1/state", 202, asyncBody("s"), {}, -1, {}, false});
    server.add({"GET",
                "/1.0/operations/s/wait",
                200,
                operationBody("s", "Success", 200),
                {},
                -1,
                {},
                false});
    LxdClient client(remoteFor(server));
    InstanceSpec spec;
    spec.name = "x1";
    spec.image.alias = "img";
    spec.start = true;
    spec.target = "node 2";
    client.createInstance(spec, Deadline::in(std::chrono::seconds(5)));
    auto created = server.requests("POST", "/1.0/instances").at(0);
    CHECK(created.query() == "target=node%202");
    auto body = parse(created.body);
    CHECK(body->has("start") == has_extension);
    CHECK(server.requests("PUT", "/1.0/instances/x1/state").size() == (has_extension ? 0u : 1u));
  }
}

TEST_CASE("a missing socket is one line naming the path and what to do", "[lxd][socket]") {
  RemoteConfig remote;
  remote.name = "main";
  remote.addr = "/nonexistent/lxd/unix.socket";
  LxdClient client(remote);
  try {
    client.serverInfo(Deadline::in(std::chrono::seconds(5)));
    FAIL("no error");
  } catch (const LxdError& e) {
    CHECK(std::string(e.what()) ==
          "LXD socket /nonexistent/lxd/unix.socket not found: is LXD running? (start it, or set "
          "remotes.main.addr)");
    CHECK(e.status() == LXDR_ERR_TRANSIENT);
  }
}
