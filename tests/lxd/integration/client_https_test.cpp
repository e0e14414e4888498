// SPDX-License-Identifier: Apache-2.0
// HTTPS with a client certificate and a pinned server certificate, against the real LXD
// listening on 127.0.0.1 for the duration of the test (its previous setting and trust
// store are restored afterwards).
#include <Poco/Net/ServerSocket.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>

#include "real_lxd.hpp"

using namespace lxdrunner::lxd;
using namespace lxdrunner::lxdtest;

namespace {

std::string capture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return out;
  std::array<char, 256> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) out += buffer.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

unsigned short freeLoopbackPort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  unsigned short port = probe.address().port();
  probe.close();
  return port;
}

// A client certificate in a private directory; trusted by LXD while `trusted` is set.
class ClientCertificate {
 public:
  explicit ClientCertificate(const std::string& tag) {
    char pattern[] = "/tmp/lxdrt-tls-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    cert_ = dir_ + "/" + tag + ".crt";
    key_ = dir_ + "/" + tag + ".key";
    const std::string make =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 "
        "-nodes -days 2 -subj /CN=lxdrt-" +
        tag + " -keyout '" + key_ + "' -out '" + cert_ + "' >/dev/null 2>&1";
    REQUIRE(std::system(make.c_str()) == 0);
    fingerprint_ =
        capture("openssl x509 -in '" + cert_ + "' -outform DER | sha256sum | cut -d' ' -f1");
  }
  ~ClientCertificate() {
    if (trusted_)
      std::system(("lxc config trust remove " + fingerprint_ + " >/dev/null 2>&1").c_str());
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  ClientCertificate(const ClientCertificate&) = delete;
  ClientCertificate& operator=(const ClientCertificate&) = delete;

  void trust() {
    REQUIRE(std::system(("lxc config trust add '" + cert_ + "' >/dev/null 2>&1").c_str()) == 0);
    trusted_ = true;
  }
  const std::string& cert() const { return cert_; }
  const std::string& key() const { return key_; }

 private:
  std::string dir_, cert_, key_, fingerprint_;
  bool trusted_ = false;
};

// Makes LXD listen on 127.0.0.1:port, and puts the old address back afterwards.
class HttpsListener {
 public:
  explicit HttpsListener(unsigned short port)
      : previous_(capture("lxc config get core.https_address")) {
    const std::string set =
        "lxc config set core.https_address 127.0.0.1:" + std::to_string(port) + " >/dev/null";
    REQUIRE(std::system(set.c_str()) == 0);
  }
  ~HttpsListener() {
    const std::string restore = previous_.empty()
                                    ? "lxc config unset core.https_address"
                                    : "lxc config set core.https_address " + previous_;
    std::system((restore + " >/dev/null 2>&1").c_str());
  }
  HttpsListener(const HttpsListener&) = delete;
  HttpsListener& operator=(const HttpsListener&) = delete;

 private:
  std::string previous_;
};

}  // namespace

TEST_CASE("HTTPS remote: client certificate and a pinned server", "[lxd][real][https]") {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    WARN("the openssl command is not installed: HTTPS not exercised");
    return;
  }
  LxdClient local(localRemote());
  const std::string server_fingerprint = local.serverInfo(seconds(10)).certificate_fingerprint;
  REQUIRE(server_fingerprint.size() == 64);
  const unsigned short port = freeLoopbackPort();
  HttpsListener listener(port);
  ClientCertificate trusted("trusted");
  trusted.trust();
  ClientCertificate stranger("stranger");

  RemoteConfig far;
  far.name = "far";
  far.addr = "https://127.0.0.1:" + std::to_string(port);
  far.client_cert = trusted.cert();
  far.client_key = trusted.key();
  far.server_fingerprint = server_fingerprint;

  SECTION("the pinned server and a trusted certificate: the whole lifecycle works") {
    LxdClient client(far);
    ServerInfo info = client.serverInfo(seconds(10));
    CHECK(info.auth == "trusted");
    const std::string name = uniqueName("https");
    InstanceGuard guard(local, name);
    InstanceSpec spec;
    spec.name = name;
    spec.image.alias = kTestImage;
    spec.start = true;
    client.createInstance(spec, seconds(60));
    ExecSpec echo;
    echo.command = {"echo", "over tls"};
    std::string out;
    CHECK(client.exec(
              name, echo, seconds(30), [&](const char* d, size_t n) { out.append(d, n); },
              nullptr) == 0);
    CHECK(out == "over tls\n");
    client.stopInstance(name, true, -1, seconds(30));
    client.deleteInstance(name, seconds(30));
    CHECK(client.transport().pool().opened() <= 2);  // TLS sessions are kept alive
  }
  SECTION("a different pinned fingerprint is refused before any request") {
    far.server_fingerprint = std::string(64, 'a');
    LxdClient client(far);
    try {
      client.serverInfo(seconds(10));
      FAIL("connected to a server that does not match the pin");
    } catch (const LxdError& e) {
      CHECK(e.status() == LXDR_ERR_INVALID_ARGUMENT);
      CHECK_THAT(e.what(), Catch::Contains(server_fingerprint) &&
                               Catch::Contains("remotes.far.server_fingerprint"));
    }
  }
  SECTION("a certificate the server does not trust is a clear error") {
    far.client_cert = stranger.cert();
    far.client_key = stranger.key();
    LxdClient client(far);
    CHECK_THROWS_WITH(client.serverInfo(seconds(10)),
                      Catch::Contains("does not trust our client certificate"));
  }
}
