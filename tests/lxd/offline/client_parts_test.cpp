// SPDX-License-Identifier: Apache-2.0
// The LXD client's pure parts: socket discovery, names, error mapping, envelopes, pinning.
#include <Poco/Crypto/X509Certificate.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "lxdrunner/lxd/envelope.hpp"
#include "lxdrunner/lxd/error.hpp"
#include "lxdrunner/lxd/names.hpp"
#include "lxdrunner/lxd/socket_path.hpp"
#include "lxdrunner/lxd/tls_pinning.hpp"

using namespace lxdrunner::lxd;

namespace {

SocketEnvironment fakeEnvironment(std::map<std::string, std::string> vars,
                                  std::set<std::string> sockets) {
  auto stored_vars = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  SocketEnvironment env;
  env.getenv = [stored_vars](const char* name) -> const char* {
    auto it = stored_vars->find(name);
    return it == stored_vars->end() ? nullptr : it->second.c_str();
  };
  env.is_socket = [sockets](const std::string& path) { return sockets.count(path) != 0; };
  return env;
}

// A self-signed test certificate and the SHA-256 of its DER form (from `openssl x509`).
const char* const kCertificate = R"(-----BEGIN CERTIFICATE-----
MIIBiTCCAS+gAwIBAgIUY9eIFH6Gc3VrFMMaah1YJVAcxc0wCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwObHhkcnVubmVyLXRlc3QwIBcNMjYxMTI4MjM0MjQ3WhgPMjEy
NjExMDQyMzQyNDdaMBkxFzAVBgNVBAMMDmx4ZHJ1bm5lci10ZXN0MFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEf4By6b9EY0U00MGpMLds+ljIrTVFk0nMJPya6pf7
n2DAGL853MHixi3JTIkl4ys6Kd/U3hQjee1bp4gUkS2jEqNTMFEwHQYDVR0OBBYE
FOqyqgOfFmK9j1N5LdVDWx5XXXs3MB8GA1UdIwQYMBaAFOqyqgOfFmK9j1N5LdVD
Wx5XXXs3MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhALObWh01
XFWe1COwAAzjZ0pd+uIVdVC0Sk2/Cht46jagAiAynAEh+EpBbDvaJo2G9c65qjTV
4E5a8llc0iGziMHZRA==
-----END CERTIFICATE-----
)";
const char* const kFingerprint = "cf220d48734be2b18abc48bf879514ff3f61c0938ccd81b23ff1165b0cd25ae2";
// Another one: a server that is not the pinned one.
const char* const kOtherCertificate = R"(-----BEGIN CERTIFICATE-----
MIIBijCCATGgAwIBAgIUR61shMF0p8wMWtIowTWfBmpsVgcwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPbHhkcnVubmVyLW90aGVyMCAXDTI2MTIwNjAwMDkxNVoYDzIx
MjYxMTEyMDAwOTE1WjAaMRgwFgYDVQQDDA9seGRydW5uZXItb3RoZXIwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAASkYz9LfDuWMHIzIhiyqtYYXs7Y9dosPBjngM1V
B0+Os2QTsrVHeiGHA2Jlop3t+JCgB+2eKLQ9Da4AxjWSEtSZo1MwUTAdBgNVHQ4E
FgQUwQU75uRQPgIFj+KVESv5MqMLpR0wHwYDVR0jBBgwFoAUwQU75uRQPgIFj+KV
ESv5MqMLpR0wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAnrOPN
89h+mPCaDo6v/hfxcMOGWMaIMFBv0Vg3o9MYUwIgf1lRT6vdo6TBZjTGp8hnZi5X
AcZ2q2j4M4ld/SdcYqc=
-----END CERTIFICATE-----
)";

}  // namespace

