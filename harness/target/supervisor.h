// Starts a profile's server on loopback and keeps it honest (DESIGN.md "Real targets"): a fresh
// state folder per start, free loopback ports, the child in its own session and process group
// (so one signal reaches everything it spawned), stdout and stderr in a log file whose last
// lines go into the report, readiness = a "220" greeting (implicit TLS: a TCP connect), and a
// stop that leaves no process and no folder behind: SIGTERM to the group, a bounded wait, then
// SIGKILL.
//
// Not thread-safe: one runner thread drives it (supervised runs are sequential so that a
// crash is charged to the case that caused it).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/target/profile.h"

namespace sah::target {

struct SupervisorOptions {
  // Parent of the state folders. Empty: a fresh folder in the system temp folder, removed
  // when the supervisor is destroyed.
  std::string run_dir;
  std::string harness;                    // {harness}: path of this executable
  std::vector<std::string> extra_faults;  // appended after the profile's own faults
  std::size_t log_lines = 40;             // how many last log lines log_tail() keeps
  std::chrono::milliseconds stop_grace{10000};  // SIGTERM → SIGKILL
};

class Supervisor {
 public:
  Supervisor(Profile profile, SupervisorOptions options);
  ~Supervisor();  // stop(), then removes a run folder it created
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts the server and waits until it is ready. Empty on success; else why not (the child
  // is then already stopped and its folder removed; log_tail() has its last words).
  std::string start();
  // stop() then start(), with a fresh state folder and fresh ports.
  std::string restart();
  // SIGTERM to the group, wait up to stop_grace, SIGKILL; reaps the child; keeps the log tail;
  // removes the state folder. Safe to call twice.
  void stop();

  // The child has not exited (reaps it without blocking when it has).
  bool alive();
  // Waits up to `limit` for the child to exit; true when it has.
  bool wait_exit(std::chrono::milliseconds limit);
  // "exited with status 3", "killed by signal 6 (SIGABRT)", "running", "not started".
  std::string exit_description() const;
  // The last log lines of the current server, or of the last one stopped.
  std::vector<std::string> log_tail();

  const Profile& profile() const { return profile_; }
  std::uint16_t port() const { return port_; }
  std::uint16_t tls_port() const { return tls_port_; }
  // The port a client uses: tls_port for implicit TLS, else port.
  std::uint16_t client_port() const { return profile_.tls == net::TlsMode::implicit ? tls_port_ : port_; }
  pid_t pid() const { return pid_; }
  const std::string& state_dir() const { return state_dir_; }
  const std::string& run_dir() const { return run_dir_; }

 private:
  std::string spawn();
  std::string wait_ready();
  bool reap(bool block);
  bool group_alive() const;
  std::vector<std::string> read_log_tail() const;

  Profile profile_;
  SupervisorOptions options_;
  std::string run_dir_;
  bool own_run_dir_ = false;
  unsigned starts_ = 0;
  std::string state_dir_;
  std::string log_file_;
  std::uint16_t port_ = 0, tls_port_ = 0;
  pid_t pid_ = -1;       // the child, also its process group and session id
  bool exited_ = false;  // reaped; status_ is valid
  int status_ = 0;
  std::vector<std::string> last_log_;  // kept at stop()
};

// A free TCP port on 127.0.0.1 (bind port 0, read it back, close). 0 when none could be had.
std::uint16_t free_loopback_port();

// Readable form of a waitpid() status.
std::string describe_wait_status(int status);

}  // namespace sah::target
