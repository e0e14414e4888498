// SPDX-License-Identifier: Apache-2.0
// The last line of defence for the job log: whatever a setup script or runner prints, the
// credential the provisioner handed over is replaced before the text is kept anywhere.
#pragma once

#include <string>
#include <string_view>

namespace lxdrunner::provisioners {

inline std::string redacted(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  constexpr std::string_view kMask = "****";
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kMask.size())) {
    text.replace(at, secret.size(), kMask);
  }
  return text;
}

}  // namespace lxdrunner::provisioners
