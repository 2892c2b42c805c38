// Uses the installed headers and libraries: starts the runtime, signals an
// event through a wait set and prints "ok".
#include <cstdio>

#include "wsx/sockets.hpp"
#include "wsx/wait_set.hpp"

int main() {
  wsx::Runtime rt;
  if (rt.error()) return 1;
  wsx::EventHandle e = wsx::create_event();
  wsx::WaitSetHandle ws = wsx::create_wait_set();
  wsx::wait_set_add(ws, e, 7);
  wsx::set_event(e);
  wsx::ReadyEvent out[1];
  wsx::WaitSetOutcome o = wsx::wait_set_wait(ws, out, wsx::Timeout::millis(1000));
  if (o.count != 1 || out[0].key != 7) return 1;
  std::puts("ok");
  return 0;
}
