# SPDX-License-Identifier: Apache-2.0
# lxdrunner_add_plugin(<name> SOURCES <file>... [OUTPUT_DIRECTORY <dir>]
#                      [INSTALL_DESTINATION <dir>] [COMPONENT <component>] [NO_INSTALL])
#
# Builds a plugin as a MODULE library the daemon can dlopen:
#  - file name <name>.so (no "lib" prefix), hidden visibility, and a version script that
#    exports the entry symbol lxdrunner_plugin_entry and nothing else. Hidden visibility
#    alone leaves template instantiations and inline functions' statics from C++ headers
#    (std::, Poco::) exported as weak or STB_GNU_UNIQUE symbols, which the dynamic linker
#    merges across libraries; `lxdrunner plugin-check` refuses a plugin that exports them;
#  - linked with -z defs, so a plugin that reaches for a daemon symbol fails to link instead
#    of failing to load;
#  - installed into the lxdrunner plugin directory (default LXDRUNNER_SDK_PLUGIN_INSTALL_DIR,
#    relative to the install prefix).
include_guard(GLOBAL)
set(_LXDRUNNER_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/lxdrunner-plugin.map")

function(lxdrunner_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION;COMPONENT"
                        "SOURCES" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "lxdrunner_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE lxdrunner::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # clang leaves the sanitizer runtimes out of shared objects (gcc links them in), so with
  # clang + -fsanitize the check would fail on __asan_*/__ubsan_* symbols the daemon provides.
  if(NOT (CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_FLAGS MATCHES "-fsanitize"))
    target_link_options(${name} PRIVATE "LINKER:-z,defs")
  endif()
  target_link_options(${name} PRIVATE
                      "LINKER:--version-script=${_LXDRUNNER_PLUGIN_VERSION_SCRIPT}")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${_LXDRUNNER_PLUGIN_VERSION_SCRIPT}")
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIRECTORY}")
  endif()
  if(NOT P_NO_INSTALL)
    if(NOT P_INSTALL_DESTINATION)
      set(P_INSTALL_DESTINATION "${LXDRUNNER_SDK_PLUGIN_INSTALL_DIR}")
    endif()
    if(NOT P_COMPONENT)
      set(P_COMPONENT Runtime)
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION "${P_INSTALL_DESTINATION}"
            COMPONENT ${P_COMPONENT})
  endif()
endfunction()
