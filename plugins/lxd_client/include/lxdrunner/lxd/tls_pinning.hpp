// SPDX-License-Identifier: Apache-2.0
// TLS to an LXD server: our client certificate, and the server trusted by the SHA-256
// fingerprint of its DER certificate (LXD servers use self-signed certificates, so a CA
// chain proves nothing; the pin is what `lxc remote add` records as well).
#pragma once

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/Context.h>

#include <string>

#include "lxdrunner/lxd/remote_config.hpp"

namespace lxdrunner::lxd {

// Lower-case hex SHA-256 of the certificate's DER encoding (LXD's certificate_fingerprint).
std::string certificateFingerprint(const Poco::Crypto::X509Certificate& certificate);

// "AB:cd:..." or "abcd..." → "abcd...": users paste fingerprints in either form.
std::string normaliseFingerprint(const std::string& text);

// The pinned server fingerprint: server_fingerprint normalised, or the SHA-256 of
// server_cert_pem; empty when neither is set. Throws LxdError on a certificate that is not PEM.
std::string pinnedFingerprint(const RemoteConfig& remote);

// A client context: TLS 1.2 or newer, our certificate and key (PEM text or files), and no CA
// verification by OpenSSL (the pin below replaces it). Throws LxdError naming the file on a bad
// cert/key.
Poco::Net::Context::Ptr makeClientContext(const RemoteConfig& remote);

// Throws LxdError(INVALID_ARGUMENT) unless the peer's fingerprint equals the pinned one.
void verifyPinnedServer(const Poco::Crypto::X509Certificate& peer, const RemoteConfig& remote);

}  // namespace lxdrunner::lxd
