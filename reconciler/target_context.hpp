#pragma once

#include "core/log.hpp"
#include "reconciler/bookkeeping.hpp"
#include "reconciler/github_client.hpp"
#include "reconciler/reconcile_settings.hpp"
#include "reconciler/synthetic_event.hpp"

#include <pqxx/pqxx>

namespace tributary::reconciler {

class event_repositories;

/// What a resource's reconciliation of one target works with, for the length of that target's
/// run: all borrowed, one thread.
struct target_context {
  const reconcile_target& target;
  const run_config& config;
  github_client& client;
  pqxx::connection& database;
  event_publisher& publisher;
  run_record& record;
  const core::logger& log;
  event_repositories& repositories;  // the events' `repository` objects, each looked up once a run
};

}  // namespace tributary::reconciler
