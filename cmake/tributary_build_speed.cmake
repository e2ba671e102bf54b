# How fast a build from nothing is (scripts/test.sh on a clean clone, in CI): precompiled headers,
# the debug-information level and the linker. None of them changes what is compiled or tested:
# the same sources, -O level, warnings (errors) and sanitizers. Figures: scripts/README.md.
#
# TRIBUTARY_PCH (default ON for clang without ccache, i.e. CI's fuzz build; OFF otherwise, see
#   below): two precompiled headers, built once each and reused by every target of the components
#   (PRECOMPILE_HEADERS_REUSE_FROM):
#   `tributary_pch` (the standard library, libpqxx, RapidJSON) and `tributary_pch_gtest` (the same
#   plus GoogleTest and GoogleMock) for the targets that link GoogleTest, directly or not. ccache
#   does not cache a compilation that uses a precompiled header unless configured for it
#   (sloppiness pch_defines,time_macros), so with ccache they stay off: an incremental build from
#   a warm cache is faster than any precompiled header. A build with them sees their headers in
#   every file, so a missing #include shows only in a build without them (every ccache build, or
#   -DTRIBUTARY_PCH=OFF).
# TRIBUTARY_DEBUG_INFO (default full): full (-g, what the build type gives), lines (-g1: functions
#   and line tables, what stacks and sanitizer reports print, no local variables; a third less
#   compile time for the Boost.Beast files and half the object size), or none (-g0).
# TRIBUTARY_LINKER (default: the compiler's, GNU ld): gold or lld (-fuse-ld=...), which link the
#   test executables several times faster than GNU ld.

# On by default only for clang (the fuzz build) without ccache. GCC's flow-sensitive warnings are
# given after inlining, and its inlining differs with a precompiled header: with one, GCC 12 called
# `std::string("old-secret,") + secret` (tests/ingest/running_ingest.cpp) out of bounds
# (-Warray-bounds, the false positive of GCC bug 105329 that -Wno-restrict answers for -O3), which
# -Werror makes a failed build that the ccache builds of developers, without the header, never see.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND NOT CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
  set(tributary_pch_default ON)
else()
  set(tributary_pch_default OFF)
endif()
option(TRIBUTARY_PCH "Precompiled headers shared by every target (default: clang without ccache)" ${tributary_pch_default})

set(TRIBUTARY_DEBUG_INFO "full" CACHE STRING "Debug information: full (-g), lines (-g1) or none (-g0)")
set_property(CACHE TRIBUTARY_DEBUG_INFO PROPERTY STRINGS full lines none)
if(TRIBUTARY_DEBUG_INFO STREQUAL "lines")
  # After the build type's -g, so it wins; -g1 is GCC's and clang's spelling.
  add_compile_options(-g1)
elseif(TRIBUTARY_DEBUG_INFO STREQUAL "none")
  add_compile_options(-g0)
elseif(NOT TRIBUTARY_DEBUG_INFO STREQUAL "full")
  message(FATAL_ERROR "TRIBUTARY_DEBUG_INFO must be full, lines or none")
endif()

set(TRIBUTARY_LINKER "" CACHE STRING "Linker: empty (the compiler's default), gold or lld")
set_property(CACHE TRIBUTARY_LINKER PROPERTY STRINGS "" gold lld)
if(TRIBUTARY_LINKER STREQUAL "gold" OR TRIBUTARY_LINKER STREQUAL "lld")
  add_link_options(-fuse-ld=${TRIBUTARY_LINKER})
elseif(NOT TRIBUTARY_LINKER STREQUAL "")
  message(FATAL_ERROR "TRIBUTARY_LINKER must be empty, gold or lld")
endif()

# The headers of the precompiled headers: the standard library, libpqxx and RapidJSON (most of the
# components include them), and GoogleTest and GoogleMock for the test targets. Boost.Asio and
# Beast stay out: their files spend 4 of 40 s parsing and the rest optimising and generating code,
# and a header with them is 250 MB that every light file then loads for longer than it parses.
# Measured (g++ 12, -O2 -g1, user time): a test file 5.5-6.6 s without, 4.4-5.0 s with; a fold
# 1.8-2.0 s / 1.2-1.3 s; batch_applier.cpp 4.8-5.1 s / 3.7-4.0 s.
set(tributary_pch_headers
  <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional> <set> <stdexcept>
  <string> <string_view> <unordered_map> <utility> <variant> <vector>
  <pqxx/pqxx>
  <rapidjson/document.h> <rapidjson/stringbuffer.h> <rapidjson/writer.h>)

