// fuzz_folds: every fold over arbitrary JSON, against a real PostgreSQL, as the worker applies
// one event: decode the message, fold it in a transaction, write the gathered users and
// repositories; then roll back, so each input meets the same empty tables. An error that the
// worker dead-letters (classify_failure says `payload`: a fold_error, or PostgreSQL refusing the
// data) is an expected outcome. Anything else would stop the worker on that message, and again
// after each restart: a fatal classification, any other exception, a sanitizer report.
// Input format: fuzz_input.hpp (folds_lines).
//
// Database: TRIBUTARY_FUZZ_DATABASE_URL names one to use (migrated here; nothing is left in it);
// else TRIBUTARY_HARNESS_ENV (set by CTest) names the test services, where a fresh database is
// created and migrated.
#include "core/envelope.hpp"
#include "core/migrations.hpp"
#include "fuzz/finding.hpp"
#include "fuzz/fuzz_input.hpp"
#include "schemas/embedded_migrations.hpp"
#include "tests/harness/database.hpp"
#include "workers/event.hpp"
#include "workers/folds/fold.hpp"
#include "workers/pg_failure.hpp"
#include "workers/pg_session.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

namespace fuzz = tributary::fuzz;
namespace workers = tributary::workers;
namespace envelope = tributary::core::envelope;

std::unique_ptr<workers::pg_session> session;

std::string database_url() {
  if (const char* url = std::getenv("TRIBUTARY_FUZZ_DATABASE_URL"); url && *url) return url;
  if (const char* services = std::getenv("TRIBUTARY_HARNESS_ENV"); services && *services)
    return tributary::testing::create_database("fuzz_folds");
  fuzz::report("no database", "set TRIBUTARY_FUZZ_DATABASE_URL (see fuzz/README.md)");
}

workers::incoming_message message_of(std::string_view event_name, std::string_view body) {
  workers::incoming_message message;
  message.topic = "github.webhooks";
  message.headers = {{std::string(envelope::header_event), std::string(event_name)},
                     {std::string(envelope::header_delivery), "fuzz-delivery"},
                     {std::string(envelope::header_received_at), "2026-01-01T00:00:00.000Z"}};
  message.value = std::string(body);
  return message;
}

std::string_view kind_name(workers::failure_kind kind) {
  switch (kind) {
    case workers::failure_kind::transient: return "transient";
    case workers::failure_kind::connection: return "connection";
    case workers::failure_kind::payload: return "payload";
    case workers::failure_kind::fatal: return "fatal";
  }
  return "unknown";
}

// The one call into the worker's folds: what batch_applier::apply_once does for one fresh event.
void fold_once(const workers::event& event) {
  pqxx::work work(session->connection());
  workers::fold_transaction transaction(work);
  workers::fold(event, transaction);
  transaction.flush();
  // Not committed: the work's destructor rolls it back.
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  try {
    const auto url = database_url();
    {
      pqxx::connection connection(url);
      tributary::core::apply_migrations(connection, tributary::schemas::all_migrations());
    }
    session = std::make_unique<workers::pg_session>(
        url, [](pqxx::connection& connection) { workers::prepare_fold_statements(connection); });
    session->connection();
  } catch (const std::exception& error) {
    fuzz::report("cannot set up the database", error.what());
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::read_input<fuzz::folds_lines>(
      std::string_view(reinterpret_cast<const char*>(data), size));
  const auto names = workers::folded_event_names();
  const auto message = message_of(names[input.flags % names.size()], input.body);
  // received-at is set: `now` is never used.
  const auto decoded = workers::decode_message(message, std::chrono::system_clock::time_point{});
  if (!decoded.decoded) return 0;  // an envelope dead letter: fuzz_event's concern
  try {
    fold_once(*decoded.decoded);
  } catch (const std::exception& error) {
    const auto kind = workers::classify_failure(error);
    if (kind == workers::failure_kind::payload) return 0;  // dead-lettered, the partition goes on
    fuzz::report("a fold failure classified " + std::string(kind_name(kind)),
                 workers::failure_reason(error));
  } catch (...) {
    fuzz::report("a fold threw", "something that is not a std::exception");
  }
  return 0;
}
