#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace tributary::reconciler {

/// `text` parsed; a parse error fails the test. For REST objects written out in tests.
inline rapidjson::Document parsed(const char* text) {
  rapidjson::Document document;
  document.Parse(text);
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

}  // namespace tributary::reconciler
