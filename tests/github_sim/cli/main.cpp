// SPDX-License-Identifier: Apache-2.0
// github-sim: the GitHub simulator as a process, for the README demo and end-to-end tests.
#include <Poco/Exception.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_options.hpp"
#include "sim/github_simulator.hpp"

int main(int argc, char** argv) {
  using namespace lxdrunner::github_sim;
  CliCommand command;
  try {
    command = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "github-sim: " << e.what() << "\n" << usageText();
    return 2;
  }
  if (command.showHelp) {
    std::cout << usageText();
    return 0;
  }

  // Block the stop signals before any thread starts so that only sigwait below receives them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  // A webhook receiver that hangs up must not kill the simulator.
  std::signal(SIGPIPE, SIG_IGN);

  try {
    GithubSimulator simulator(command.options);
    simulator.start();
    std::cout << "listening on " << simulator.listenUrl() << std::endl;
    int received = 0;
    sigwait(&stopSignals, &received);
    simulator.stop();
  } catch (const Poco::Exception& e) {
    std::cerr << "github-sim: " << e.displayText() << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "github-sim: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
