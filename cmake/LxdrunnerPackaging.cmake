# SPDX-License-Identifier: Apache-2.0
# Debian packages with CPack. In a build configured with the release preset (prefix /usr,
# /etc, /var):
#   cmake --build build/release && (cd build/release && cpack -G DEB)
# makes build/release/packages/lxdrunner_<version>-<release>_<arch>.deb (install component
# Runtime: daemon, plugins, example configuration, systemd unit, man page, documentation)
# and lxdrunner-dev_<version>-<release>_<arch>.deb (component Development: the plugin SDK
# headers and its CMake package). docs/packaging.md describes both.
#
# Included at the end of the top-level CMakeLists.txt: include(CPack) only sees the install
# components that exist when it runs.
include_guard(GLOBAL)
include(GNUInstallDirs)

set(LXDRUNNER_DEB_RELEASE "1" CACHE STRING "Debian revision of the packages (the -N in 0.1.0-N)")
set(LXDRUNNER_DEB_MAINTAINER "lxdrunner maintainers <packaging@lxdrunner.invalid>"
    CACHE STRING "Maintainer field of the Debian packages: 'Name <email>'")

# Debian 12 keeps units in /lib/systemd/system (units under /usr/lib are for trixie and
# later). Any other prefix gets <prefix>/lib/systemd/system, which systemd also reads for
# /usr/local and which stays inside the prefix for staged installs.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_lxdrunner_unitdir_default "/lib/systemd/system")
else()
  set(_lxdrunner_unitdir_default "lib/systemd/system")
endif()
set(LXDRUNNER_SYSTEMD_UNITDIR "${_lxdrunner_unitdir_default}"
    CACHE STRING "Where the systemd unit is installed (relative: to the install prefix)")

set(_lxdrunner_deb_src "${PROJECT_SOURCE_DIR}/cmake/debian")
set(_lxdrunner_deb_out "${PROJECT_BINARY_DIR}/debian")
file(MAKE_DIRECTORY "${_lxdrunner_deb_out}")

# The systemd unit. The source file names the Debian paths literally so that
# `systemd-analyze verify` can check it as it is; other prefixes get their own paths here.
set(_lxdrunner_unit_src "${PROJECT_SOURCE_DIR}/config/systemd/lxdrunner.service")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_lxdrunner_unit_src}")
file(READ "${_lxdrunner_unit_src}" _lxdrunner_unit)
string(REPLACE "/usr/bin/lxdrunner" "${CMAKE_INSTALL_FULL_BINDIR}/lxdrunner"
       _lxdrunner_unit "${_lxdrunner_unit}")
string(REPLACE "/etc/lxdrunner/" "${CMAKE_INSTALL_FULL_SYSCONFDIR}/lxdrunner/"
       _lxdrunner_unit "${_lxdrunner_unit}")
string(REPLACE "/usr/share/doc/lxdrunner/" "${CMAKE_INSTALL_FULL_DOCDIR}/"
       _lxdrunner_unit "${_lxdrunner_unit}")
file(CONFIGURE OUTPUT "${_lxdrunner_deb_out}/lxdrunner.service" CONTENT "${_lxdrunner_unit}"
     @ONLY)
install(FILES "${_lxdrunner_deb_out}/lxdrunner.service"
        DESTINATION "${LXDRUNNER_SYSTEMD_UNITDIR}" COMPONENT Runtime)

# Files Debian wants gzip'd with -9n (no name, no time stamp: the same bytes every build).
set(_lxdrunner_gzipped)
function(_lxdrunner_gzip source output)
  get_filename_component(_dir "${output}" DIRECTORY)
  string(REGEX REPLACE "\\.gz$" "" _plain "${output}")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${_dir}"
    COMMAND ${CMAKE_COMMAND} -E copy "${source}" "${_plain}"
    COMMAND gzip -9nf "${_plain}"
    DEPENDS "${source}"
    COMMENT "gzip ${output}"
    VERBATIM)
  set(_lxdrunner_gzipped ${_lxdrunner_gzipped} "${output}" PARENT_SCOPE)
endfunction()

# The man page.
_lxdrunner_gzip("${PROJECT_SOURCE_DIR}/docs/man/lxdrunner.1" "${_lxdrunner_deb_out}/man/lxdrunner.1.gz")
install(FILES "${_lxdrunner_deb_out}/man/lxdrunner.1.gz"
        DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT Runtime)

