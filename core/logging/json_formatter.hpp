// SPDX-License-Identifier: Apache-2.0
// One JSON object per line ({"ts","level","component","msg"}) for log collectors.
#pragma once

#include <Poco/Formatter.h>
#include <Poco/Message.h>

#include <string>

namespace lxdrunner::logging {

class JsonFormatter : public Poco::Formatter {
 public:
  void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace lxdrunner::logging
