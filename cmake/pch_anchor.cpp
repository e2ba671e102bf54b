// The one source of the targets tributary_pch and tributary_pch_gtest, which exist to compile the
// precompiled headers that every other target reuses (cmake/tributary_build_speed.cmake).
