// SPDX-License-Identifier: Apache-2.0
// Recognises credentials by their shape, so a token is masked in a log line even when the
// redactor no longer (or never) held its value: GitHub tokens by their documented prefixes
// (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) and JIT runner configurations, which are long
// base64 blobs. Stateless and linear in the length of the text.
#pragma once

#include <string>
#include <string_view>

namespace lxdrunner::logging {

// A base64 run this long (with upper case, lower case and digits) is taken for a credential.
// Long enough to spare SHA-256 hex digests (64) and ordinary words, far shorter than a JIT
// config (about 2 KB).
inline constexpr size_t kMinBlobLength = 100;
// Characters after a GitHub token prefix for the whole to count as a token (GitHub's are 36+).
inline constexpr size_t kMinTokenTail = 20;

// `text` with every token-shaped run replaced by "****". False (and `text` unchanged) when
// there was none.
bool maskTokenShapes(std::string& text);

// True when the shape rules alone mask all of `secret`, wherever it appears: it need not be
// remembered.
bool hasTokenShape(std::string_view secret);

}  // namespace lxdrunner::logging
