# SPDX-License-Identifier: Apache-2.0
# lxdrunner_set_warnings(<target>): the project's warning set; zero warnings is the rule.
function(lxdrunner_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wconversion -Wsign-conversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual>)
  if(LXDRUNNER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