# Debian's copyright and changelog, in each package's /usr/share/doc/<package>.
set(LXDRUNNER_DEB_VERSION "${PROJECT_VERSION}-${LXDRUNNER_DEB_RELEASE}")
string(TIMESTAMP LXDRUNNER_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # honours SOURCE_DATE_EPOCH
configure_file("${_lxdrunner_deb_src}/changelog.in" "${_lxdrunner_deb_out}/changelog.in-out" @ONLY)
_lxdrunner_gzip("${_lxdrunner_deb_out}/changelog.in-out"
                "${_lxdrunner_deb_out}/doc/changelog.Debian.gz")
add_custom_target(lxdrunner_deb_files ALL DEPENDS ${_lxdrunner_gzipped})

set(_lxdrunner_docroot "${CMAKE_INSTALL_DATAROOTDIR}/doc")
foreach(_pkg_component IN ITEMS "lxdrunner;Runtime" "lxdrunner-dev;Development")
  list(GET _pkg_component 0 _pkg)
  list(GET _pkg_component 1 _component)
  install(FILES "${_lxdrunner_deb_src}/copyright" "${_lxdrunner_deb_out}/doc/changelog.Debian.gz"
          DESTINATION "${_lxdrunner_docroot}/${_pkg}" COMPONENT ${_component})
endforeach()
install(FILES "${PROJECT_SOURCE_DIR}/docs/packaging.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT Runtime)

# --- CPack --------------------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "lxdrunner")
set(CPACK_PACKAGE_VENDOR "lxdrunner")
set(CPACK_PACKAGE_CONTACT "${LXDRUNNER_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
# Release builds carry debug information; Debian packages ship stripped binaries.
set(CPACK_STRIP_FILES ON)
# Left at CPack's default on purpose: any other value is prepended to every package's
# description, and the two packages need different first lines (set below).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Runtime Development)
# A rule of any other component (or of none: "Unspecified") would be in neither package.
get_cmake_property(_lxdrunner_other_components COMPONENTS)
list(REMOVE_ITEM _lxdrunner_other_components ${CPACK_COMPONENTS_ALL})
if(_lxdrunner_other_components)
  message(WARNING "install() rules of component(s) ${_lxdrunner_other_components} are in no "
                  "Debian package: give them COMPONENT Runtime or COMPONENT Development")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_RELEASE "${LXDRUNNER_DEB_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# lxdrunner: the daemon and its plugins.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "lxdrunner")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "ephemeral self-hosted GitHub Actions runners in LXD
lxdrunner starts a fresh LXD container or virtual machine for each GitHub
Actions job that asks for a self-hosted runner, installs the GitHub runner
in it for exactly that job, and deletes the instance afterwards. Jobs are
learned from GitHub webhooks or by polling; a runner map chooses the image
by the job's labels.
.
This package contains the daemon, its event source, LXD backend and
provisioner plugins, a systemd service running it as the system user
lxdrunner, and an example configuration.")
# Binaries and plugins: dpkg-shlibdeps finds the libraries (Poco, yaml-cpp, Boost, OpenSSL).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser")
# LXD may run on another machine (remotes with https:// addresses), so it is not required.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "lxd, ca-certificates")
# conffiles is written at packaging time by conffiles.cmake: every file under /etc.
set(CPACK_LXDRUNNER_CONFFILES "${_lxdrunner_deb_out}/conffiles")
set(CPACK_PRE_BUILD_SCRIPTS "${_lxdrunner_deb_src}/conffiles.cmake")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    "${_lxdrunner_deb_src}/postinst;${_lxdrunner_deb_src}/prerm;${_lxdrunner_deb_src}/postrm;${CPACK_LXDRUNNER_CONFFILES}")

# lxdrunner-dev: header-only SDK and CMake package. Building a plugin needs neither the
# daemon nor its libraries, so it depends on nothing (build machines for plugins need no
# daemon, no system user and no service); the daemon is only suggested.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME "lxdrunner-dev")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "plugin SDK for lxdrunner
lxdrunner runs ephemeral self-hosted GitHub Actions runners in LXD. It is
extended by plugins: event sources, backends and provisioners, loaded as
shared objects through a versioned C ABI.
.
This package contains the C ABI header, the header-only C++ SDK with a fake
host for unit tests, and the CMake package lxdrunner-sdk with the
lxdrunner_add_plugin() helper.")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_RECOMMENDS "cmake (>= 3.25), g++ | c++-compiler")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SUGGESTS "lxdrunner")

set(CPACK_SOURCE_GENERATOR "TXZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/")

include(CPack)
