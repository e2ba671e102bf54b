#include "workers/batch_applier.hpp"

#include "workers/fold_error.hpp"
#include "workers/folds/fold.hpp"
#include "workers/payload_node.hpp"
#include "workers/pg_array.hpp"
#include "workers/pg_failure.hpp"
#include "workers/raw_copy.hpp"
#include "workers/rfc3339.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <future>
#include <numeric>
#include <set>
#include <thread>
#include <unordered_set>

namespace tributary::workers {
namespace {

constexpr const char* insert_ledger = "apply_insert_ledger";
// Below this many messages a second thread costs more than it saves.
constexpr std::size_t k_parallel_decode_from = 32;
constexpr const char* insert_dead_letter = "apply_insert_dead_letter";

/// payload.repository.full_name, for the ledger's repository column (admin.webhook_coverage),
/// read through payload_node like every fold so that it holds what PostgreSQL text can (no NUL).
/// A malformed one leaves the column NULL: the fold says what is wrong with the payload.
std::optional<std::string> repository_of(const rapidjson::Document& payload) {
  if (!payload.IsObject()) return std::nullopt;
  try {
    const auto repository = payload_node(payload, "").optional_object("repository");
    return repository ? repository->optional_string("full_name") : std::nullopt;
  } catch (const fold_error&) {
    return std::nullopt;
  }
}

/// The message's headers as a JSON object; bytes outside printable ASCII become '?', so that the
/// jsonb column accepts whatever a producer sent.
std::string headers_json(const incoming_message& message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto clean = [](const std::string& text) {
    std::string result = text;
    for (auto& c : result)
      if (c < 0x20 || c > 0x7e) c = '?';
    return result;
  };
  writer.StartObject();
  for (const auto& [name, value] : message.headers) {
    const auto key = clean(name);
    writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    if (value) {
      const auto text = clean(*value);
      writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    } else {
      writer.Null();
    }
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<std::string> non_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

void merge(batch_outcome& into, const batch_outcome& from) {
  for (const auto& [name, count] : from.folded) into.folded[name] += count;
  into.skipped += from.skipped;
  into.duplicates += from.duplicates;
  for (const auto& [cause, count] : from.dead_letters) into.dead_letters[cause] += count;
  into.raw_expired += from.raw_expired;
  into.transactions += from.transactions;
}

}  // namespace

std::size_t batch_outcome::folded_total() const {
  std::size_t total = 0;
  for (const auto& [name, count] : folded) total += count;
  return total;
}

std::size_t batch_outcome::dead_letters_total() const {
  std::size_t total = 0;
  for (const auto& [cause, count] : dead_letters) total += count;
  return total;
}

batch_applier::batch_applier(pg_session& session, raw_retention& retention,
                             const std::atomic<bool>& stopping, core::logger log, options settings)
    : session_(session),
      retention_(retention),
      stopping_(stopping),
      log_(std::move(log)),
      options_(settings) {}

void batch_applier::prepare(pqxx::connection& connection) {
  // Duplicates inside one statement are fine with DO NOTHING: only the first row of an id is
  // inserted, and RETURNING names it once.
  connection.prepare(insert_ledger, R"sql(
    INSERT INTO github.deliveries (delivery_id, event, action, source, received_at, folded,
      kafka_topic, kafka_partition, kafka_offset, repository)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::boolean[], $7::text[], $8::integer[], $9::bigint[], $10::text[])
    ON CONFLICT (delivery_id) DO NOTHING
    RETURNING delivery_id)sql");
  connection.prepare(insert_dead_letter, R"sql(
    INSERT INTO github.dead_letters (kafka_topic, kafka_partition, kafka_offset, delivery_id,
      event, source, received_at, reason, headers, payload)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
    ON CONFLICT (kafka_topic, kafka_partition, kafka_offset) DO NOTHING
    RETURNING id)sql");
}

batch_outcome batch_applier::apply(const std::vector<incoming_message>& messages) {
  batch_outcome outcome;
  messages_ = &messages;
  now_ = std::chrono::system_clock::now();
  // Decoding (parsing every body, mostly) is pure and about a third of the worker's CPU, and
  // PostgreSQL waits meanwhile: a full batch is decoded on two threads, each its own half.
  decoded_.clear();
  decoded_.resize(messages.size());
  const auto decode_range = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) decoded_[i] = decode_message(messages[i], now_);
  };
  if (messages.size() >= k_parallel_decode_from) {
    const auto half = messages.size() / 2;
    auto second_half = std::async(std::launch::async, decode_range, half, messages.size());
    decode_range(0, half);
    second_half.get();
  } else {
    decode_range(0, messages.size());
  }

