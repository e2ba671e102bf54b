#include "tests/harness/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/harness/services.hpp"
#include "tests/harness/wait_until.hpp"

extern char** environ;

namespace tributary::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> line_containing(const std::string& text, std::string_view needle) {
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + position, end - position);
    if (line.find(needle) != std::string_view::npos) return std::string(line);
    position = end + 1;
  }
  return std::nullopt;
}

exit_status decode(int raw) {
  exit_status status;
  if (WIFEXITED(raw)) {
    status.exited = true;
    status.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    status.signal = WTERMSIG(raw);
  }
  return status;
}

}  // namespace

child_process::child_process(child_options options) {
  if (options.argv.empty()) throw harness_error("child_process: empty argv");

  char folder_template[] = "/tmp/tributary-child.XXXXXX";
  if (::mkdtemp(folder_template) == nullptr)
    throw harness_error(std::string("mkdtemp: ") + std::strerror(errno));
  folder_ = folder_template;
  stdout_path_ = folder_ + "/stdout";
  stderr_path_ = folder_ + "/stderr";

  // Everything the child needs is built before fork: after it, a multithreaded parent's child
  // may only make async-signal-safe calls.
  std::map<std::string, std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals != std::string_view::npos)
      environment[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  for (const auto& [name, value] : options.environment) {
    if (value)
      environment[name] = *value;
    else
      environment.erase(name);
  }
  std::vector<std::string> environment_lines;
  for (const auto& [name, value] : environment) environment_lines.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& line : environment_lines) envp.push_back(line.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& argument : options.argv) argv.push_back(argument.data());
  argv.push_back(nullptr);

  const int out = ::open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int exec_pipe[2] = {-1, -1};
  if (out < 0 || err < 0 || ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    const int saved = errno;
    if (out >= 0) ::close(out);
    if (err >= 0) ::close(err);
    std::filesystem::remove_all(folder_);
    throw harness_error(std::string("child_process setup: ") + std::strerror(saved));
  }

  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    // The test runner may block signals in its threads; the child starts with defaults.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    // exec failed: tell the parent why through the close-on-exec pipe.
    const int error = errno;
    [[maybe_unused]] const ssize_t n = ::write(exec_pipe[1], &error, sizeof error);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(out);
  ::close(err);
  ::close(exec_pipe[1]);
  if (pid_ < 0) {
    ::close(exec_pipe[0]);
    std::filesystem::remove_all(folder_);
    throw harness_error(std::string("fork: ") + std::strerror(fork_errno));
  }
  // Also set from the parent, so that the group exists even before the child runs.
  ::setpgid(pid_, pid_);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_pipe[0]);
  if (n > 0) {
    reap(0);
    std::filesystem::remove_all(folder_);
    throw harness_error("cannot execute " + options.argv[0] + ": " + std::strerror(exec_errno));
  }
}

child_process::~child_process() {
  if (!status_) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    reap(0);
  } else {
    ::kill(-pid_, SIGKILL);  // whatever the child left behind in its group
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

bool child_process::reap(int options) {
  if (status_) return true;
  int raw = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &raw, options);
  } while (result < 0 && errno == EINTR);
  if (result == pid_) {
    status_ = decode(raw);
    return true;
  }
  return false;
}

void child_process::send_signal(int signal) {
  if (!status_) ::kill(pid_, signal);
}

std::optional<exit_status> child_process::wait_for_exit(std::chrono::milliseconds timeout) {
  wait_until([this] { return reap(WNOHANG); }, timeout, std::chrono::milliseconds(10));
  return status_;
}

bool child_process::is_running() { return !reap(WNOHANG); }

std::string child_process::stdout_text() const { return read_file(stdout_path_); }

std::string child_process::stderr_text() const { return read_file(stderr_path_); }

std::optional<std::string> child_process::wait_for_output(std::string_view needle,
                                                          std::chrono::milliseconds timeout) {
  std::optional<std::string> found;
  auto look = [&] {
    found = line_containing(stdout_text(), needle);
    if (!found) found = line_containing(stderr_text(), needle);
    return found.has_value();
  };
  wait_until(
      [&] {
        if (look()) return true;
        if (is_running()) return false;
        look();  // ended: its output is complete, so this last look decides
        return true;
      },
      timeout);
  return found;
}

}  // namespace tributary::testing
