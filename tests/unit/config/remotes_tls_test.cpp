// SPDX-License-Identifier: Apache-2.0
// HTTPS remotes: certificates written under remotes.NAME (inline or as files), or taken from
// lxc's configuration directory by the remote's name; public image servers need none; and the
// settings the LXD backends receive.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include "config/backend_settings.hpp"
#include "config/lxc_config.hpp"
#include "config/render.hpp"
#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

// Only the PEM framing matters to the loader; the LXD client tests use real certificates.
const std::string kClientCert =
    "-----BEGIN CERTIFICATE-----\nY2xpZW50\n-----END CERTIFICATE-----\n";
const std::string kClientKey =
    "-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0a2V5\n-----END EC PRIVATE KEY-----\n";
const std::string kServerCert =
    "-----BEGIN CERTIFICATE-----\nc2VydmVy\n-----END CERTIFICATE-----\n";
const std::string kFingerprint = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// kMinimalConfig's entry, launching on `far` as well.
std::string launchingOnFar(const std::string& remotes_and_more) {
  return kMinimalConfig + "    remotes: [main, far]\n" + remotes_and_more;
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    out += indent + text.substr(start, end - start) + "\n";
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

// What `lxc remote add far https://127.0.0.1:8443` leaves in its directory.
void writeLxcDir(const TempDir& dir, const std::string& far_addr = "https://127.0.0.1:8443") {
  writeFile(dir.path() / "config.yml",
            "default-remote: local\nremotes:\n"
            "  images:\n"
            "    addr: https://images.linuxcontainers.org\n"
            "    protocol: simplestreams\n"
            "    public: true\n"
            "  far:\n"
            "    addr: " +
                far_addr +
                "\n    auth_type: tls\n    protocol: lxd\n"
                "    public: false\n"
                "  hub:\n"
                "    addr: https://hub.example.com\n"
                "    protocol: lxd\n"
                "    public: true\n"
                "aliases: {}\n");
  writeFile(dir.path() / "client.crt", kClientCert);
  writeFile(dir.path() / "client.key", kClientKey);
  writeFile(dir.path() / "servercerts" / "far.crt", kServerCert);
}

const Remote& remoteOf(const LoadResult& result, const std::string& name) {
  const Remote* const remote = result.config->findRemote(name);
  REQUIRE(remote != nullptr);
  return *remote;
}

Poco::JSON::Object::Ptr parse(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("an HTTPS remote takes its certificates inline or from files", "[config][remotes][tls]") {
  const TempDir dir;
  writeFile(dir.file("client.key"), kClientKey);
  const auto result = loadString(launchingOnFar("remotes:\n  far:\n"
                                                "    addr: https://127.0.0.1:8443\n"
                                                "    client_cert: |\n" +
                                                indented(kClientCert, "      ") +
                                                "    client_key: {file: " + dir.file("client.key") +
                                                "}\n"
                                                "    server_fingerprint: \"01:23:45:67:89:AB:CD:EF:"
                                                "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
                                                "01:23:45:67:89:ab:cd:ef\"\n"),
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.ok());
  const Remote& far = remoteOf(result, "far");
  CHECK(far.tls.client_cert.reveal() == kClientCert);
  CHECK(far.tls.client_key.reveal() == kClientKey.substr(0, kClientKey.size() - 1));
  CHECK(far.tls.client_key.origin() == dir.file("client.key"));
  CHECK(far.tls.server_fingerprint == kFingerprint);
  CHECK(far.tls.source == "remotes.far");
  CHECK_FALSE(far.is_public);

  SECTION("the key is a secret: redacted from logs, masked in the effective configuration") {
    bool listed = false;
    for (const auto& named : result.config->secrets()) {
      listed = listed || named.key == "remotes.far.client_key";
    }
    CHECK(listed);
    const std::string rendered = renderEffective(*result.config);
    CHECK_THAT(rendered, !Catch::Contains("c2VjcmV0a2V5"));
    CHECK_THAT(rendered, Catch::Contains("client_key: <file:" + dir.file("client.key") + ">"));
  }
}

TEST_CASE("HTTPS certificate keys come as a set", "[config][remotes][tls]") {
  const std::string head = "remotes:\n  far:\n    addr: https://127.0.0.1:8443\n";
  const std::string cert = "    client_cert: |\n" + indented(kClientCert, "      ");
  const std::string key = "    client_key: |\n" + indented(kClientKey, "      ");
  const std::string pin = "    server_fingerprint: " + kFingerprint + "\n";
  const std::string server = "    server_cert: |\n" + indented(kServerCert, "      ");
  struct Case {
    std::string keys;
    std::string message;
  };
  for (const auto& c : {
           Case{cert + pin, "needs both client_cert and client_key (or neither, to use lxc's)"},
           Case{cert + key,
                "needs server_cert or server_fingerprint, to know the server it talks to"},
           Case{cert + key + pin + server, "set server_cert or server_fingerprint, not both"},
       }) {
    const auto result = loadString(launchingOnFar(head + c.keys), "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "remotes.far");
    CHECK(errors[0].message == c.message);
  }
}

TEST_CASE("HTTPS certificate values are checked where they are written", "[config][remotes][tls]") {
  SECTION("a key where the certificate belongs") {
    const auto result =
        loadString(launchingOnFar("remotes:\n  far:\n    addr: https://127.0.0.1:8443\n"
                                  "    client_cert: |\n" +
                                  indented(kClientKey, "      ") + "    client_key: |\n" +
                                  indented(kClientKey, "      ") +
                                  "    server_fingerprint: " + kFingerprint + "\n"),
                   "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "remotes.far.client_cert");
    CHECK(errors[0].message == "is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)");
    CHECK_THAT(errors[0].message, !Catch::Contains("c2VjcmV0a2V5"));
  }
  SECTION("a fingerprint that is not a SHA-256") {
    const auto result = loadString(
        launchingOnFar("remotes:\n  far:\n    addr: https://127.0.0.1:8443\n"
                       "    client_cert: |\n" +
                       indented(kClientCert, "      ") + "    client_key: |\n" +
                       indented(kClientKey, "      ") + "    server_fingerprint: abc123\n"),
        "test.yml");
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "remotes.far.server_fingerprint");
  }
  SECTION("certificates on an image server") {
    const auto result = loadString(kMinimalConfig +
                                       "remotes:\n  images:\n"
                                       "    addr: https://images.linuxcontainers.org\n"
                                       "    protocol: simplestreams\n"
                                       "    server_fingerprint: " +
                                       kFingerprint + "\n",
                                   "test.yml");
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "remotes.images");
  }
}

TEST_CASE("an HTTPS remote without certificate keys takes lxc's, by its name",
          "[config][remotes][tls][lxc]") {
  const TempDir lxc;
  writeLxcDir(lxc);
  const std::string remotes = "remotes:\n  far:\n    addr: https://127.0.0.1:8443\n";

  SECTION("from lxc_config_dir") {
    const auto result = loadString(
        launchingOnFar("lxc_config_dir: " + lxc.path().string() + "\n" + remotes), "test.yml");
    INFO(listing(result));
    REQUIRE(result.ok());
    CHECK(result.diagnostics.empty());
    const Remote& far = remoteOf(result, "far");
    CHECK(far.tls.client_cert.reveal() == kClientCert);
    CHECK(far.tls.client_key.reveal() == kClientKey);
    CHECK(far.tls.client_key.origin() == lxc.file("client.key"));
    CHECK(far.tls.server_cert.reveal() == kServerCert);
    CHECK(far.tls.server_cert.origin() == (lxc.path() / "servercerts" / "far.crt").string());
    CHECK(far.tls.source == "lxc's configuration " + lxc.path().string());
    CHECK(result.config->lxc_config_dir == lxc.path().string());
  }
  SECTION("from $LXD_CONF, as lxc itself finds it") {
    const ScopedEnv conf("LXD_CONF", lxc.path().string());
    const auto result = loadString(launchingOnFar(remotes), "test.yml");
    INFO(listing(result));
    REQUIRE(result.ok());
    CHECK(remoteOf(result, "far").tls.client_cert.reveal() == kClientCert);
  }
  SECTION("from ~/.config/lxc, else the snap's directory") {
    const TempDir home;
    const ScopedEnv no_conf("LXD_CONF", std::nullopt);
    const ScopedEnv home_env("HOME", home.path().string());
    CHECK(lxcConfigDir("") == home.file(".config/lxc"));
    std::filesystem::create_directories(home.path() / "snap/lxd/common/config");
    CHECK(lxcConfigDir("") == home.file("snap/lxd/common/config"));
    std::filesystem::create_directories(home.path() / ".config/lxc");
    CHECK(lxcConfigDir("") == home.file(".config/lxc"));
    CHECK(lxcConfigDir("/elsewhere") == "/elsewhere");
  }
}

TEST_CASE("a remote lxc cannot serve is one clear line", "[config][remotes][tls][lxc]") {
  const TempDir lxc;
  const std::string dir_line = "lxc_config_dir: " + lxc.path().string() + "\n";
  const std::string remotes = "remotes:\n  far:\n    addr: https://127.0.0.1:8443\n";
  const std::string hint =
      "add it once with `lxc remote add far https://127.0.0.1:8443` (or `lxdrunner remote add "
      "far https://127.0.0.1:8443 --token TOKEN`), or set remotes.far.client_cert, client_key "
      "and server_cert";
  const std::string intro = "remote 'far' (https://127.0.0.1:8443) has no client certificate: ";
  const std::string where = "lxc's configuration " + lxc.path().string();

  const auto onlyError = [&](const std::string& text) {
    const auto result = loadString(launchingOnFar(dir_line + text), "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "remotes.far");
    CHECK(errors[0].message.find('\n') == std::string::npos);
    return errors[0].message;
  };

  SECTION("no config.yml at all") {
    CHECK(onlyError(remotes) == intro + where + " has no config.yml, so no remote 'far': " + hint);
  }
  SECTION("lxc does not know the remote") {
    writeLxcDir(lxc);
    writeFile(lxc.path() / "config.yml",
              "remotes:\n  near:\n    addr: https://127.0.0.2:8443\n    protocol: lxd\n");
    CHECK(onlyError(remotes) == intro + where + " has no remote 'far': " + hint);
  }
  SECTION("lxc knows it at another address") {
    writeLxcDir(lxc, "https://10.0.0.9:8443");
    CHECK(onlyError(remotes) == intro + where +
                                    " has remote 'far' at https://10.0.0.9:8443, not at "
                                    "https://127.0.0.1:8443: make remotes.far.addr and lxc's "
                                    "agree");
  }
  SECTION("lxc stored no server certificate") {
    writeLxcDir(lxc);
    std::filesystem::remove(lxc.path() / "servercerts" / "far.crt");
    CHECK(onlyError(remotes) == intro + "remote 'far' is in " + where + ", but cannot read " +
                                    (lxc.path() / "servercerts" / "far.crt").string() +
                                    ": No such file or directory");
  }
  SECTION("config.yml is not YAML") {
    writeFile(lxc.path() / "config.yml", "remotes: [unclosed\n");
    CHECK_THAT(onlyError(remotes),
               Catch::StartsWith(intro + lxc.file("config.yml") + " is not valid YAML"));
  }
}

TEST_CASE("public image servers need no client certificate", "[config][remotes][tls][public]") {
  const TempDir lxc;
  writeLxcDir(lxc);
  const auto result = loadString(kMinimalConfig + "lxc_config_dir: " + lxc.path().string() +
                                     "\nremotes:\n"
                                     "  ubuntu:\n"
                                     "    addr: https://cloud-images.ubuntu.com/releases\n"
                                     "    protocol: simplestreams\n"
                                     "  canonical:\n"
                                     "    addr: https://images.lxd.canonical.com\n"
                                     "    protocol: lxd\n"
                                     "    public: true\n"
                                     "  hub:\n"
                                     "    addr: https://hub.example.com\n"
                                     "  mirror:\n"
                                     "    addr: https://mirror.example.com:8443\n",
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.ok());
  CHECK(result.diagnostics.empty());
  // Written so, marked so by lxc, or only ever an image source: no certificate either way.
  for (const char* name : {"ubuntu", "canonical", "hub", "mirror"}) {
    INFO(name);
    CHECK(remoteOf(result, name).is_public);
    CHECK(remoteOf(result, name).tls.empty());
  }
  const auto remotes = parse(backendSettingsJson(*result.config, "{}"))->getObject("remotes");
  CHECK(remotes->getObject("canonical")->getValue<bool>("public"));
  CHECK_FALSE(remotes->getObject("canonical")->has("client_cert_pem"));

  SECTION("and instances are not launched on them") {
    const auto launch = loadString(kMinimalConfig +
                                       "    remotes: [canonical]\nremotes:\n"
                                       "  canonical:\n"
                                       "    addr: https://images.lxd.canonical.com\n"
                                       "    public: true\n",
                                   "test.yml");
    const auto errors = errorsOf(launch);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          "remote 'canonical' is a public image server; instances can only be launched on lxd "
          "remotes");
  }
}

TEST_CASE("backends receive the top-level remotes, and plugin-level ones only override",
          "[config][remotes][tls][backend]") {
  const TempDir lxc;
  writeLxcDir(lxc);
  const auto result = loadString(launchingOnFar("lxc_config_dir: " + lxc.path().string() +
                                                "\nremotes:\n"
                                                "  far:\n    addr: https://127.0.0.1:8443\n"
                                                "  images:\n"
                                                "    addr: https://images.linuxcontainers.org\n"
                                                "    protocol: simplestreams\n"),
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.ok());

  SECTION("certificates as PEM text, and where they came from") {
    const auto far =
        parse(backendSettingsJson(*result.config, "{}"))->getObject("remotes")->getObject("far");
    CHECK(far->getValue<std::string>("addr") == "https://127.0.0.1:8443");
    CHECK(far->getValue<std::string>("client_cert_pem") == kClientCert);
    CHECK(far->getValue<std::string>("client_key_pem") == kClientKey);
    CHECK(far->getValue<std::string>("server_cert_pem") == kServerCert);
    CHECK(far->getValue<std::string>("credentials_source") ==
          "lxc's configuration " + lxc.path().string());
  }
  SECTION("an override keeps the other remotes and the keys it does not name") {
    const auto settings = parse(backendSettingsJson(
        *result.config, R"({"remotes":{"far":{"max_instances":3},"main":{"socket":"/s"}}})"));
    const auto remotes = settings->getObject("remotes");
    CHECK(remotes->has("images"));
    CHECK(remotes->getObject("main")->getValue<std::string>("socket") == "/s");
    CHECK(remotes->getObject("far")->getValue<int>("max_instances") == 3);
    CHECK(remotes->getObject("far")->getValue<std::string>("client_key_pem") == kClientKey);
  }
  SECTION("an override naming certificates replaces them all") {
    const auto far = parse(backendSettingsJson(
                               *result.config,
                               R"({"remotes":{"far":{"client_cert":"/c.crt","client_key":"/c.key",)"
                               R"("server_fingerprint":")" +
                                   kFingerprint + R"("}}})"))
                         ->getObject("remotes")
                         ->getObject("far");
    CHECK(far->getValue<std::string>("client_cert") == "/c.crt");
    CHECK_FALSE(far->has("client_cert_pem"));
    CHECK_FALSE(far->has("client_key_pem"));
    CHECK_FALSE(far->has("server_cert_pem"));
    CHECK_FALSE(far->has("credentials_source"));
  }
}

