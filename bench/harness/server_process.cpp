#include "harness/server_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace wsx::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by ") + strsignal(WTERMSIG(status));
  return "ended (status " + std::to_string(status) + ")";
}

// utime + stime from /proc/<pid>/stat, in clock ticks (10 ms as a rule).
double stat_cpu_seconds(pid_t pid) {
  std::string s = read_file("/proc/" + std::to_string(pid) + "/stat");
  // The command name (field 2) may hold spaces; fields resume after ')'.
  auto close = s.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream in(s.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // After ')': state is field 3, utime field 14, stime field 15.
  for (int i = 3; i <= 15 && (in >> field); ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  if (!in) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The same quantity in nanoseconds: the kernel scales utime and stime so
// that they add up to the task's sum_exec_runtime, which the first field of
// /proc/<pid>/task/<tid>/schedstat reports unrounded. Summed over the live
// threads (the servers start none that exit while measured).
double schedstat_cpu_seconds(pid_t pid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  double total = 0;
  bool any = false;
  for (const auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream f(t.path() / "schedstat");
    unsigned long long ns = 0;
    if (!(f >> ns)) continue;
    total += static_cast<double>(ns) / 1e9;
    any = true;
  }
  return any ? total : -1;
}

}  // namespace

int pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool ServerProcess::start(const std::string& exe, const std::vector<std::string>& args,
                          const std::string& log_path, double timeout_s, std::string* why) {
  log_path_ = log_path;
  int port = pick_free_port();
  std::vector<std::string> argv_s{exe};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  argv_s.push_back("--port");
  argv_s.push_back(std::to_string(port));
  std::vector<char*> argv;
  for (auto& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  int rc = posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    *why = "cannot start " + exe + ": " + std::strerror(rc);
    return false;
  }

  // Poll the log for the ready line; bounded by timeout_s.
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < deadline) {
    std::string out = read_file(log_path);
    auto at = out.find("listening on port ");
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      port_ = std::atoi(out.c_str() + at + std::strlen("listening on port "));
      if (port_ <= 0) port_ = port;
      return true;
    }
    if (std::string e = exited(); !e.empty()) {
      *why = "server " + e + " before it was ready" + log_tail();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  *why = "server did not print 'listening on port N' within " + std::to_string(timeout_s) + " s" +
         log_tail();
  stop(1.0);
  return false;
}

double process_cpu_seconds(pid_t pid) {
  // A window of half a second holds only ~50 ticks, too coarse for a
  // per-message figure, so the nanosecond source comes first.
  double s = schedstat_cpu_seconds(pid);
  return s >= 0 ? s : stat_cpu_seconds(pid);
}

double ServerProcess::cpu_seconds() const {
  return process_cpu_seconds(pid_);
}

std::string ServerProcess::exited() {
  if (pid_ <= 0) return "was never started";
  if (!reaped_) {
    pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == 0) return {};
    reaped_ = true;
  }
  return describe_status(status_);
}

std::string ServerProcess::stop(double timeout_s) {
  if (pid_ <= 0) return {};
  if (!exited().empty()) return "server had already " + describe_status(status_) + log_tail();
  ::kill(pid_, SIGTERM);
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < deadline) {
    if (!exited().empty()) {
      bool clean = (WIFEXITED(status_) && WEXITSTATUS(status_) == 0) ||
                   (WIFSIGNALED(status_) && WTERMSIG(status_) == SIGTERM);
      return clean ? std::string() : "server " + describe_status(status_) + log_tail();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
  reaped_ = true;
  return "server did not stop within " + std::to_string(timeout_s) + " s of SIGTERM (killed)";
}

std::string ServerProcess::log_tail() const {
  std::string out = read_file(log_path_);
  if (out.empty()) return {};
  if (out.size() > 400) out = "..." + out.substr(out.size() - 400);
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return "; its output: " + out;
}

}  // namespace wsx::bench
