#include "workers/refold.hpp"

#include "core/bounded_json.hpp"
#include "workers/fold_error.hpp"
#include "workers/folds/fold.hpp"
#include "workers/pg_array.hpp"
#include "workers/pg_failure.hpp"
#include "workers/refold_tables.hpp"
#include "workers/rfc3339.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <vector>

namespace tributary::workers {
namespace {

using steady = std::chrono::steady_clock;

/// One delivery of the ledger and its raw row (absent when retention dropped it meanwhile).
struct raw_delivery {
  std::string delivery_id;
  std::string received_at_text;
  std::optional<std::string> event, action, source, hook_id, payload;
};

/// A text column that may be NULL (libpqxx 6.4's as<std::optional<std::string>>() throws on NULL).
std::optional<std::string> text_of(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return std::string(field.c_str(), field.size());
}

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

std::string qualified(std::string_view schema, std::string_view table) {
  return std::string(schema) + "." + std::string(table);
}

/// The event the worker decoded from this delivery's message: the ledger and the raw row keep
/// every field of it (received-at as the worker capped it). nullopt with `reason` if the body is
/// not a JSON object.
std::optional<event> event_of(const raw_delivery& row, std::string& reason) {
  event result;
  result.name = *row.event;
  result.action = row.action.value_or("");
  result.delivery_id = row.delivery_id;
  result.source = row.source.value_or("webhook");
  result.hook_id = row.hook_id.value_or("");
  result.received_at_text = row.received_at_text;
  const auto received_at = parse_rfc3339(row.received_at_text);
  if (!received_at) {
    reason = "received_at is not RFC 3339";
    return std::nullopt;
  }
  result.received_at = *received_at;
  const auto check = core::parse_bounded_json(result.payload, *row.payload);
  if (!check.ok()) {
    reason = "the raw payload is not JSON: " + check.message;
    return std::nullopt;
  }
  if (!result.payload.IsObject()) {
    reason = "the raw payload is not a JSON object";
    return std::nullopt;
  }
  return result;
}

/// The raw rows of the ledger deliveries `ids` (received at `times`), in that order. Refuses if
/// one is gone: retention dropped it while the refold ran.
std::vector<raw_delivery> raw_deliveries(pqxx::work& work, const pg_array& ids,
                                         const pg_array& times) {
  std::vector<raw_delivery> batch;
  for (const auto& row : work.exec_params(R"sql(
      SELECT k.delivery_id, k.received_at, e.event, e.action, e.source, e.hook_id, e.payload
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(delivery_id, received_at, n)
      LEFT JOIN github.webhook_events e
        ON e.delivery_id = k.delivery_id AND e.received_at = k.received_at::timestamptz
      ORDER BY k.n)sql",
                                          ids.str(), times.str())) {
    raw_delivery delivery{row[0].as<std::string>(), row[1].as<std::string>(),
                          text_of(row[2]),          text_of(row[3]),
                          text_of(row[4]),          text_of(row[5]),
                          text_of(row[6])};
    if (!delivery.payload)
      throw refold_refused("refold refused: delivery " + delivery.delivery_id +
                           " of the ledger has no raw payload in github.webhook_events any more "
                           "(dropped by raw retention while the refold ran)");
    batch.push_back(std::move(delivery));
  }
  return batch;
}

/// One refold: its two connections, its counts and its progress reports.
class refold_run {
 public:
  refold_run(const std::string& url, const refold_options& options,
             const std::atomic<bool>& stopping, const core::logger& log)
      : options_(options), stopping_(stopping), log_(log), folder_(url), reader_(url) {}

  refold_outcome run();

  /// After a failure: drops the fresh schema if this refold made it (best effort: the next
  /// refold drops it anyway).
  void drop_fresh_schema() noexcept;

 private:
  void refuse_if_unable();
  void create_fresh_tables();
  std::size_t fold_pending(std::string_view phase, pqxx::work* held);
  void fold_batch(pqxx::work& work, const std::vector<raw_delivery>& batch);
  void swap(pqxx::work& work);
  void report(std::string_view phase, bool now);