TEST_CASE("a remote recorded for lxc keeps what lxc wrote", "[config][remotes][lxc]") {
  const TempDir lxc;
  writeLxcDir(lxc);
  CHECK(
      addLxcRemote(lxc.path().string(), {"far2", "https://127.0.0.1:8443", "lxd", false}).empty());
  const LxcConfig read = readLxcConfig(lxc.path().string());
  REQUIRE(read.has_config);
  CHECK(read.remotes.count("far") == 1);
  CHECK(read.remotes.at("images").is_public);
  CHECK(read.remotes.at("far2").addr == "https://127.0.0.1:8443");
  CHECK(read.remotes.at("far2").protocol == "lxd");
  CHECK_FALSE(read.remotes.at("far2").is_public);

  const TempDir empty;
  CHECK(addLxcRemote(empty.path().string(), {"far", "https://h:8443", "lxd", false}).empty());
  CHECK(readLxcConfig(empty.path().string()).remotes.at("far").addr == "https://h:8443");
}

TEST_CASE("lxc_config_dir is read from a file that does not validate yet",
          "[config][remotes][lxc]") {
  const TempDir dir;
  writeFile(dir.file("config.yml"),
            "lxc_config_dir: /srv/lxc\nremotes: {far: {addr: https://x}}\n");
  CHECK(lxcConfigDirWrittenIn(dir.file("config.yml")) == "/srv/lxc");
  writeFile(dir.file("none.yml"), "pat: x\n");
  CHECK(lxcConfigDirWrittenIn(dir.file("none.yml")).empty());
  CHECK(lxcConfigDirWrittenIn(dir.file("missing.yml")).empty());
}