# tributary_add_precompiled_headers(): called once at the end of the top-level CMakeLists, after
# every component is added, so that no component's CMakeLists needs to know about it.
function(tributary_add_precompiled_headers)
  if(NOT TRIBUTARY_PCH)
    return()
  endif()
  set(anchor ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cpp)
  add_library(tributary_pch OBJECT ${anchor})
  target_link_libraries(tributary_pch PRIVATE PkgConfig::pqxx PkgConfig::rapidjson)
  target_precompile_headers(tributary_pch PRIVATE ${tributary_pch_headers})
  add_library(tributary_pch_gtest OBJECT ${anchor})
  # GTest::gtest also brings its compile definition (GTEST_HAS_PTHREAD), which the header and the
  # targets reusing it must share.
  target_link_libraries(tributary_pch_gtest PRIVATE
    PkgConfig::pqxx PkgConfig::rapidjson GTest::gmock GTest::gtest)
  target_precompile_headers(tributary_pch_gtest PRIVATE ${tributary_pch_headers}
    <gtest/gtest.h> <gmock/gmock.h>)

  # CMake adds -Winvalid-pch: with -Werror a header GCC refuses (a target given options of its own,
  # say) would stop the build, where reading the header's text is only slower. So it stays a
  # warning. (Clang refuses a mismatched header with an error of its own, whatever the options.)
  set(pch_warning $<$<CXX_COMPILER_ID:GNU>:-Wno-error=invalid-pch>)
  target_compile_options(tributary_pch PRIVATE ${pch_warning})
  target_compile_options(tributary_pch_gtest PRIVATE ${pch_warning})

  tributary_component_targets(targets ${PROJECT_SOURCE_DIR})
  foreach(target ${targets})
    tributary_links_gtest(uses_gtest ${target})
    if(uses_gtest)
      target_precompile_headers(${target} REUSE_FROM tributary_pch_gtest)
    else()
      target_precompile_headers(${target} REUSE_FROM tributary_pch)
    endif()
    # Should the compiler refuse the precompiled header (it then reads the header's text), the
    # includes must still be found.
    target_compile_options(${target} PRIVATE ${pch_warning})
    target_include_directories(${target} SYSTEM PRIVATE
      $<TARGET_PROPERTY:PkgConfig::pqxx,INTERFACE_INCLUDE_DIRECTORIES>
      $<TARGET_PROPERTY:PkgConfig::rapidjson,INTERFACE_INCLUDE_DIRECTORIES>)
  endforeach()
endfunction()

# tributary_component_targets(OUT DIR): the compiled targets (libraries and executables) of DIR's
# subdirectories, recursively; DIR's own targets (the top level's) are left out.
function(tributary_component_targets out dir)
  set(found)
  get_property(subdirectories DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory ${subdirectories})
    get_property(targets DIRECTORY ${subdirectory} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target ${targets})
      get_target_property(type ${target} TYPE)
      if(type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
        list(APPEND found ${target})
      endif()
    endforeach()
    tributary_component_targets(below ${subdirectory})
    list(APPEND found ${below})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# tributary_links_gtest(OUT TARGET): whether TARGET links GoogleTest, directly or through the
# libraries of this project it links.
function(tributary_links_gtest out target)
  set(result FALSE)
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    set(target ${aliased})
  endif()
  get_target_property(imported ${target} IMPORTED)
  if(NOT imported)
    get_target_property(libraries ${target} LINK_LIBRARIES)
    get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
    foreach(library ${libraries} ${interface})
      # A static library's private dependencies appear as $<LINK_ONLY:name>.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" library "${library}")
      if(library MATCHES "^GTest::")
        set(result TRUE)
        break()
      endif()
      if(TARGET ${library} AND NOT library STREQUAL target)
        tributary_links_gtest(below ${library})
        if(below)
          set(result TRUE)
          break()
        endif()
      endif()
    endforeach()
  endif()
  set(${out} ${result} PARENT_SCOPE)
endfunction()
