// SPDX-License-Identifier: Apache-2.0
#include "job_env_step.hpp"

// Exports lxdrunner_plugin_entry for this library's plugins.
LXDRUNNER_PLUGINS(example::JobEnvStep);
