#include "core/log.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace tributary::core {
namespace {

TEST(format_log_line, is_one_json_object_with_the_fields) {
  const auto line = format_log_line("ingest", log_level::warning, "publish failed \"x\"\n",
                                    {{"delivery", "abc"}, {"partition", 3}, {"ok", false}});
  rapidjson::Document document;
  ASSERT_FALSE(document.Parse(line.c_str()).HasParseError()) << line;
  EXPECT_STREQ(document["level"].GetString(), "warning");
  EXPECT_STREQ(document["component"].GetString(), "ingest");
  EXPECT_STREQ(document["msg"].GetString(), "publish failed \"x\"\n");
  EXPECT_STREQ(document["delivery"].GetString(), "abc");
  EXPECT_EQ(document["partition"].GetInt(), 3);
  EXPECT_FALSE(document["ok"].GetBool());
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(logger, parses_levels_and_rejects_others) {
  EXPECT_EQ(logger::parse_level("debug"), log_level::debug);
  EXPECT_EQ(logger::parse_level("warning"), log_level::warning);
  EXPECT_THROW(logger::parse_level("loud"), std::invalid_argument);
}

}  // namespace
}  // namespace tributary::core
