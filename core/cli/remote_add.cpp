// SPDX-License-Identifier: Apache-2.0
#include "cli/remote_add.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/DNS.h>
#include <Poco/StreamCopier.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "config/detail/file_reading.hpp"
#include "config/lxc_config.hpp"
#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::cli {

namespace {

constexpr auto kTimeout = std::chrono::seconds(20);

// What a trust token carries (LXD encodes it as base64 JSON).
struct TrustToken {
  std::string fingerprint;  // the server's certificate
  std::string secret;
};

TrustToken decodeToken(const std::string& token) {
  std::string json;
  try {
    std::istringstream encoded(token);
    Poco::Base64Decoder decoder(encoded);
    Poco::StreamCopier::copyToString(decoder, json);
    Poco::JSON::Parser parser;
    auto object = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    TrustToken decoded{object->optValue<std::string>("fingerprint", ""),
                       object->optValue<std::string>("secret", "")};
    if (decoded.fingerprint.size() == 64 && !decoded.secret.empty()) return decoded;
  } catch (const Poco::Exception&) {
  }
  throw std::runtime_error(
      "the token is not an LXD trust token: make one on the server with `lxc config trust add "
      "--name NAME` and pass it whole");
}

std::string readFile(const std::string& path) {
  config::detail::FileContent content = config::detail::readWholeFile(path);
  if (!content.text) throw std::runtime_error("cannot read " + path + ": " + content.error);
  return std::move(*content.text);
}

bool exists(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0;
}

void writeFile(const std::string& path, const std::string& content, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path);
  }
  ::chmod(path.c_str(), mode);
}

std::string pem(const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || write(bio.get()) != 1) throw std::runtime_error("cannot encode PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// A client certificate as lxc makes one: ECDSA P-384, self-signed, ten years.
void makeClientCertificate(const config::LxcConfig& lxc) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(nullptr, &EVP_PKEY_free);
  {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr), &EVP_PKEY_CTX_free);
    EVP_PKEY* made = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), NID_secp384r1) != 1 ||
        EVP_PKEY_keygen(ctx.get(), &made) != 1) {
      throw std::runtime_error("cannot generate a client key");
    }
    key.reset(made);
  }
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  const std::string cn = "lxdrunner@" + Poco::Net::DNS::hostName();
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("lxdrunner"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (X509_sign(cert.get(), key.get(), EVP_sha384()) == 0) {
    throw std::runtime_error("cannot sign the client certificate");
  }
  writeFile(lxc.clientKeyFile(), pem([&](BIO* b) {
              return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
            }),
            0600);
  writeFile(lxc.clientCertFile(), pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }),
            0644);
}

std::string text(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  return object ? object->optValue<std::string>(key, "") : std::string();
}

}  // namespace

int runRemoteAdd(const RemoteAddRequest& request, std::ostream& out, std::ostream& err) {
  const std::string what = "remote add " + request.name;
  try {
    if (request.url.rfind("https://", 0) != 0) {
      throw std::runtime_error(
          "the address must be an https:// URL, such as "
          "https://lxd.example.com:8443");
    }
    const TrustToken token = decodeToken(request.token);
    config::LxcConfig lxc = config::readLxcConfig(request.lxc_config_dir);
    if (!lxc.error.empty()) throw std::runtime_error(lxc.error);
    ::mkdir(lxc.dir.c_str(), 0700);
    ::mkdir((lxc.dir + "/servercerts").c_str(), 0755);
    bool made = false;
    if (!exists(lxc.clientCertFile()) || !exists(lxc.clientKeyFile())) {
      makeClientCertificate(lxc);
      made = true;
    }

    lxd::RemoteConfig remote;
    remote.name = request.name;
    remote.addr = request.url;
    remote.client_cert_pem = readFile(lxc.clientCertFile());
    remote.client_key_pem = readFile(lxc.clientKeyFile());
    remote.server_fingerprint = token.fingerprint;  // the token names the server it is for
    remote.credentials_source = "the trust token";
    lxd::LxdClient client(remote);
    const auto deadline = lxd::Deadline::in(kTimeout);
    const lxd::Envelope server = client.call("GET", "/1.0", "", deadline);
    const auto metadata = server.metadata.extract<Poco::JSON::Object::Ptr>();
    if (text(metadata, "auth") != "trusted") {
      Poco::JSON::Object body;
      body.set("type", "client");
      bool explicit_token = false;
      if (auto extensions = metadata->getArray("api_extensions")) {
        for (size_t i = 0; i < extensions->size(); ++i) {
          explicit_token =
              explicit_token || extensions->getElement<std::string>(static_cast<unsigned>(i)) ==
                                    "explicit_trust_token";
        }
      }
      // LXD before 6.1 takes the whole token in `password`.
      body.set(explicit_token ? "trust_token" : "password", request.token);
      std::ostringstream json;
      body.stringify(json);
      client.call("POST", "/1.0/certificates", json.str(), deadline);
    }
    client.refreshServerInfo(deadline);  // throws unless we are trusted now
    // Only a trusted client sees the server's environment, certificate included; the
    // connection it comes over was pinned to the token's fingerprint.
    const lxd::Envelope trusted = client.call("GET", "/1.0", "", deadline);
    const std::string server_cert =
        text(trusted.metadata.extract<Poco::JSON::Object::Ptr>()->getObject("environment"),
             "certificate");
    if (server_cert.empty()) throw std::runtime_error("the server did not show its certificate");
    writeFile(lxc.serverCertFile(request.name), server_cert, 0644);
    if (std::string problem =
            config::addLxcRemote(lxc.dir, {request.name, request.url, "lxd", false});
        !problem.empty()) {
      throw std::runtime_error(problem);
    }
    out << "remote '" << request.name << "' (" << request.url << ") trusts this host now"
        << (made ? "; a new client certificate is " + lxc.clientCertFile() : std::string())
        << "; recorded in " << lxc.configFile() << " and " << lxc.serverCertFile(request.name)
        << ", where lxdrunner finds it as remotes." << request.name << " with addr " << request.url
        << '\n';
    return 0;
  } catch (const std::exception& e) {
    err << "lxdrunner " << what << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace lxdrunner::cli
