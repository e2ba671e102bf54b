#include "tools/replay/replay_options.hpp"

#include <gtest/gtest.h>

namespace tributary::replay {
namespace {

TEST(replay_options, examples_with_all_flags) {
  const auto options = parse_replay_options(
      {"--url", "https://h/x", "--secret", "s", "--examples", "--concurrency", "8", "--count", "100",
       "--form-share", "0.25", "--insecure"},
      {});
  EXPECT_EQ(options.url, "https://h/x");
  EXPECT_EQ(options.secret, "s");
  EXPECT_TRUE(options.examples);
  EXPECT_EQ(options.concurrency, 8u);
  EXPECT_EQ(options.count, 100u);
  EXPECT_DOUBLE_EQ(options.form_share, 0.25);
  EXPECT_TRUE(options.insecure);
}

TEST(replay_options, files_need_an_event_and_secret_may_come_from_the_environment) {
  EXPECT_THROW(parse_replay_options({"--url", "http://h/", "--secret", "s", "a.json"}, {}),
               std::invalid_argument);
  const auto options = parse_replay_options({"--url", "http://h/", "--event", "push", "a.json", "b.json"},
                                            {{"GITHUB_WEBHOOK_SECRET", "first,second"}});
  EXPECT_EQ(options.secret, "first");
  EXPECT_EQ(options.files, (std::vector<std::string>{"a.json", "b.json"}));
}

TEST(replay_options, refuses_bad_command_lines) {
  const std::vector<std::vector<std::string>> bad{
      {"--examples", "--secret", "s"},
      {"--url", "http://h/", "--examples"},
      {"--url", "http://h/", "--secret", "s"},
      {"--url", "http://h/", "--secret", "s", "--examples", "--event", "push", "a.json"},
      {"--url", "http://h/", "--secret", "s", "--examples", "--count", "0"},
      {"--url", "http://h/", "--secret", "s", "--examples", "--form-share", "1.5"},
      {"--url", "http://h/", "--secret", "s", "--examples", "--bogus"},
      {"--url"},
  };
  for (const auto& arguments : bad) EXPECT_THROW(parse_replay_options(arguments, {}), std::invalid_argument);
}

TEST(form_encoded_at, spreads_the_share_evenly) {
  for (const double share : {0.0, 0.25, 0.5, 1.0}) {
    std::size_t forms = 0;
    for (std::size_t i = 0; i < 400; ++i) forms += form_encoded_at(i, share) ? 1 : 0;
    EXPECT_EQ(forms, static_cast<std::size_t>(400 * share)) << share;
  }
  EXPECT_FALSE(form_encoded_at(0, 0.25));
  EXPECT_TRUE(form_encoded_at(3, 0.25));
}

}  // namespace
}  // namespace tributary::replay
