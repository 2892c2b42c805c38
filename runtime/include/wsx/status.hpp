// Outcome of a runtime call that has no native error of its own.
#pragma once

namespace wsx {

enum class Status {
  ok = 0,
  invalid_handle,    // a closed, foreign or never-created handle
  invalid_argument,  // a parameter outside what the call accepts
  not_socket,        // the descriptor is not a socket
  invalid_state,     // the object cannot do this now (e.g. already in another wait set)
  not_running,       // the runtime has not been started
  no_memory,
  os_error,  // an OS call failed; see the accompanying native_error
};

constexpr const char* status_name(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::invalid_handle:
      return "invalid_handle";
    case Status::invalid_argument:
      return "invalid_argument";
    case Status::not_socket:
      return "not_socket";
    case Status::invalid_state:
      return "invalid_state";
    case Status::not_running:
      return "not_running";
    case Status::no_memory:
      return "no_memory";
    case Status::os_error:
      return "os_error";
  }
  return "?";
}

}  // namespace wsx