  refold_options options_;
  const std::atomic<bool>& stopping_;
  core::logger log_;
  pqxx::connection folder_;  // folds into the fresh schema, then swaps (search_path: it alone)
  pqxx::connection reader_;  // reads the ledger's pending deliveries, a pass in one snapshot
  refold_outcome outcome_;
  long long ledger_at_start_ = 0;
  bool made_fresh_schema_ = false;
  steady::time_point started_ = steady::now();
  steady::time_point last_report_ = steady::now();
};

refold_outcome refold_run::run() {
  {
    pqxx::nontransaction setup(folder_);
    setup.exec("SET application_name = 'tributary-worker --refold'");
  }
  refuse_if_unable();
  create_fresh_tables();
  prepare_fold_statements(folder_, refold_schema);
  log_.info("refold started", {{"schema", refold_schema}, {"ledger_deliveries", ledger_at_start_}});

  fold_pending("bulk", nullptr);
  // What arrived while the bulk was folded, without holding up the live workers, until what is
  // left is about one batch (or the workers deliver as fast as it folds).
  for (int pass = 0; pass < 5; ++pass) {
    const auto caught = fold_pending("catch_up", nullptr);
    outcome_.caught_up += caught;
    if (caught <= options_.batch_size) break;
  }

  if (options_.on_phase) options_.on_phase("final");
  const auto locked_at = steady::now();
  pqxx::work final_work(folder_);
  // From here no worker can add a delivery to the ledger (its batch waits at its first
  // statement, the ledger insert, holding nothing), and every batch that did is committed.
  final_work.exec("LOCK TABLE github.deliveries IN SHARE MODE");
  const auto last = fold_pending("final", &final_work);
  outcome_.caught_up += last;
  outcome_.folded_under_lock = last;
  swap(final_work);
  final_work.commit();
  outcome_.locked_seconds = seconds_since(locked_at);
  try {
    // TRUNCATE left the planner without row counts for the tables it emptied; the views' plans
    // need them (autovacuum would get there, later). The swap is committed: a failure here is
    // only logged.
    pqxx::nontransaction work(folder_);
    for (const auto table : derived_tables())
      work.exec("ANALYZE " + qualified("github", work.quote_name(std::string(table))));
  } catch (const std::exception& error) {
    log_.warning("refold: swapped, but ANALYZE failed", {{"reason", failure_reason(error)}});
  }
  outcome_.seconds = seconds_since(started_);
  log_.info("refold complete",
            {{"deliveries", outcome_.deliveries}, {"folded", outcome_.folded},
             {"skipped", outcome_.skipped}, {"failed", outcome_.failed},
             {"caught_up", outcome_.caught_up}, {"folded_under_lock", outcome_.folded_under_lock},
             {"seconds", outcome_.seconds}, {"locked_seconds", outcome_.locked_seconds},
             {"rate_per_second",
              outcome_.seconds > 0 ? static_cast<double>(outcome_.deliveries) / outcome_.seconds
                                   : 0.0}});
  return outcome_;
}

void refold_run::refuse_if_unable() {
  pqxx::nontransaction work(folder_);
  const auto unclassified = unclassified_github_tables(work);
  if (!unclassified.empty())
    throw refold_refused("refold refused: table github." + unclassified.front() +
                         " is neither derived nor kept (classify it in workers/refold_tables.cpp)");
  // Session lock: one refold at a time; released when this connection closes.
  if (!work.exec1("SELECT pg_try_advisory_lock(hashtext('tributary refold'))")[0].as<bool>())
    throw refold_refused("refold refused: another refold is running on this database");
  const auto missing = work.exec1(R"sql(
    SELECT count(*), coalesce(min(d.received_at)::text, ''), coalesce(max(d.received_at)::text, '')
    FROM github.deliveries d
    WHERE NOT EXISTS (SELECT 1 FROM github.webhook_events e
                      WHERE e.delivery_id = d.delivery_id AND e.received_at = d.received_at))sql");
  if (const auto count = missing[0].as<long long>(); count > 0)
    throw refold_refused(
        "refold refused: " + std::to_string(count) +
        " deliveries of the ledger github.deliveries (received " + missing[1].as<std::string>() +
        " to " + missing[2].as<std::string>() +
        ") have no raw payload in github.webhook_events (dropped by raw retention, "
        "RAW_RETENTION_MONTHS); a refold would lose what they folded");
  ledger_at_start_ = work.exec1("SELECT count(*) FROM github.deliveries")[0].as<long long>();
}

void refold_run::create_fresh_tables() {
  pqxx::work work(folder_);
  const auto schema = work.quote_name(std::string(refold_schema));
  work.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  work.exec("CREATE SCHEMA " + schema);
  made_fresh_schema_ = true;
  pg_array tables;
  for (const auto table : derived_tables()) {
    const auto name = work.quote_name(std::string(table));
    work.exec("CREATE TABLE " + schema + "." + name + " (LIKE github." + name + " INCLUDING ALL)");
    tables.add(std::string(table));
  }
  // Their triggers too (migration 009's first_seen_delivery): each definition with the table it
  // is on replaced by the fresh one (the first " ON <table> " of the definition).
  for (const auto& row : work.exec_params(R"sql(
      SELECT regexp_replace(pg_get_triggerdef(t.oid), ' ON \S+ ',
                            ' ON ' || quote_ident($2) || '.' || quote_ident(c.relname) || ' ')
      FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'github' AND c.relname = ANY($1::text[]) AND NOT t.tgisinternal)sql",
                                          tables.str(), std::string(refold_schema)))
    work.exec(row[0].as<std::string>());
  work.exec("CREATE TABLE " + schema + ".refolded_deliveries (delivery_id text PRIMARY KEY)");
  work.commit();
}

