// SPDX-License-Identifier: Apache-2.0
// provisioners.so: the bash, image and disk-mount provisioner plugins.
#include "bash_provisioner.hpp"
#include "disk_mount_provisioner.hpp"
#include "image_provisioner.hpp"
#include "lxdrunner/sdk/register.hpp"

LXDRUNNER_PLUGINS(lxdrunner::provisioners::BashProvisioner,
                  lxdrunner::provisioners::ImageProvisioner,
                  lxdrunner::provisioners::DiskMountProvisioner);
