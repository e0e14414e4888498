// SPDX-License-Identifier: Apache-2.0
// A handler that answers without reading the request's body must not leave that body on a
// kept-alive connection: Poco would read its bytes as the next request. That is an HTTP
// desync: a body holding "GET /metrics HTTP/1.1 ..." gets an answer of its own, and behind a
// proxy that reuses one connection for many clients, that answer goes to someone else. Such
// a connection is closed after the answer instead. (Bodies sent to these handlers, 404s,
// 405s, built-in routes and the bodyless operator API, are rare; nobody waits on them.)
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace lxdrunner::http {

bool hasRequestBody(const Poco::Net::HTTPServerRequest& req);
// Call before the response is sent, in a handler that never reads the body.
void closeIfBodyUnread(const Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& resp);

}  // namespace lxdrunner::http