std::size_t refold_run::fold_pending(std::string_view phase, pqxx::work* held) {
  if (options_.on_phase && phase != "final") options_.on_phase(phase);
  // The ledger's deliveries not refolded yet, in the order the worker met them: per repository
  // one Kafka partition, in offset order, and received-at follows it.
  pqxx::work read(reader_);
  read.exec(R"sql(
    DECLARE pending NO SCROLL CURSOR FOR
    SELECT d.delivery_id, to_char(d.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    FROM github.deliveries d
    WHERE NOT EXISTS (SELECT 1 FROM github_refold.refolded_deliveries r
                      WHERE r.delivery_id = d.delivery_id)
    ORDER BY d.received_at, d.kafka_partition, d.kafka_offset, d.delivery_id)sql");
  const auto fetch = "FETCH FORWARD " + std::to_string(options_.batch_size) + " FROM pending";
  std::size_t total = 0;
  for (;;) {
    if (stopping_.load()) throw refold_refused("refold stopped before the swap: live tables unchanged");
    const auto keys = read.exec(fetch);
    if (keys.empty()) break;
    pg_array ids, times;
    for (const auto& key : keys) {
      ids.add(key[0].as<std::string>());
      times.add(key[1].as<std::string>());
    }
    // The raw rows are read by the transaction that folds them, so that no transaction of the
    // refold holds github.webhook_events for longer than a batch (a worker creating or dropping
    // a monthly partition would wait for it).
    std::size_t folded = 0;
    const auto fetch_and_fold = [&](pqxx::work& work) {
      const auto batch = raw_deliveries(work, ids, times);
      fold_batch(work, batch);
      folded = batch.size();
    };
    if (held) {
      fetch_and_fold(*held);
    } else {
      pqxx::work work(folder_);
      fetch_and_fold(work);
      work.commit();
    }
    total += folded;
    outcome_.deliveries += folded;
    report(phase, false);
  }
  read.commit();
  report(phase, true);
  return total;
}

void refold_run::fold_batch(pqxx::work& work, const std::vector<raw_delivery>& batch) {
  std::vector<event> events;
  events.reserve(batch.size());
  pg_array ids;
  std::size_t skipped = 0;
  for (const auto& row : batch) {
    ids.add(row.delivery_id);
    if (!is_folded(*row.event)) {
      ++skipped;
      continue;
    }
    std::string reason;
    if (auto decoded = event_of(row, reason)) {
      events.push_back(std::move(*decoded));
    } else {
      ++outcome_.failed;
      log_.warning("refold: delivery not folded",
                   {{"delivery", row.delivery_id}, {"event", *row.event}, {"reason", reason}});
    }
  }
  const auto fold_all = [&](std::size_t begin, std::size_t end) {
    fold_transaction transaction(work);
    for (auto index = begin; index < end; ++index) fold(events[index], transaction);
    transaction.flush();
  };
  // The whole batch under one savepoint; if some delivery's data fails now, again one by one,
  // so that only the culprits are left out (the live worker would have dead-lettered them).
  work.exec("SAVEPOINT refold_batch");
  try {
    fold_all(0, events.size());
    work.exec("RELEASE SAVEPOINT refold_batch");
    outcome_.folded += events.size();
  } catch (const std::exception& error) {
    if (classify_failure(error) != failure_kind::payload) throw;
    work.exec("ROLLBACK TO SAVEPOINT refold_batch");
    for (std::size_t index = 0; index < events.size(); ++index) {
      work.exec("SAVEPOINT refold_event");
      try {
        fold_all(index, index + 1);
        work.exec("RELEASE SAVEPOINT refold_event");
        ++outcome_.folded;
      } catch (const std::exception& culprit) {
        if (classify_failure(culprit) != failure_kind::payload) throw;
        work.exec("ROLLBACK TO SAVEPOINT refold_event");
        ++outcome_.failed;
        log_.warning("refold: delivery not folded",
                     {{"delivery", events[index].delivery_id}, {"event", events[index].name},
                      {"reason", failure_reason(culprit)}});
      }
    }
  }
  outcome_.skipped += skipped;
  work.exec_params(
      "INSERT INTO github_refold.refolded_deliveries SELECT unnest($1::text[]) "
      "ON CONFLICT DO NOTHING",
      ids.str());
}

void refold_run::swap(pqxx::work& work) {
  const auto tables = derived_tables();
  std::string truncate = "TRUNCATE ";
  for (std::size_t i = 0; i < tables.size(); ++i)
    truncate += (i ? ", " : "") + qualified("github", work.quote_name(std::string(tables[i])));
  work.exec(truncate);
  // Contents are swapped, not tables: views, grants, comments, indexes and triggers stay bound to
  // the live tables. The rows come with the first_seen_delivery their own inserts gave them, so
  // the live tables' insert triggers are off while they are copied.
  for (const auto table : tables) {
    const auto live = qualified("github", work.quote_name(std::string(table)));
    const auto fresh = qualified(refold_schema, work.quote_name(std::string(table)));
    const auto columns = work.exec_params1(R"sql(
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '')sql",
                                           live)[0]
                             .as<std::string>();
    work.exec("ALTER TABLE " + live + " DISABLE TRIGGER USER");
    work.exec("INSERT INTO " + live + " (" + columns + ") SELECT " + columns + " FROM " + fresh);
    work.exec("ALTER TABLE " + live + " ENABLE TRIGGER USER");
  }
  work.exec("DROP SCHEMA " + std::string(refold_schema) + " CASCADE");
}

