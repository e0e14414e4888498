// SPDX-License-Identifier: Apache-2.0
#include "cli/cli_options.hpp"

#include <fstream>
#include <limits>
#include <sstream>

namespace lxdrunner::github_sim {
namespace {

std::int64_t toInteger(const std::string& option, const std::string& text, std::int64_t min,
                       std::int64_t max) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < min || value > max) {
    throw UsageError(option + " needs an integer between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

std::string readTextFile(const std::string& option, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(option + ": cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string firstLine(std::string text) {
  const std::size_t end = text.find_first_of("\r\n");
  if (end != std::string::npos) text.resize(end);
  return text;
}

// OS,ARCH,FILE
DownloadFile parseDownload(const std::string& text) {
  const std::size_t first = text.find(',');
  const std::size_t second = first == std::string::npos ? first : text.find(',', first + 1);
  if (second == std::string::npos || first == 0 || second == first + 1 ||
      second + 1 == text.size()) {
    throw UsageError("--download needs OS,ARCH,FILE (e.g. linux,x64,runner.tar.gz)");
  }
  DownloadFile file;
  file.os = text.substr(0, first);
  file.architecture = text.substr(first + 1, second - first - 1);
  file.path = text.substr(second + 1);
  return file;
}

}  // namespace

const char* usageText() {
  return "usage: github-sim [options]\n"
         "  --port N                       listen port (0: any free port; default 0)\n"
         "  --bind ADDR                    listen address (default 127.0.0.1)\n"
         "  --public-url URL               URL runners and clients reach the simulator at\n"
         "  --state-file F                 keep state in F across restarts\n"
         "  --webhook-url URL              the app webhook every event is delivered to\n"
         "  --webhook-secret S             its secret (or --webhook-secret-file F)\n"
         "  --webhook-insecure             do not verify an https webhook's certificate\n"
         "  --webhook-ca F                 trust this CA for an https webhook\n"
         "  --tls-cert F --tls-key F       serve HTTPS with this certificate and key\n"
         "  --app-id N                     GitHub App id (iss of accepted JWTs)\n"
         "  --app-public-key F             PEM public key JWTs must be signed with\n"
         "  --installation-id N            installation named in app webhooks\n"
         "  --installation-token-lifetime S  seconds an installation token lives (3600)\n"
         "  --pat TOKEN                    accept this personal access token (repeatable;\n"
         "                                 or --pat-file F, one token per line)\n"
         "  --rate-limit N                 requests per token and window (5000)\n"
         "  --rate-limit-window S          window length in seconds (3600)\n"
         "  --secondary-points-per-minute N  secondary limit (GET 1, others 5; 0 = off)\n"
         "  --download OS,ARCH,FILE        serve FILE as the runner for OS/ARCH (repeatable)\n"
         "  --max-threads N                request threads (64)\n"
         "  --verbose                      log every request on stderr\n"
         "  --help                         this text\n"
         "Prints 'listening on URL' once ready; stops on SIGTERM or SIGINT.\n";
}

CliCommand parseCommandLine(const std::vector<std::string>& args) {
  CliCommand command;
  SimulatorOptions& o = command.options;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      command.showHelp = true;
    } else if (arg == "--port") {
      o.port = static_cast<std::uint16_t>(toInteger(arg, value(), 0, 65535));
    } else if (arg == "--bind") {
      o.bindAddress = value();
    } else if (arg == "--public-url") {
      o.publicUrl = value();
    } else if (arg == "--state-file") {
      o.stateFile = value();
    } else if (arg == "--webhook-url") {
      o.webhookUrl = value();
    } else if (arg == "--webhook-secret") {
      o.webhookSecret = value();
    } else if (arg == "--webhook-secret-file") {
      o.webhookSecret = firstLine(readTextFile(arg, value()));
    } else if (arg == "--webhook-insecure") {
      o.webhookInsecure = true;
    } else if (arg == "--webhook-ca") {
      o.webhookCaFile = value();
    } else if (arg == "--tls-cert") {
      o.tlsCertFile = value();
    } else if (arg == "--tls-key") {
      o.tlsKeyFile = value();
    } else if (arg == "--app-id") {
      o.appId = toInteger(arg, value(), 1, kMax);
    } else if (arg == "--app-public-key") {
      o.appPublicKeyPem = readTextFile(arg, value());
    } else if (arg == "--installation-id") {
      o.installationId = toInteger(arg, value(), 1, kMax);
    } else if (arg == "--installation-token-lifetime") {
      o.installationTokenLifetimeSeconds = toInteger(arg, value(), 1, kMax);
    } else if (arg == "--pat") {
      o.pats.push_back(value());
    } else if (arg == "--pat-file") {
      std::istringstream lines(readTextFile(arg, value()));
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line[0] != '#') o.pats.push_back(firstLine(line));
      }
    } else if (arg == "--rate-limit") {
      o.rateLimit = toInteger(arg, value(), 0, kMax);
    } else if (arg == "--rate-limit-window") {
      o.rateLimitWindowSeconds = toInteger(arg, value(), 1, kMax);
    } else if (arg == "--secondary-points-per-minute") {
      o.secondaryPointsPerMinute = toInteger(arg, value(), 0, kMax);
    } else if (arg == "--download") {
      o.downloads.push_back(parseDownload(value()));
    } else if (arg == "--max-threads") {
      o.maxThreads = static_cast<int>(toInteger(arg, value(), 4, 1024));
    } else if (arg == "--verbose") {
      o.verbose = true;
    } else {
      throw UsageError("unknown option " + arg);
    }
  }
  if (o.tlsCertFile.empty() != o.tlsKeyFile.empty()) {
    throw UsageError("--tls-cert and --tls-key go together");
  }
  if ((o.appId != 0) != !o.appPublicKeyPem.empty()) {
    throw UsageError("--app-id and --app-public-key go together");
  }
  return command;
}

}  // namespace lxdrunner::github_sim
