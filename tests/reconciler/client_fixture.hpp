#pragma once

#include "reconciler/github_client.hpp"
#include "tests/reconciler/fake_github.hpp"
#include "tests/reconciler/shifted_clock.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace tributary::testing {

/// A fake with one organisation and a repository of 250 pull requests, sharing a shifted clock
/// with the clients the tests make, so that rate-limit waits take no real time.
class client_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_github_options options;
    options.now = [clock = clock_] { return clock->now(); };
    fake_ = std::make_unique<fake_github>(options);
    fake_->edit([](fake_github_content& content) {
      content.add_organization("octo-org");
      content.add_repository({"octo-org", "hello", 250, 120, 30});
    });
  }

  static reconciler::github_config token_config(const std::string& url) {
    reconciler::github_config config;
    config.endpoint = reconciler::parse_api_url(url);
    config.auth = reconciler::token_credentials{"test-token"};
    config.request_timeout = std::chrono::seconds(20);
    return config;
  }

  reconciler::client_hooks hooks() {
    reconciler::client_hooks hooks;
    hooks.clock = clock_;
    hooks.jitter = [] { return 0.5; };
    return hooks;
  }

  static reconciler::api_request unconditional(std::string target) {
    auto request = reconciler::api_get(std::move(target));
    request.conditional = false;
    return request;
  }

  reconciler::github_client token_client() { return reconciler::github_client(token_config(fake_->url()), hooks()); }

  /// The numbers of every pull request of octo-org/hello, in the order walked.
  static std::vector<std::int64_t> pull_numbers(
      reconciler::github_client& client,
      const std::function<void(int page)>& after_page = [](int) {}) {
    std::vector<std::int64_t> numbers;
    int page_index = 0;
    client.walk_pages("/repos/octo-org/hello/pulls",
                      [&](const reconciler::api_response&, const rapidjson::Document* page) {
                        if (page != nullptr)
                          for (const auto& pull : page->GetArray()) numbers.push_back(pull["number"].GetInt64());
                        after_page(++page_index);
                      });
    return numbers;
  }

  std::shared_ptr<shifted_clock> clock_ = std::make_shared<shifted_clock>();
  std::unique_ptr<fake_github> fake_;
};

}  // namespace tributary::testing
