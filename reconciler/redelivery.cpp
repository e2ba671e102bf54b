#include "reconciler/redelivery.hpp"

#include "core/log.hpp"

#include <pqxx/transaction>

#include <map>
#include <optional>
#include <set>

namespace tributary::reconciler {
namespace {

const core::logger& log() {
  static const core::logger logger("reconciler");
  return logger;
}

// Every attempt of one GUID that the sweep listed.
struct guid_attempts {
  bool delivered = false;          // some attempt answered 2xx
  std::int64_t newest_attempt = 0;  // the id to POST …/attempts for
};

std::optional<std::int64_t> last_sweep_point(pqxx::connection& connection, const hook& h) {
  pqxx::read_transaction work(connection);
  const auto rows = work.exec_params("SELECT last_delivery_id FROM github.redelivery_sweeps WHERE hook = $1", h.key);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

bool known(pqxx::connection& connection, const char* query, const std::string& guid) {
  pqxx::read_transaction work(connection);
  return !work.exec_params(query, guid).empty();
}

// Reads one page of the listing into `attempts`; returns the smallest id it held (or nothing).
std::optional<std::int64_t> read_page(const rapidjson::Document& page, std::map<std::string, guid_attempts>& attempts,
                                      std::int64_t& newest, redelivery_outcome& outcome) {
  if (!page.IsArray()) throw api_error(0, "the deliveries listing is not a JSON array");
  std::optional<std::int64_t> oldest;
  for (const auto& item : page.GetArray()) {
    if (!item.IsObject() || !item.HasMember("id") || !item["id"].IsInt64() || !item.HasMember("guid") ||
        !item["guid"].IsString() || !item.HasMember("status_code") || !item["status_code"].IsInt())
      throw api_error(0, "a delivery of the listing lacks id, guid or status_code");
    const auto id = item["id"].GetInt64();
    const auto status = item["status_code"].GetInt();
    auto& entry = attempts[std::string(item["guid"].GetString(), item["guid"].GetStringLength())];
    entry.delivered = entry.delivered || (status >= 200 && status < 300);
    entry.newest_attempt = std::max(entry.newest_attempt, id);
    newest = std::max(newest, id);
    oldest = oldest ? std::min(*oldest, id) : id;
    ++outcome.listed;
  }
  return oldest;
}

}  // namespace

const char* to_string(sweep_end end) {
  switch (end) {
    case sweep_end::complete: return "complete";
    case sweep_end::budget_exhausted: return "budget_exhausted";
    case sweep_end::rate_limited: return "rate_limited";
  }
  return "unknown";
}

redelivery_outcome redeliver_failed(github_client& client, pqxx::connection& connection, const hook& h,
                                    const redelivery_options& options) {
  redelivery_outcome outcome;
  const auto requests_before = client.counters().requests;
  const auto finish = [&](sweep_end end) {
    outcome.end = end;
    outcome.requests = client.counters().requests - requests_before;
    log().info("redelivery sweep", {{"hook", h.key},
                                    {"end", to_string(end)},
                                    {"listed", outcome.listed},
                                    {"failed", outcome.failed},
                                    {"redelivered", outcome.redelivered},
                                    {"requests", outcome.requests}});
    return outcome;
  };

  // 1. The listing, newest first, down to the last complete sweep's point.
  const auto since = last_sweep_point(connection, h);
  std::map<std::string, guid_attempts> attempts;
  std::int64_t newest = since.value_or(0);
  std::optional<std::string> next = h.deliveries_path + "?per_page=" + std::to_string(options.per_page);
  std::set<std::string> seen;
  try {
    while (next) {
      if (!seen.insert(*next).second) throw api_error(0, "the Link header leads back to a page already read");
      auto request = api_get(*next);
      request.conditional = false;  // new deliveries change the first page; a validator buys nothing
      const auto response = client.send(request);
      ++outcome.pages;
      const auto page = github_client::parse_json(response);
      const auto oldest = read_page(page, attempts, newest, outcome);
      if (!oldest || (since && *oldest <= *since)) break;  // reached what the last sweep saw
      next = response.next_link;
    }
  } catch (const budget_exhausted&) {
    return finish(sweep_end::budget_exhausted);
  } catch (const rate_limited&) {
    return finish(sweep_end::rate_limited);
  }

  // 2 and 3. Each GUID without a successful attempt, unless folded or redelivered already.
  for (const auto& [guid, entry] : attempts) {
    if (entry.delivered) continue;
    ++outcome.failed;
    if (known(connection, "SELECT 1 FROM github.deliveries WHERE delivery_id = $1", guid)) {
      ++outcome.already_folded;
      continue;
    }
    {
      pqxx::work work(connection);
      const auto inserted = work.exec_params(
          "INSERT INTO github.redelivered (delivery_guid, hook, github_delivery_id) VALUES ($1, $2, $3) "
          "ON CONFLICT (delivery_guid) DO NOTHING",
          guid, h.key, entry.newest_attempt);
      work.commit();
      if (inserted.affected_rows() == 0) {
        ++outcome.already_redelivered;
        continue;
      }
    }
    const auto record_answer = [&](unsigned status, const std::string& message) {
      pqxx::work work(connection);
      work.exec_params(
          "UPDATE github.redelivered SET answer_status = $2, answer_message = NULLIF($3, '') WHERE delivery_guid = $1",
          guid, static_cast<int>(status), message);
      work.commit();
    };
    try {
      const auto answer = client.send(api_post(attempts_path(h, entry.newest_attempt)));
      record_answer(answer.status, {});
      ++outcome.redelivered;
    } catch (const api_error& refused) {
      // 404 or 422: GitHub will not redeliver it (gone past its window, or hook changed). Kept, so
      // it is not asked again.
      record_answer(refused.status, refused.what());
      ++outcome.refused;
      log().warning("redelivery refused", {{"hook", h.key}, {"delivery", guid}, {"error", refused.what()}});
    } catch (const budget_exhausted&) {
      pqxx::work work(connection);  // not sent: the next sweep may ask again
      work.exec_params("DELETE FROM github.redelivered WHERE delivery_guid = $1", guid);
      work.commit();
      return finish(sweep_end::budget_exhausted);
    } catch (const rate_limited&) {
      pqxx::work work(connection);
      work.exec_params("DELETE FROM github.redelivered WHERE delivery_guid = $1", guid);
      work.commit();
      return finish(sweep_end::rate_limited);
    }
  }

  // 4. Complete: the next sweep starts from here.
  if (newest > 0) {
    pqxx::work work(connection);
    work.exec_params(
        "INSERT INTO github.redelivery_sweeps (hook, last_delivery_id, swept_at) VALUES ($1, $2, now()) "
        "ON CONFLICT (hook) DO UPDATE SET last_delivery_id = GREATEST(github.redelivery_sweeps.last_delivery_id, "
        "EXCLUDED.last_delivery_id), swept_at = EXCLUDED.swept_at",
        h.key, newest);
    work.commit();
  }
  return finish(sweep_end::complete);
}

}  // namespace tributary::reconciler
