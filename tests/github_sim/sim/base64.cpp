// SPDX-License-Identifier: Apache-2.0
#include "sim/base64.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/StreamCopier.h>

#include <sstream>
#include <stdexcept>

namespace lxdrunner::github_sim {

std::string base64Encode(const std::string& data) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  // Poco breaks lines every 72 characters by default; GitHub's values are one line.
  encoder.rdbuf()->setLineLength(0);
  encoder << data;
  encoder.close();
  return out.str();
}

std::string base64Decode(const std::string& text) {
  for (char c : text) {
    const bool valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '+' || c == '/' || c == '=';
    if (!valid) throw std::invalid_argument("not base64");
  }
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument(std::string("not base64: ") + e.what());
  }
}

}  // namespace lxdrunner::github_sim
