// The fake GitHub as a process of its own, for tests written in other languages (tests/deploy):
// serves build_world(ORGANIZATION) on 127.0.0.1 as fake_github does, prints one JSON line
// {"url": GITHUB_API_URL, "organization": ...} on stdout, and serves until SIGTERM or SIGINT, or,
// when its standard input is a pipe, until the pipe ends (the parent is gone). scripts/run-local.sh
// runs it as the local GitHub of a demo organisation.
//
//   tributary-fake-github [--organization NAME] [--token TOKEN]
#include "tests/reconciler/fake_github.hpp"
#include "tests/reconciler/github_world.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>

namespace {

/// Returns once SIGTERM or SIGINT is pending (they are blocked) or a pipe on standard input has
/// ended (the parent is gone).
void wait_for_stop(const sigset_t& stops) {
  struct stat input_status {};
  const bool watch_input = fstat(STDIN_FILENO, &input_status) == 0 && S_ISFIFO(input_status.st_mode);
  for (;;) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    if (!watch_input) {
      poll(nullptr, 0, 200);
    } else if (poll(&input, 1, 200) > 0) {
      char byte;
      if (read(STDIN_FILENO, &byte, 1) <= 0) return;
    }
    sigset_t pending;
    sigpending(&pending);
    for (const int stop : {SIGTERM, SIGINT})
      if (sigismember(&stops, stop) && sigismember(&pending, stop)) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tributary::testing;
  std::string organization = "octo-world";
  std::string token = "test-token";
  for (int index = 1; index + 1 < argc; index += 2) {
    const std::string name = argv[index];
    if (name == "--organization") organization = argv[index + 1];
    else if (name == "--token") token = argv[index + 1];
    else {
      std::cerr << "usage: tributary-fake-github [--organization NAME] [--token TOKEN]\n";
      return 2;
    }
  }
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stops, nullptr);  // before fake_github's thread starts: it inherits

  fake_github_options options;
  options.tokens = {token};
  fake_github github(options);
  const auto world = std::make_shared<const github_world>(build_world(organization));
  github.edit([&](fake_github_content& content) { content.set_world(world); });
  std::cout << R"({"url":")" << github.url() << R"(","organization":")" << organization << "\"}"
            << std::endl;

  wait_for_stop(stops);
  return 0;
}
