// SPDX-License-Identifier: Apache-2.0
#include "http/unread_body.hpp"

namespace lxdrunner::http {

bool hasRequestBody(const Poco::Net::HTTPServerRequest& req) {
  if (req.getChunkedTransferEncoding()) return true;
  return req.hasContentLength() && req.getContentLength64() > 0;
}

void closeIfBodyUnread(const Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& resp) {
  if (hasRequestBody(req)) resp.setKeepAlive(false);
}

}  // namespace lxdrunner::http
