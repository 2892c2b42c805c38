#include "harness/progress.hpp"

#include <algorithm>

#include <sys/ioctl.h>
#include <unistd.h>

namespace wsx::bench {

Progress::Progress(std::FILE* out)
    : out_(out), tty_(::isatty(::fileno(out)) == 1), start_(std::chrono::steady_clock::now()) {
  winsize ws{};
  if (tty_ && ::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40) width_ = ws.ws_col;
}

void Progress::starting(int index, int total, const std::string& what) {
  if (tty_) draw(index, total, what);
}

void Progress::finished(int index, int total, const std::string& what, const std::string& outcome) {
  if (tty_) {
    draw(index + 1, total, what);
    return;
  }
  std::fprintf(out_, "[%*d/%d] %-58s %s\n", total >= 100 ? 3 : 2, index + 1, total, what.c_str(),
               outcome.c_str());
  std::fflush(out_);
}

void Progress::note(const std::string& line) {
  clear();
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void Progress::done() {
  clear();
}

void Progress::draw(int index, int total, const std::string& what) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  int left_s = index > 0 ? static_cast<int>(elapsed / index * (total - index) + 0.5) : -1;
  char eta[32] = "";
  if (left_s >= 0) std::snprintf(eta, sizeof eta, " %dm%02ds left", left_s / 60, left_s % 60);
  const int bar = 24;
  int filled = total > 0 ? bar * index / total : 0;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about
  // "literal" + std::string.
  std::string line(1, '[');
  line.append(static_cast<std::size_t>(filled), '#');
  line.append(static_cast<std::size_t>(bar - filled), '.');
  line += "] " + std::to_string(index) + "/" + std::to_string(total) + eta + "  " + what;
  if (static_cast<int>(line.size()) > width_ - 1) {
    line.resize(static_cast<std::size_t>(std::max(0, width_ - 1)));
  }
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::clear() {
  if (!drawn_) return;
  std::fprintf(out_, "\r\033[K");
  drawn_ = false;
}

}  // namespace wsx::bench
