#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::testing {

/// How a child ended.
struct exit_status {
  bool exited = false;  // true: exit(code); false: killed by `signal`
  int code = -1;
  int signal = 0;
  bool success() const { return exited && code == 0; }
};

/// What to run.
struct child_options {
  std::vector<std::string> argv;  // argv[0] is the program path (no PATH search)
  /// Over the test's own environment: a value sets the variable, std::nullopt unsets it.
  std::map<std::string, std::optional<std::string>> environment;
};

/// A process started with fork/exec, in a process group of its own, its stdout and stderr written
/// to files in a temporary folder that the output accessors read. The destructor kills the whole
/// group with SIGKILL, reaps the child and removes the folder, so a failing test leaves nothing
/// running. One thread uses an instance at a time.
class child_process {
 public:
  /// Starts the child. Throws harness_error when it can't be executed (e.g. a missing binary).
  explicit child_process(child_options options);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }

  /// Sends `signal` to the child only (SIGTERM to ask for a graceful stop).
  void send_signal(int signal);
  /// Waits up to `timeout` for the child to end; std::nullopt if it still runs.
  std::optional<exit_status> wait_for_exit(std::chrono::milliseconds timeout);
  bool is_running();
  /// The status once the child has ended and been reaped (by wait_for_exit or is_running).
  const std::optional<exit_status>& status() const { return status_; }

  /// Everything the child wrote so far.
  std::string stdout_text() const;
  std::string stderr_text() const;
  /// Waits up to `timeout` for a line containing `needle` in stdout or stderr; returns that line.
  /// Gives up early (std::nullopt) once the child has ended and its output lacks the line.
  std::optional<std::string> wait_for_output(std::string_view needle,
                                             std::chrono::milliseconds timeout);

 private:
  bool reap(int options);

  pid_t pid_ = -1;
  std::string folder_;
  std::string stdout_path_;
  std::string stderr_path_;
  std::optional<exit_status> status_;
};

}  // namespace tributary::testing
