// SPDX-License-Identifier: Apache-2.0
#include "motd_provisioner.hpp"

// Exports lxdrunner_plugin_entry for this library's plugins.
LXDRUNNER_PLUGINS(example::MotdProvisioner);
