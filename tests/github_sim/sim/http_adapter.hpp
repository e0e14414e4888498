// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <string>

#include "sim/sim_service.hpp"

namespace lxdrunner::github_sim {

// Hands every request of Poco's HTTP server to the SimService and writes its answer back.
class SimRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  SimRequestHandlerFactory(SimService& service, std::string scheme, std::string fallbackHost);
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  SimService& service_;
  std::string scheme_;
  std::string fallbackHost_;
};

}  // namespace lxdrunner::github_sim