TEST_CASE("socket discovery follows lxc's order, then Incus", "[lxd][socket]") {
  RemoteConfig remote;
  SECTION("explicit socket setting wins over everything") {
    remote.socket = "/custom/unix.socket";
    remote.addr = "/other.socket";
    CHECK(resolveSocketPath(remote, fakeEnvironment({{"LXD_SOCKET", "/env"}}, {})) ==
          "/custom/unix.socket");
  }
  SECTION("an addr that is a path is the socket") {
    remote.addr = "/run/lxd.socket";
    CHECK(resolveSocketPath(remote, fakeEnvironment({{"LXD_SOCKET", "/env"}}, {})) ==
          "/run/lxd.socket");
  }
  SECTION("$LXD_SOCKET, then $LXD_DIR, used even when absent") {
    CHECK(resolveSocketPath(
              remote, fakeEnvironment({{"LXD_SOCKET", "/a"}, {"LXD_DIR", "/b"}}, {})) == "/a");
    CHECK(resolveSocketPath(remote, fakeEnvironment({{"LXD_DIR", "/b"}}, {})) == "/b/unix.socket");
    CHECK(resolveSocketPath(remote, fakeEnvironment({{"INCUS_SOCKET", "/i"}}, {})) == "/i");
  }
  SECTION("snap before deb, LXD before Incus, first existing wins") {
    CHECK(resolveSocketPath(remote, fakeEnvironment({}, {"/var/snap/lxd/common/lxd/unix.socket",
                                                         "/var/lib/lxd/unix.socket"})) ==
          "/var/snap/lxd/common/lxd/unix.socket");
    CHECK(resolveSocketPath(remote, fakeEnvironment({}, {"/var/lib/lxd/unix.socket",
                                                         "/run/incus/unix.socket"})) ==
          "/var/lib/lxd/unix.socket");
    CHECK(resolveSocketPath(remote, fakeEnvironment({}, {"/run/incus/unix.socket"})) ==
          "/run/incus/unix.socket");
    CHECK(resolveSocketPath(remote, fakeEnvironment({}, {"/var/lib/incus/unix.socket"})) ==
          "/var/lib/incus/unix.socket");
  }
  SECTION("nothing there: the Debian path, so the error names it") {
    CHECK(resolveSocketPath(remote, fakeEnvironment({}, {})) == "/var/lib/lxd/unix.socket");
  }
}

TEST_CASE("instance names follow LXD's rules", "[lxd][names]") {
  CHECK(instanceNameProblem("lxdrt-abc-123").empty());
  CHECK(instanceNameProblem("A").empty());
  CHECK(instanceNameProblem(std::string(63, 'a')).empty());
  CHECK_FALSE(instanceNameProblem("").empty());
  CHECK_FALSE(instanceNameProblem(std::string(64, 'a')).empty());
  CHECK_THAT(instanceNameProblem("1abc"), Catch::Contains("digit"));
  CHECK_THAT(instanceNameProblem("-abc"), Catch::Contains("starts with '-'"));
  CHECK_THAT(instanceNameProblem("abc-"), Catch::Contains("ends with '-'"));
  CHECK_THAT(instanceNameProblem("a.b"), Catch::Contains("'.'"));
  CHECK_THAT(instanceNameProblem("a_b"), Catch::Contains("'_'"));
}

