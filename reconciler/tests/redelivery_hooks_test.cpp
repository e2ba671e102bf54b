#include "reconciler/app_jwt.hpp"
#include "reconciler/redelivery_app_auth.hpp"
#include "reconciler/redelivery_hooks.hpp"
#include "reconciler/redelivery_run.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace tributary::reconciler {
namespace {

TEST(redelivery_hooks, an_organization_hook_lists_under_orgs) {
  const auto h = parse_hook("org/acme-corp/12345");
  EXPECT_EQ(h.kind, hook_kind::organization);
  EXPECT_EQ(h.owner, "acme-corp");
  EXPECT_EQ(h.hook_id, 12345);
  EXPECT_EQ(h.key, "org/acme-corp/12345");
  EXPECT_EQ(h.deliveries_path, "/orgs/acme-corp/hooks/12345/deliveries");
  EXPECT_FALSE(h.needs_app_jwt);
  EXPECT_EQ(attempts_path(h, 9876543210), "/orgs/acme-corp/hooks/12345/deliveries/9876543210/attempts");
}

TEST(redelivery_hooks, a_repository_hook_lists_under_repos) {
  const auto h = parse_hook("repo/octo_cat/hello.world/7");
  EXPECT_EQ(h.kind, hook_kind::repository);
  EXPECT_EQ(h.owner, "octo_cat");
  EXPECT_EQ(h.repo, "hello.world");
  EXPECT_EQ(h.hook_id, 7);
  EXPECT_EQ(h.deliveries_path, "/repos/octo_cat/hello.world/hooks/7/deliveries");
  EXPECT_EQ(attempts_path(h, 1), "/repos/octo_cat/hello.world/hooks/7/deliveries/1/attempts");
}

TEST(redelivery_hooks, the_app_hook_needs_the_apps_own_jwt) {
  const auto h = parse_hook("app");
  EXPECT_EQ(h.kind, hook_kind::app);
  EXPECT_EQ(h.deliveries_path, "/app/hook/deliveries");
  EXPECT_TRUE(h.needs_app_jwt);
  EXPECT_EQ(attempts_path(h, 42), "/app/hook/deliveries/42/attempts");
}

TEST(redelivery_hooks, bad_entries_are_refused_with_the_entry_and_the_reason) {
  const auto refusal = [](std::string_view entry) {
    try {
      parse_hook(entry);
    } catch (const hook_entry_error& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal("org/acme"),
            "RECONCILE_HOOKS entry 'org/acme': expected org/ORG/HOOK_ID, repo/OWNER/REPO/HOOK_ID or app");
  EXPECT_EQ(refusal("repo/acme/12"),
            "RECONCILE_HOOKS entry 'repo/acme/12': expected org/ORG/HOOK_ID, repo/OWNER/REPO/HOOK_ID or app");
  EXPECT_EQ(refusal("hook/acme/12"),
            "RECONCILE_HOOKS entry 'hook/acme/12': expected org/ORG/HOOK_ID, repo/OWNER/REPO/HOOK_ID or app");
  EXPECT_EQ(refusal("org/acme/twelve"), "RECONCILE_HOOKS entry 'org/acme/twelve': the hook id 'twelve' is not a positive integer");
  EXPECT_EQ(refusal("org/acme/0"), "RECONCILE_HOOKS entry 'org/acme/0': the hook id '0' is not a positive integer");
  EXPECT_EQ(refusal("org/acme/-3"), "RECONCILE_HOOKS entry 'org/acme/-3': the hook id '-3' is not a positive integer");
  EXPECT_EQ(refusal("org/acme/12x"), "RECONCILE_HOOKS entry 'org/acme/12x': the hook id '12x' is not a positive integer");
  EXPECT_EQ(refusal("org//12"), "RECONCILE_HOOKS entry 'org//12': '' is not an organization login");
  EXPECT_EQ(refusal("org/a?b/12"), "RECONCILE_HOOKS entry 'org/a?b/12': 'a?b' is not an organization login");
  EXPECT_EQ(refusal("repo/acme/../12"), "RECONCILE_HOOKS entry 'repo/acme/../12': '..' is not a repository name");
  EXPECT_EQ(refusal("apps"),
            "RECONCILE_HOOKS entry 'apps': expected org/ORG/HOOK_ID, repo/OWNER/REPO/HOOK_ID or app");
}

TEST(redelivery_hooks, a_list_splits_on_commas_and_white_space_and_keeps_a_repeat_once) {
  const auto hooks = parse_hooks(" org/acme/1,repo/acme/api/2\n app , org/acme/1 ,,");
  ASSERT_EQ(hooks.size(), 3u);
  EXPECT_EQ(hooks[0].key, "org/acme/1");
  EXPECT_EQ(hooks[1].key, "repo/acme/api/2");
  EXPECT_EQ(hooks[2].key, "app");
  EXPECT_TRUE(parse_hooks("").empty());
  EXPECT_TRUE(parse_hooks(" , ").empty());
  EXPECT_THROW(parse_hooks("org/acme/1, org/acme"), hook_entry_error);
}

TEST(redelivery_hooks, the_app_hook_cannot_be_reached_with_a_token) {
  github_config config;
  config.auth = token_credentials{"ghp_x"};
  EXPECT_THROW(app_jwt_config(config, std::chrono::system_clock::now()), std::invalid_argument);
  config.auth = app_credentials{"12", "/nonexistent/key.pem", "34"};
  EXPECT_THROW(app_jwt_config(config, std::chrono::system_clock::now()), app_key_error);
}

TEST(redelivery_hooks, the_app_hooks_client_carries_a_fresh_app_jwt_as_its_bearer) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const auto length = BIO_get_mem_data(bio.get(), &data);
  char path[] = "/tmp/redelivery-app-key-XXXXXX";
  const int descriptor = mkstemp(path);
  ASSERT_GE(descriptor, 0);
  close(descriptor);
  std::ofstream(path) << std::string(data, static_cast<std::size_t>(length));

  github_config config;
  config.auth = app_credentials{"4242", path, "34"};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const auto as_app = app_jwt_config(config, now);
  std::remove(path);
  const auto* token = std::get_if<token_credentials>(&as_app.auth);
  ASSERT_NE(token, nullptr);
  const auto first = token->token.find('.');
  const auto second = token->token.rfind('.');
  ASSERT_NE(first, second);
  rapidjson::Document claims;
  claims.Parse(base64url_decode(std::string_view(token->token).substr(first + 1, second - first - 1)).c_str());
  ASSERT_TRUE(claims.IsObject());
  EXPECT_STREQ(claims["iss"].GetString(), "4242");
  EXPECT_EQ(claims["exp"].GetInt64(), 1'800'000'000 + 9 * 60);
}

TEST(redelivery_run, a_hook_is_counted_with_its_repository_else_its_organisation_else_alone) {
  const auto targets = parse_targets("acme/web, other, acme");
  EXPECT_EQ(hook_owner(parse_hook("org/acme/1"), targets), 2u);
  EXPECT_EQ(hook_owner(parse_hook("repo/acme/web/2"), targets), 0u);
  EXPECT_EQ(hook_owner(parse_hook("repo/acme/api/3"), targets), 2u);
  EXPECT_EQ(hook_owner(parse_hook("repo/other/api/4"), targets), 1u);
  EXPECT_EQ(hook_owner(parse_hook("org/elsewhere/5"), targets), std::nullopt);
  EXPECT_EQ(hook_owner(parse_hook("app"), parse_targets("app")), std::nullopt);  // never an org named app
  EXPECT_EQ(hook_owner(parse_hook("org/web/6"), parse_targets("acme/web")), std::nullopt);
  EXPECT_NE(hook_lock_name(parse_hook("org/acme/1")).find(' '), std::string::npos);  // no target has one
}

TEST(redelivery_run, a_sweep_adds_its_counts_and_makes_the_row_as_grave_as_its_end) {
  const auto h = parse_hook("org/acme/1");
  run_record record;
  record.outcome = "complete";
  record.requests = 3;
  hook_sweep done;
  done.outcome = redelivery_outcome{};
  done.outcome->redelivered = 2;
  done.outcome->refused = 1;
  done.requests = 4;
  done.rate_limit_remaining = 17;
  count_sweep(record, h, done, false);
  EXPECT_EQ(record.outcome, "complete");
  EXPECT_EQ(record.requests, 7);
  EXPECT_EQ(record.redeliveries, 2);
  EXPECT_EQ(record.redeliveries_refused, 1);
  EXPECT_EQ(record.rate_limit_remaining, 17);
  EXPECT_EQ(record.hook_sweeps.at("complete"), 1);

  hook_sweep cut = done;
  cut.outcome->end = sweep_end::budget_exhausted;
  count_sweep(record, h, cut, false);
  EXPECT_EQ(record.outcome, "budget_exhausted");
  EXPECT_EQ(record.redeliveries, 4);
  hook_sweep locked;
  locked.locked_out = true;
  count_sweep(record, h, locked, false);
  EXPECT_EQ(record.outcome, "budget_exhausted");  // less grave: unchanged
  EXPECT_EQ(record.hook_sweeps.at("skipped_locked"), 1);
  hook_sweep failed;
  failed.error = "GitHub answered 404: Not Found";
  count_sweep(record, h, failed, false);
  EXPECT_EQ(record.outcome, "failed");
  EXPECT_NE(record.detail.find("hook org/acme/1: GitHub answered 404"), std::string::npos) << record.detail;
  EXPECT_EQ(record.hook_sweeps.at("failed"), 1);

  run_record own;  // a row of its own starts running
  count_sweep(own, h, cut, true);
  EXPECT_EQ(own.outcome, "stopped");
  run_record skipped;
  count_sweep(skipped, h, locked, false);
  EXPECT_EQ(skipped.outcome, "skipped_locked");
}

}  // namespace
}  // namespace tributary::reconciler