void refold_run::drop_fresh_schema() noexcept {
  if (!made_fresh_schema_) return;
  try {
    pqxx::nontransaction work(folder_);
    work.exec("DROP SCHEMA IF EXISTS " + std::string(refold_schema) + " CASCADE");
  } catch (const std::exception& error) {
    log_.warning("refold: could not drop the fresh schema; the next refold will",
                 {{"reason", failure_reason(error)}});
  }
}

void refold_run::report(std::string_view phase, bool now) {
  if (!now && steady::now() - last_report_ < options_.progress_interval) return;
  last_report_ = steady::now();
  const auto elapsed = seconds_since(started_);
  log_.info("refold progress",
            {{"phase", phase}, {"deliveries", outcome_.deliveries},
             {"ledger_deliveries", ledger_at_start_}, {"failed", outcome_.failed},
             {"seconds", elapsed},
             {"rate_per_second",
              elapsed > 0 ? static_cast<double>(outcome_.deliveries) / elapsed : 0.0}});
}

}  // namespace

refold_outcome refold(const std::string& database_url, const refold_options& options,
                      const std::atomic<bool>& stopping, const core::logger& log) {
  if (options.batch_size < 1) throw refold_refused("refold batch size must be at least 1");
  refold_run run(database_url, options, stopping, log);
  try {
    return run.run();
  } catch (...) {
    run.drop_fresh_schema();
    throw;
  }
}

}  // namespace tributary::workers
