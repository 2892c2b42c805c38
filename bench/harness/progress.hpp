// Progress while a suite runs: on a terminal, one line redrawn in place with
// a bar and an estimate of the time left; otherwise (a pipe, a CI log) one
// plain line per finished run.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace wsx::bench {

class Progress {
 public:
  explicit Progress(std::FILE* out);
  // A run is starting: `what` names it.
  void starting(int index, int total, const std::string& what);
  // A run has finished: `outcome` is its one-line result.
  void finished(int index, int total, const std::string& what, const std::string& outcome);
  // Prints a line of its own above the bar (warnings, failures).
  void note(const std::string& line);
  // Clears the bar for good.
  void done();

 private:
  void draw(int index, int total, const std::string& what);
  void clear();

  std::FILE* out_;
  bool tty_;
  int width_ = 100;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace wsx::bench
