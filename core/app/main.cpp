// SPDX-License-Identifier: Apache-2.0
#include <exception>
#include <iostream>

#include "app/lxdrunner_app.hpp"

int main(int argc, char** argv) {
  try {
    lxdrunner::app::LxdrunnerApp app;
    return app.run(argc, argv);
  } catch (const std::exception& e) {
    // Option errors (unknown option, missing argument) land here: one line, usage exit code.
    std::cerr << "lxdrunner: " << e.what() << " (see --help)\n";
    return 64;
  }
}
