# tributary_library(NAME SOURCES ...): the component's static library `tributary_NAME`, aliased
# `tributary::NAME`, with the repository root on its include path so headers read
# `#include "core/settings.hpp"`.
function(tributary_library name)
  add_library(tributary_${name} STATIC ${ARGN})
  add_library(tributary::${name} ALIAS tributary_${name})
  target_include_directories(tributary_${name} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

# tributary_unit_test(NAME SOURCES ... LIBS ...): a GoogleTest binary registered with CTest, label unit.
function(tributary_unit_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit)
endfunction()

# tributary_integration_test(NAME SOURCES ... LIBS ...): a GoogleTest binary that needs the test services
# (a throwaway PostgreSQL and a devbroker, started once by the CTest fixture `tributary_services`, see
# tests/harness). Label integration.
function(tributary_integration_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} tributary::test_harness GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS integration
    FIXTURES_REQUIRED tributary_services
    ENVIRONMENT "TRIBUTARY_HARNESS_ENV=${PROJECT_BINARY_DIR}/tests/services.env;TRIBUTARY_BUILD_DIR=${PROJECT_BINARY_DIR};TRIBUTARY_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    TIMEOUT 600)
endfunction()
