# cmake -DOUTPUT=file.cpp -DINPUTS="a.sql;b.sql" -P embed_migrations.cmake
# Writes a C++ source holding each NNN_name.sql as a raw string literal.
set(body "")
foreach(input ${INPUTS})
  get_filename_component(file_name ${input} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.+)$" matched ${file_name})
  if(NOT matched)
    message(FATAL_ERROR "migration file name must be NNN_name.sql: ${input}")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name ${CMAKE_MATCH_2})
  file(READ ${input} sql)
  string(FIND "${sql}" ")tributary_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw-string delimiter")
  endif()
  string(APPEND body "  {${version}, \"${name}\", R\"tributary_sql(${sql})tributary_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from schemas/sql by embed_migrations.cmake; do not edit.
#include \"schemas/embedded_migrations.hpp\"

namespace tributary::schemas {
namespace {
const core::migration migrations[] = {
${body}};
}  // namespace

std::span<const core::migration> all_migrations() { return migrations; }

}  // namespace tributary::schemas
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
