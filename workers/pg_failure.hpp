#pragma once

#include <exception>
#include <string>

namespace tributary::workers {

/// What to do after an attempt at a transaction failed.
enum class failure_kind {
  transient,   // serialization failure, deadlock, lock timeout, server short of resources: retry
  connection,  // the connection broke or the commit's outcome is unknown: reconnect, then retry
  payload,     // the data of some event is at fault: split the batch, dead-letter the culprit
  fatal,       // a defect of this program or its schema: stop without committing
};

/// Sorts an exception thrown while applying a batch (libpqxx's hierarchy, by SQLSTATE class,
/// and fold_error). Pure.
failure_kind classify_failure(const std::exception& error);

/// The reason recorded with a dead letter: the error's message on one line.
std::string failure_reason(const std::exception& error);

}  // namespace tributary::workers
