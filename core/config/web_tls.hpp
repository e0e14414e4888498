// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace lxdrunner::config {

// web_tls is true (the default, and the original lxdrunner's) but no certificate is given.
// check-config, the daemon's refusal to start and the HTTP server all give this one line, so
// that an operator searching for it finds the same advice whichever of them they met first.
inline constexpr std::string_view kWebTlsWithoutCertificate =
    "web_tls is true but web_tls_cert and web_tls_key are not set: set both (a certificate and "
    "its key), or set web_tls: false behind a TLS-terminating proxy";

}  // namespace lxdrunner::config
