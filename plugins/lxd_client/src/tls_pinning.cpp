// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/lxd/tls_pinning.hpp"

#include <Poco/Net/SSLManager.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <sstream>
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

std::string who(const RemoteConfig& remote) {
  return "remote '" + remote.name + "' (" + remote.addr + ")";
}

// PEM text into the context, without a file: the top-level remotes carry their
// certificates as text (read from secrets or from lxc's directory).
void usePemCertificate(Poco::Net::Context& context, const RemoteConfig& remote) {
  using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
  Bio cert_bio(BIO_new_mem_buf(remote.client_cert_pem.data(),
                               static_cast<int>(remote.client_cert_pem.size())),
               &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  Bio key_bio(
      BIO_new_mem_buf(remote.client_key_pem.data(), static_cast<int>(remote.client_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  SSL_CTX* ssl = context.sslContext();
  if (!cert || SSL_CTX_use_certificate(ssl, cert.get()) != 1) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT, who(remote) + ": the client certificate from " +
                                                  remote.credentialsSetting("client_cert") +
                                                  " is not a PEM certificate");
  }
  if (!key || SSL_CTX_use_PrivateKey(ssl, key.get()) != 1 || SSL_CTX_check_private_key(ssl) != 1) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   who(remote) + ": the client key from " +
                       remote.credentialsSetting("client_key") +
                       " is not a PEM private key, or not the client certificate's key");
  }
}

}  // namespace

std::string pinnedFingerprint(const RemoteConfig& remote) {
  if (!remote.server_fingerprint.empty()) return normaliseFingerprint(remote.server_fingerprint);
  if (remote.server_cert_pem.empty()) return {};
  initialiseOpenSslOnce();
  try {
    std::istringstream pem(remote.server_cert_pem);
    return certificateFingerprint(Poco::Crypto::X509Certificate(pem));
  } catch (const Poco::Exception& e) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT, who(remote) + ": the server certificate from " +
                                                  remote.credentialsSetting("server_cert") +
                                                  " is not a PEM certificate: " + e.displayText());
  }
}

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
  const bool pem = !remote.client_cert_pem.empty() && !remote.client_key_pem.empty();
  if (!pem && (remote.client_cert.empty() || remote.client_key.empty())) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   who(remote) +
                       " needs a client certificate: add the remote with `lxc remote add " +
                       remote.name + " " + remote.addr + "`, or set remotes." + remote.name +
                       ".client_cert and client_key");
  }
  if (pinnedFingerprint(remote).size() != 64) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   who(remote) +
                       " needs the server's certificate or its fingerprint (64 hex digits, as "
                       "`lxc info` prints it): set remotes." +
                       remote.name + ".server_fingerprint (or server_cert)");
  }
  Poco::Net::Context::Params params;
  if (!pem) {
    params.certificateFile = remote.client_cert;
    params.privateKeyFile = remote.client_key;
  }
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // replaced by the pin
  params.loadDefaultCAs = false;
  params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
  try {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    if (pem) usePemCertificate(*context, remote);
    return context;
  } catch (const Poco::Exception& e) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   "cannot load the client certificate " + remote.client_cert + " / key " +
                       remote.client_key + " for remote '" + remote.name + "': " + e.displayText());
  }
}

void verifyPinnedServer(const Poco::Crypto::X509Certificate& peer, const RemoteConfig& remote) {
  std::string expected = pinnedFingerprint(remote);
  std::string actual = certificateFingerprint(peer);
  // Not secret data, so a plain comparison is fine: the fingerprint is public.
  if (actual != expected) {
    throw LxdError(LXDR_ERR_INVALID_ARGUMENT,
                   who(remote) + ": the server presented certificate " + actual +
                       ", but the one pinned in " +
                       remote.credentialsSetting("server_fingerprint") + " is " + expected +
                       ": if the server's certificate changed on purpose, add the remote again "
                       "(lxc remote remove/add), else something else answers at that address");
  }
}

}  // namespace lxdrunner::lxd
