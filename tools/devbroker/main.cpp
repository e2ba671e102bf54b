// tributary-devbroker: see README.md.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "core/log.hpp"
#include "tools/devbroker/control_server.hpp"
#include "tools/devbroker/mock_cluster.hpp"
#include "tools/devbroker/options.hpp"

namespace {

using namespace tributary;

const core::logger main_log("devbroker");

// The self-pipe: the signal handler may only write(2); the control loop polls the read end.
int stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(stop_pipe[1], &byte, 1);
  errno = saved;
}

void install_stop_handlers() {
  if (::pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe");
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

/// Writes `line` to `path` through a temporary file and rename(2), so that a reader polling for
/// the file never sees it half written.
void write_file_atomically(const std::string& path, const std::string& line) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << line << '\n';
    out.close();
    if (!out) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::system_error(errno, std::generic_category(), "rename to " + path);
  }
}

/// Removes the files this process wrote, whatever way it leaves main.
class written_files {
 public:
  ~written_files() {
    for (const auto& path : paths_) std::remove(path.c_str());
  }
  void write(const std::string& path, const std::string& line) {
    if (path.empty()) return;
    write_file_atomically(path, line);
    paths_.push_back(path);
  }

 private:
  std::vector<std::string> paths_;
};

int run(const devbroker::options& options) {
  install_stop_handlers();
  devbroker::mock_cluster cluster(options.brokers);
  for (const auto& topic : options.topics) cluster.create_topic(topic, options.partitions);

  devbroker::control_server control([&cluster](std::string_view line) -> std::string {
    try {
      return cluster.apply(devbroker::parse_control_command(line));
    } catch (const devbroker::command_error& e) {
      return std::string("error ") + e.what();
    }
  });
  const std::string control_address = "127.0.0.1:" + std::to_string(control.port());

  written_files files;
  files.write(options.bootstrap_file, cluster.bootstrap_servers());
  files.write(options.control_file, control_address);
  std::cout << "bootstrap.servers=" << cluster.bootstrap_servers() << '\n'
            << "control=" << control_address << std::endl;
  main_log.info("devbroker ready", {{"bootstrap_servers", cluster.bootstrap_servers()},
                                    {"control", control_address},
                                    {"brokers", options.brokers}});

  control.run(stop_pipe[0]);
  main_log.info("devbroker stopping");
  return 0;  // files, control and cluster are released in reverse order
}

}  // namespace

int main(int argc, char** argv) {
  devbroker::options options;
  try {
    options = devbroker::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const devbroker::options_error& e) {
    std::cerr << "tributary-devbroker: " << e.what() << '\n';
    return 2;
  }
  if (options.help) {
    std::cout << devbroker::options_help();
    return 0;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "tributary-devbroker: " << e.what() << '\n';
    return 1;
  }
}
