# SPDX-License-Identifier: Apache-2.0
# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): writes the lxdrunner package's conffiles
# control file from what was actually staged, so every file installed under /etc -- the
# example configuration today, whatever install rules add later -- is a conffile. Debian
# requires that, and it is what keeps an administrator's edits across upgrades.
set(_staged "${CPACK_TEMPORARY_DIRECTORY}/Runtime")
if(NOT IS_DIRECTORY "${_staged}")
  message(FATAL_ERROR "conffiles.cmake: staging directory ${_staged} not found: "
                      "is the Runtime component still packaged by CPack's component install?")
endif()
file(GLOB_RECURSE _etc_files LIST_DIRECTORIES false RELATIVE "${_staged}" "${_staged}/etc/*")
list(SORT _etc_files)
set(_conffiles "")
foreach(_file IN LISTS _etc_files)
  string(APPEND _conffiles "/${_file}\n")
endforeach()
file(WRITE "${CPACK_LXDRUNNER_CONFFILES}" "${_conffiles}")
