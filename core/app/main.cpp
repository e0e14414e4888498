// SPDX-License-Identifier: Apache-2.0
#include <sys/prctl.h>

#include <exception>
#include <iostream>

#include "app/lxdrunner_app.hpp"

int main(int argc, char** argv) {
  // The packaged unit grants CAP_SYS_PTRACE and CAP_DAC_OVERRIDE as ambient capabilities,
  // for the warm hand-over's write into a container's FIFO. They are the daemon's own:
  // cleared from the ambient set, no program it starts (tar, gzip) inherits them, while the
  // daemon keeps them in its permitted and effective sets.
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  try {
    lxdrunner::app::LxdrunnerApp app;
    return app.run(argc, argv);
  } catch (const std::exception& e) {
    // Option errors (unknown option, missing argument) land here: one line, usage exit code.
    std::cerr << "lxdrunner: " << e.what() << " (see --help)\n";
    return 64;
  }
}
