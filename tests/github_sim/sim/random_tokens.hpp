// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

namespace lxdrunner::github_sim {

// Cryptographically random strings (OpenSSL RAND_bytes): issued tokens must not be guessable
// even in a simulator, or a test could pass by accident with a stale value.
std::string randomBytes(std::size_t count);
// Letters and digits, the alphabet of GitHub's tokens (ghs_..., registration tokens).
std::string randomAlphanumeric(std::size_t count, bool upperCaseOnly = false);
// A version-4 GUID in lowercase, the X-GitHub-Delivery format.
std::string newGuid();

}  // namespace lxdrunner::github_sim
