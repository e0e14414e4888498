// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/tls_pinning.hpp"

#include <Poco/Net/SSLManager.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>
#include <mutex>
#include <vector>

#include "lxdrunner/lxd/error.hpp"

namespace lxdrunner::lxd {

namespace {

void initialiseOpenSslOnce() {
  static std::once_flag once;
  // Never uninitialised: other parts of the daemon may use OpenSSL through Poco as well.
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

std::string hex(const unsigned char* data, size_t size) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string certificateFingerprint(const Poco::Crypto::X509Certificate& certificate) {
  // i2d_X509 takes a non-const pointer for historical reasons; it does not modify it.
  X509* x509 = const_cast<X509*>(certificate.certificate());
  int length = i2d_X509(x509, nullptr);
  if (length <= 0) throw LxdError(LXDR_ERR_INTERNAL, "cannot DER-encode a certificate");
  std::vector<unsigned char> der(static_cast<size_t>(length));
  unsigned char* cursor = der.data();
  i2d_X509(x509, &cursor);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(der.data(), der.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
    throw LxdError(LXDR_ERR_INTERNAL, "SHA-256 of a certificate failed");
  }
  return hex(digest, digest_size);
}

std::string normaliseFingerprint(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

Poco::Net::Context::Ptr makeClientContext(const RemoteConfig& remote) {
  initialiseOpenSslOnce();
  if (remote.client_cert.empty() || remote.client_key.empty()) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT, "remote '" + remote.name + "' (" + remote.addr +
                                                  ") needs a client certificate: set remotes." +
                                                  remote.name + ".client_cert and .client_key");
  }
  if (normaliseFingerprint(remote.server_fingerprint).size() != 64) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   "remote '" + remote.name + "' (" + remote.addr +
                       ") needs the server's certificate fingerprint (64 hex digits, as `lxc "
                       "info` prints it): set remotes." +
                       remote.name + ".server_fingerprint");
  }
  Poco::Net::Context::Params params;
  params.certificateFile = remote.client_cert;
  params.privateKeyFile = remote.client_key;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // replaced by the pin
  params.loadDefaultCAs = false;
  params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
  try {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
  } catch (const Poco::Exception& e) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   "cannot load the client certificate " + remote.client_cert + " / key " +
                       remote.client_key + " for remote '" + remote.name + "': " + e.displayText());
  }
}

void verifyPinnedServer(const Poco::Crypto::X509Certificate& peer, const RemoteConfig& remote) {
  std::string expected = normaliseFingerprint(remote.server_fingerprint);
  std::string actual = certificateFingerprint(peer);
  // Not secret data, so a plain comparison is fine: the fingerprint is public.
  if (actual != expected) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   "the server at " + remote.addr + " (remote '" + remote.name +
                       "') presented certificate " + actual + ", not the pinned " + expected +
                       ": check remotes." + remote.name + ".server_fingerprint");
  }
}

}  // namespace lxdrunner::lxd
