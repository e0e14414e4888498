// SPDX-License-Identifier: Apache-2.0
#include "cli/cli_client.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <iostream>
#include <map>
#include <ostream>

#include "cli/cli_client_render.hpp"
#include "cli/ports_file.hpp"

namespace lxdrunner::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 64;
// GET /instances asks every backend (up to 10 s each on the daemon's side).
constexpr long kTimeoutSeconds = 60;

struct CommandSpec {
  const char* usage;
  const char* help;
  size_t args;  // after the command name
};

const std::map<std::string, CommandSpec>& commands() {
  static const std::map<std::string, CommandSpec> specs{
      {"status", {"status", "the daemon's version, uptime, entries and counters", 0}},
      {"jobs", {"jobs [--state S]", "jobs not finished, or those in state S", 0}},
      {"job", {"job ID", "one job: its phase history and provisioning log", 1}},
      {"instances", {"instances", "live instances, with what the backends say about them", 0}},
      {"devices", {"devices", "device pool items: free, or held by which instance and job", 0}},
      {"drain", {"drain ENTRY", "stop launching for ENTRY; its jobs wait in the queue", 1}},
      {"resume", {"resume ENTRY", "launch for ENTRY again", 1}},
  };
  return specs;
}

struct Answer {
  int status = 0;
  std::string body;
};

// Where to connect: a wildcard listen address means "this machine".
std::string connectHost(const std::string& host) {
  if (host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

std::string endpoint(const config::OperatorApiConfig& api) {
  const std::string host = connectHost(api.host);
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(api.port);
}

bool call(const config::OperatorApiConfig& api, const std::string& method, const std::string& path,
          Answer& answer, std::string& error) {
  try {
    Poco::Net::HTTPClientSession session(connectHost(api.host),
                                         static_cast<Poco::UInt16>(api.port));
    session.setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + api.token.reveal());
    request.setContentLength(0);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(body, answer.body);
    answer.status = static_cast<int>(response.getStatus());
    return true;
  } catch (const Poco::Net::ConnectionRefusedException&) {
    error = "the daemon is not running: nothing answers on " + endpoint(api) +
            " (start it, or check operator_api.host and operator_api.port)";
  } catch (const Poco::TimeoutException&) {
    error = "the daemon did not answer within " + std::to_string(kTimeoutSeconds) + " s on " +
            endpoint(api);
  } catch (const Poco::Exception& e) {
    error = "cannot reach the daemon on " + endpoint(api) + ": " + e.displayText();
  }
  return false;
}

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

// One line for an answer that is not 2xx.
std::string refusal(const Answer& answer) {
  if (answer.status == 401) {
    return "the daemon refused the token: operator_api.token in this file differs from the "
           "running daemon's (restart the daemon after changing it)";
  }
  std::string message;
  try {
    message = parseObject(answer.body)->getValue<std::string>("error");
  } catch (const std::exception&) {
    message = answer.body.substr(0, answer.body.find('\n'));
  }
  return message + " (HTTP " + std::to_string(answer.status) + ")";
}

std::string encodeSegment(const std::string& segment) {
  std::string out;
  Poco::URI::encode(segment, "/?#&=+ %", out);
  return out;
}

}  // namespace

bool isOperatorCommand(const std::string& command) {
  return commands().count(command) != 0;
}

std::string operatorCommandsHelp() {
  std::string out;
  for (const auto& name : {"status", "jobs", "job", "instances", "devices", "drain", "resume"}) {
    const auto& spec = commands().at(name);
    std::string usage = spec.usage;
    usage.resize(std::max<size_t>(usage.size() + 1, 17), ' ');
    out += "  " + usage + spec.help + "\n";
  }
  return out;
}

