// One comparison server, started in its own process for one run and
// measured from outside: its CPU time comes from /proc.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace wsx::bench {

class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();  // kills and reaps a server still running

  // Runs `exe args... --port P` with stdout and stderr going to `log_path`,
  // and waits up to `timeout_s` for it to print "listening on port N".
  // On failure *why says what happened (with the end of the log).
  bool start(const std::string& exe, const std::vector<std::string>& args,
             const std::string& log_path, double timeout_s, std::string* why);

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // User + system CPU seconds the server has used so far (all its threads),
  // or a negative number when /proc cannot tell: utime + stime of
  // /proc/<pid>/stat, read at nanosecond resolution from the threads'
  // schedstat where the kernel has it (server_process.cpp says why).
  double cpu_seconds() const;

  // Empty while the server runs; otherwise how it ended.
  std::string exited();

  // SIGTERM, then up to `timeout_s` for it to exit, then SIGKILL. Returns
  // an empty string for a clean stop, else what went wrong.
  std::string stop(double timeout_s);

 private:
  std::string log_tail() const;

  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = 0;
  bool reaped_ = false;
  std::string log_path_;
};

// User + system CPU seconds of any process of ours (all its threads), as
// ServerProcess::cpu_seconds measures them; negative when /proc cannot tell.
double process_cpu_seconds(pid_t pid);

// A TCP port that nothing listens on right now (the kernel's choice).
int pick_free_port();

}  // namespace wsx::bench