TEST_CASE("LXD errors map to lxdr_status", "[lxd][errors]") {
  CHECK(statusForLxdError(404, "Instance not found") == LXDR_ERR_NOT_FOUND);
  CHECK(statusForLxdError(409, "") == LXDR_ERR_ALREADY_EXISTS);
  CHECK(statusForLxdError(500, "boom") == LXDR_ERR_TRANSIENT);
  CHECK(statusForLxdError(503, "") == LXDR_ERR_TRANSIENT);
  CHECK(statusForLxdError(400, "Instance is running") == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(statusForLxdError(400, "Instance is busy running a \"stop\" operation") ==
        LXDR_ERR_TRANSIENT);
  // LXD 5.0 reports these caller mistakes as 500.
  CHECK(statusForLxdError(500, "Requested profile \"x\" doesn't exist") == LXDR_ERR_NOT_FOUND);
  CHECK(statusForLxdError(500, "Failed add validation for device \"d\"") ==
        LXDR_ERR_INVALID_ARGUMENT);
  CHECK(statusForLxdError(400,
                          "Add instance info to the database: This \"instances\" entry "
                          "already exists") == LXDR_ERR_ALREADY_EXISTS);
  CHECK(statusForLxdError(501, "") == LXDR_ERR_UNSUPPORTED);
}

TEST_CASE("envelopes: sync, async and error become values or typed errors", "[lxd][envelope]") {
  HttpResponse sync;
  sync.status = 200;
  sync.body = R"({"type":"sync","status":"Success","status_code":200,"metadata":{"a":1}})";
  Envelope e = readEnvelope(sync, "GET /x");
  CHECK(e.type == "sync");
  CHECK(e.status_code == 200);

  HttpResponse async;
  async.status = 202;
  async.body = R"({"type":"async","operation":"/1.0/operations/abc","metadata":{"id":"abc",)"
               R"("status":"Running","status_code":103}})";
  e = readEnvelope(async, "POST /x");
  CHECK(e.type == "async");
  CHECK(operationId(e.operation) == "abc");
  CHECK(operationId("https://h:8443/1.0/operations/def?project=p") == "def");

  HttpResponse error;
  error.status = 404;
  error.body = R"({"type":"error","error":"Instance not found","error_code":404})";
  try {
    readEnvelope(error, "GET /1.0/instances/x");
    FAIL("no exception");
  } catch (const LxdError& err) {
    CHECK(err.status() == LXDR_ERR_NOT_FOUND);
    CHECK(err.httpStatus() == 404);
    CHECK(err.lxdErrorCode() == 404);
    CHECK(err.lxdMessage() == "Instance not found");
    CHECK(std::string(err.what()) == "GET /1.0/instances/x: Instance not found");
  }

  // LXD 5.21+: error envelope with HTTP 200 still is an error.
  HttpResponse error200;
  error200.status = 200;
  error200.body = R"({"type":"error","error":"Command not found","error_code":400})";
  CHECK_THROWS_AS(readEnvelope(error200, "wait"), LxdError);
}

TEST_CASE("server certificates are pinned by the SHA-256 of their DER form", "[lxd][tls]") {
  std::istringstream pem(kCertificate);
  Poco::Crypto::X509Certificate certificate(pem);
  CHECK(certificateFingerprint(certificate) == kFingerprint);
  CHECK(normaliseFingerprint("CF:22:0D") == "cf220d");

  RemoteConfig remote;
  remote.name = "far";
  remote.addr = "https://far:8443";
  remote.server_fingerprint = kFingerprint;
  CHECK_NOTHROW(verifyPinnedServer(certificate, remote));
  remote.server_fingerprint = std::string(64, '0');
  try {
    verifyPinnedServer(certificate, remote);
    FAIL("a wrong pin was accepted");
  } catch (const LxdError& e) {
    CHECK(e.status() == LXDR_ERR_INVALID_ARGUMENT);
    // One line: the remote, what the server showed, what was pinned and where.
    CHECK(std::string(e.what()) ==
          "remote 'far' (https://far:8443): the server presented certificate " +
              std::string(kFingerprint) +
              ", but the one pinned in remotes.far.server_fingerprint is " + std::string(64, '0') +
              ": if the server's certificate changed on purpose, add the remote again (lxc "
              "remote remove/add), else something else answers at that address");
  }
  SECTION("pinned through the server's certificate, as lxc stores it") {
    RemoteConfig from_lxc;
    from_lxc.name = "far";
    from_lxc.addr = "https://far:8443";
    from_lxc.server_cert_pem = kCertificate;
    from_lxc.credentials_source = "lxc's configuration /home/u/.config/lxc";
    CHECK(pinnedFingerprint(from_lxc) == kFingerprint);
    CHECK_NOTHROW(verifyPinnedServer(certificate, from_lxc));
    from_lxc.server_cert_pem = kOtherCertificate;
    CHECK_THROWS_WITH(verifyPinnedServer(certificate, from_lxc),
                      Catch::Contains("remote 'far'") && Catch::Contains(kFingerprint) &&
                          Catch::Contains("pinned in lxc's configuration /home/u/.config/lxc is " +
                                          pinnedFingerprint(from_lxc)));
  }
}

TEST_CASE("an HTTPS remote without certificate or pin is refused up front", "[lxd][tls]") {
  RemoteConfig remote;
  remote.name = "far";
  remote.addr = "https://far:8443";
  CHECK_THROWS_WITH(makeClientContext(remote), Catch::Contains("remotes.far.client_cert"));
  remote.client_cert = "/nonexistent/client.crt";
  remote.client_key = "/nonexistent/client.key";
  CHECK_THROWS_WITH(makeClientContext(remote), Catch::Contains("remotes.far.server_fingerprint"));
  remote.server_fingerprint = kFingerprint;
  CHECK_THROWS_WITH(makeClientContext(remote), Catch::Contains("/nonexistent/client.crt"));
}

TEST_CASE("a client certificate given as PEM text is used without files", "[lxd][tls]") {
  char pattern[] = "/tmp/lxdrt-pem-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string make =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -nodes -days 2 "
      "-subj /CN=lxdrt-pem -keyout '" +
      dir + "/c.key' -out '" + dir + "/c.crt' >/dev/null 2>&1";
  const bool made = std::system(make.c_str()) == 0;
  const auto slurp = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string cert = made ? slurp("c.crt") : "";
  const std::string key = made ? slurp("c.key") : "";
  std::system(("rm -rf '" + dir + "'").c_str());
  if (!made) {
    WARN("the openssl command is not installed: PEM loading not exercised");
    return;
  }
  RemoteConfig remote;
  remote.name = "far";
  remote.addr = "https://far:8443";
  remote.server_fingerprint = kFingerprint;
  remote.credentials_source = "remotes.far";
  remote.client_cert_pem = cert;
  remote.client_key_pem = key;
  CHECK(makeClientContext(remote) != nullptr);

  remote.client_key_pem = cert;  // a certificate where the key belongs
  CHECK_THROWS_WITH(makeClientContext(remote),
                    "remote 'far' (https://far:8443): the client key from remotes.far is not a "
                    "PEM private key, or not the client certificate's key");
  remote.client_key_pem = key;
  remote.client_cert_pem = "not a certificate";
  CHECK_THROWS_WITH(makeClientContext(remote),
                    "remote 'far' (https://far:8443): the client certificate from remotes.far "
                    "is not a PEM certificate");
}