int runOperatorCommandFromApp(const std::vector<std::string>& args,
                              const OperatorCliInvocation& invocation) {
  if (invocation.config_path == nullptr || !*invocation.config_path || invocation.load == nullptr) {
    std::cerr << "lxdrunner: no configuration file found (looked at:";
    if (invocation.config_tried != nullptr) {
      for (const auto& p : *invocation.config_tried) std::cerr << ' ' << p;
    }
    std::cerr << "): pass --config FILE, the daemon's configuration\n";
    return kExitFailure;
  }
  const std::string& path = **invocation.config_path;
  if (!invocation.load->ok()) {
    for (const auto& d : invocation.load->diagnostics) std::cerr << d.str() << '\n';
    std::cerr << "lxdrunner: " << path
              << " has errors (listed above): the operator commands read operator_api from it\n";
    return kExitFailure;
  }
  OperatorCliOptions options;
  options.json = invocation.json;
  options.state = invocation.state;
  options.config_path = path;
  return runOperatorCommand(args, *invocation.load->config, options, std::cout, std::cerr);
}

int runOperatorCommand(const std::vector<std::string>& args,
                       const config::OperatorClientConfig& config,
                       const OperatorCliOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& command = args.front();
  const auto& spec = commands().at(command);
  if (args.size() != spec.args + 1) {
    err << "lxdrunner: usage: lxdrunner " << spec.usage << " [--json] [--config FILE]\n";
    return kExitUsage;
  }
  if (!options.state.empty() && command != "jobs") {
    err << "lxdrunner: --state is for the jobs command only\n";
    return kExitUsage;
  }
  config::OperatorApiConfig api = config.operator_api;
  if (!api.enabled || api.token.empty()) {
    err << "lxdrunner: the operator API is off: set operator_api.enabled: true and a token"
        << (options.config_path.empty() ? "" : " in " + options.config_path)
        << ", then restart the daemon\n";
    return kExitFailure;
  }
  if (api.port == 0) {
    // The system picked the daemon's port; the daemon wrote it down once it listened.
    const std::string path = portsFilePath(config.state_dir);
    const auto ports = readPortsFile(path);
    if (!ports || ports->operator_api_port == 0) {
      err << "lxdrunner: the daemon is not running: operator_api.port is 0 and " << path
          << " names no operator API port (start the daemon, or check state_dir)\n";
      return kExitFailure;
    }
    api.port = ports->operator_api_port;
  }

  std::string method = "GET";
  std::string path;
  if (command == "status") {
    path = "/api/v1/status";
  } else if (command == "jobs") {
    path = "/api/v1/jobs";
    if (!options.state.empty()) path += "?state=" + encodeSegment(options.state);
  } else if (command == "job") {
    path = "/api/v1/jobs/" + encodeSegment(args[1]);
  } else if (command == "instances") {
    path = "/api/v1/instances";
  } else if (command == "devices") {
    path = "/api/v1/devices";
  } else {
    method = "POST";
    path = "/api/v1/entries/" + encodeSegment(args[1]) + "/" + command;
  }

  Answer answer;
  std::string error;
  if (!call(api, method, path, answer, error)) {
    err << "lxdrunner: " << error << '\n';
    return kExitFailure;
  }
  if (answer.status < 200 || answer.status > 299) {
    err << "lxdrunner: " << command << ": " << refusal(answer) << '\n';
    return kExitFailure;
  }
  if (options.json) {
    out << answer.body;
    if (!answer.body.empty() && answer.body.back() != '\n') out << '\n';
    return kExitOk;
  }
  try {
    const auto body = parseObject(answer.body);
    if (command == "status") {
      renderStatus(out, *body);
    } else if (command == "jobs") {
      renderJobs(out, *body);
    } else if (command == "job") {
      renderJob(out, *body);
    } else if (command == "instances") {
      renderInstances(out, *body);
    } else if (command == "devices") {
      renderDevices(out, *body);
    } else if (command == "drain") {
      out << "entry '" << args[1] << "' drained: it launches nothing new; its jobs wait until "
          << "'lxdrunner resume " << args[1] << "'\n";
    } else {
      out << "entry '" << args[1] << "' resumed\n";
    }
  } catch (const std::exception& e) {
    err << "lxdrunner: " << command << ": unexpected answer from the daemon: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace lxdrunner::cli