  std::set<std::chrono::year_month_day> months;
  for (const auto& decoded : decoded_)
    if (decoded.decoded && retention_.keeps(decoded.decoded->received_at, now_))
      months.insert(month_of(decoded.decoded->received_at));
  if (!months.empty()) {
    try {
      with_retries(outcome, [&] { retention_.ensure(session_.connection(), months); });
    } catch (const payload_failure& failure) {
      throw std::runtime_error("cannot create raw event partitions: " + failure.reason);
    }
  }

  std::vector<std::size_t> all(messages.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (!all.empty()) apply_run(all, outcome);
  messages_ = nullptr;
  decoded_.clear();
  return outcome;
}

void batch_applier::apply_run(const std::vector<std::size_t>& run, batch_outcome& outcome) {
  std::optional<payload_failure> failure;
  batch_outcome attempt;
  try {
    with_retries(outcome, [&] {
      attempt = {};
      apply_once(run, attempt);
    });
    merge(outcome, attempt);
    return;
  } catch (const payload_failure& caught) {
    failure = caught;
  }

  if (run.size() == 1) {
    dead_letter(run.front(), failure->reason, failure->from_fold_error ? "payload" : "database",
                outcome);
    return;
  }
  ++outcome.splits;
  // Split where the fold failed when that is known (prefix, culprit alone, suffix), else in
  // halves; the order of the messages is kept either way.
  std::vector<std::vector<std::size_t>> parts;
  const auto culprit = failure->culprit
                           ? std::find(run.begin(), run.end(), *failure->culprit)
                           : run.end();
  if (culprit != run.end()) {
    parts.emplace_back(run.begin(), culprit);
    parts.push_back({*culprit});
    parts.emplace_back(culprit + 1, run.end());
  } else {
    const auto middle = run.begin() + static_cast<std::ptrdiff_t>(run.size() / 2);
    parts.emplace_back(run.begin(), middle);
    parts.emplace_back(middle, run.end());
  }
  for (const auto& part : parts)
    if (!part.empty()) apply_run(part, outcome);
}

void batch_applier::apply_once(const std::vector<std::size_t>& run, batch_outcome& attempt) {
  folding_.reset();
  pqxx::work work(session_.connection());

  // The ledger decides which deliveries are new.
  pg_array ids, events, actions, sources, received, folded, topics, partitions, offsets, repositories;
  for (const auto index : run) {
    const auto& decoded = decoded_[index].decoded;
    if (!decoded) continue;
    const auto& message = (*messages_)[index];
    ids.add(decoded->delivery_id);
    events.add(decoded->name);
    actions.add(non_empty(decoded->action));
    sources.add(decoded->source);
    received.add(decoded->received_at_text);
    folded.add(is_folded(decoded->name));
    topics.add(message.topic);
    partitions.add(static_cast<std::int64_t>(message.partition));
    offsets.add(message.offset);
    repositories.add(repository_of(decoded->payload));
  }
  std::unordered_set<std::string> fresh;
  if (ids.size() > 0) {
    for (const auto& row :
         work.exec_prepared(insert_ledger, ids.str(), events.str(), actions.str(), sources.str(),
                            received.str(), folded.str(), topics.str(), partitions.str(),
                            offsets.str(), repositories.str()))
      fresh.insert(row[0].as<std::string>());
  }

  fold_transaction transaction(work);
  std::vector<std::size_t> raw;
  for (const auto index : run) {
    const auto& decoded = decoded_[index].decoded;
    if (!decoded) continue;
    // erase: a delivery id twice in this run folds once
    if (fresh.erase(decoded->delivery_id) == 0) {
      ++attempt.duplicates;
      continue;
    }
    if (is_folded(decoded->name)) {
      folding_ = index;
      fold(*decoded, transaction);
      folding_.reset();
      ++attempt.folded[decoded->name];
    } else {
      ++attempt.skipped;
    }
    if (retention_.keeps(decoded->received_at, now_)) raw.push_back(index);
    else ++attempt.raw_expired;
  }
  transaction.flush();

  for (const auto index : run) {
    if (decoded_[index].decoded) continue;
    bool inserted = false;
    write_dead_letter(work, index, decoded_[index].rejection, inserted);
    if (inserted) ++attempt.dead_letters["envelope"];
  }

  if (!raw.empty()) {
    copy_rows copy(work, "github.webhook_events",
                   {"received_at", "delivery_id", "event", "action", "source", "hook_id", "payload"});
    for (const auto index : raw) {
      const auto& decoded = *decoded_[index].decoded;
      copy.field(decoded.received_at_text)
          .field(decoded.delivery_id)
          .field(decoded.name)
          .field(non_empty(decoded.action))
          .field(decoded.source)
          .field(non_empty(decoded.hook_id))
          .field(*(*messages_)[index].value)
          .end_row();
    }
    copy.complete();
  }
  work.commit();
  ++attempt.transactions;
}

void batch_applier::write_dead_letter(pqxx::work& work, std::size_t index,
                                      const std::string& reason, bool& inserted) {
  const auto& message = (*messages_)[index];
  // Whatever of the envelope was valid, even when the body was not: the headers say it.
  const auto& envelope = decoded_[index].envelope;
  const auto& delivery_id = envelope.delivery_id;
  const auto& event_name = envelope.name;
  const pqxx::binarystring payload(message.value.value_or(std::string{}));
  const auto result = work.exec_prepared(
      insert_dead_letter, message.topic, message.partition, message.offset, delivery_id,
      event_name, envelope.source, envelope.received_at_text, reason, headers_json(message),
      payload);
  inserted = !result.empty();
  // Read again after a crash, a message is dead-lettered only once (and logged as such once).
  log_.write(inserted ? core::log_level::warning : core::log_level::debug,
             inserted ? "dead-lettered" : "already dead-lettered",
             {{"topic", message.topic}, {"partition", message.partition},
              {"offset", message.offset}, {"delivery", delivery_id.value_or("")},
              {"event", event_name.value_or("")}, {"reason", reason}});
}

void batch_applier::dead_letter(std::size_t index, const std::string& reason,
                                const std::string& cause, batch_outcome& outcome) {
  bool inserted = false;
  try {
    with_retries(outcome, [&] {
      pqxx::work work(session_.connection());
      write_dead_letter(work, index, reason, inserted);
      work.commit();
    });
  } catch (const payload_failure& failure) {
    throw std::runtime_error("cannot write a dead letter: " + failure.reason);
  }
  ++outcome.transactions;
  if (inserted) ++outcome.dead_letters[cause];
}

template <typename Attempt>
void batch_applier::with_retries(batch_outcome& outcome, Attempt&& attempt) {
  auto backoff = options_.initial_backoff;
  for (;;) {
    try {
      attempt();
      return;
    } catch (const payload_failure&) {
      throw;
    } catch (const std::exception& error) {
      const auto kind = classify_failure(error);
      if (kind == failure_kind::payload)
        throw payload_failure{failure_reason(error), folding_,
                              dynamic_cast<const fold_error*>(&error) != nullptr};
      if (kind == failure_kind::fatal) throw;
      const std::string kind_name = kind == failure_kind::transient ? "transient" : "connection";
      if (kind == failure_kind::connection) {
        session_.reset();
        retention_.forget();
      }
      ++outcome.retries[kind_name];
      if (options_.on_retry) options_.on_retry(kind_name);
      log_.warning("database attempt failed, retrying",
                   {{"kind", kind_name}, {"reason", failure_reason(error)},
                    {"backoff_ms", static_cast<std::int64_t>(backoff.count())}});
      if (stopping_.load()) throw apply_interrupted("stop requested while the database fails");
      pause(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

void batch_applier::pause(std::chrono::milliseconds duration) const {
  if (options_.wait) return options_.wait(duration);
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stopping_.load() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace tributary::workers
