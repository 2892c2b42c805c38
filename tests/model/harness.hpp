// The differential harness's state and steps (differential.hpp says what a
// step is). harness.cpp: setup, settling and comparing; harness_ops.cpp: the
// operations.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "compat/winsock_api.hpp"
#include "model/differential.hpp"
#include "model/ops.hpp"
#include "model/reference_model.hpp"

namespace wsx::model {

class Harness {
 public:
  static constexpr int kSlots = 8;   // sockets the operations work on
  static constexpr int kEvents = 3;  // event objects they select
  // SO_SNDBUF and SO_RCVBUF, fixed so a fill stays small and autotuning
  // stays out. The receive side is kept well above a segment: with a few KB
  // Linux can close the window for good (receiver-side silly-window
  // avoidance with a tiny rcv_ssthresh), a stall of the world, not of wsx.
  static constexpr int kSendBuffer = 4096;
  static constexpr int kReceiveBuffer = 32768;
  static constexpr int kFillChunk = 4096;

  Harness(const test::WinsockApi& api, const RunOptions& options, std::uint64_t salt,
          RunResult* out);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  bool setup(const std::uint8_t header[kHeaderBytes]);
  bool step(const Op& op);
  bool finish();

 private:
  struct Slot {
    SOCKET s = INVALID_SOCKET;
    int id = -1;  // model socket id
  };
  struct EventSlot {
    WSAEVENT h = WSA_INVALID_EVENT;
    int id = -1;  // model event id
  };

  // --- operations (harness_ops.cpp); false on divergence, skip() when the
  // operation does not apply.
  bool execute(const Op& op);
  bool op_connect(const Op& op);
  bool op_accept(const Op& op);
  bool op_select(const Op& op);
  bool op_cancel(const Op& op);
  bool op_send(const Op& op);
  bool op_fill(const Op& op);
  bool op_recv(const Op& op);
  bool op_send_urgent(const Op& op);
  bool op_recv_urgent(const Op& op);
  bool op_shutdown(const Op& op);
  bool op_close(const Op& op, bool abortive);
  bool op_enumerate(const Op& op);
  bool op_wait(const Op& op);
  bool op_event(const Op& op);
  bool op_open_udp(const Op& op);
  bool op_udp_send(const Op& op);
  bool op_udp_recv(const Op& op);
  bool op_race_recv(const Op& op);

  // --- helpers (harness.cpp)
  bool skip(const char* why);
  bool fail(const std::string& why);
  bool check(const std::string& verdict, const char* call, int id = -1);
  CallResult result_of(int rc);
  int free_slot(int from) const;
  // Open sockets (slot indices) that satisfy `ok`, in slot order; -1 when none.
  template <class Pred>
  int pick(std::uint8_t choice, Pred ok) const;
  SOCKET handle(int id) const;
  WSAEVENT event_handle(int model_event) const;
  bool event_live(int model_event) const;
  const Socket& m(int id) const { return model_.socket(id); }
  bool established(int id) const;
  bool outgoing_complete(int id) const;
  bool peer_takes_reset(int id) const;
  sockaddr_in address_of(SOCKET s);
  void set_buffers(SOCKET s, bool small = true);
  bool send_bytes(int id, const std::uint8_t* data, int n, int variant, CallResult* r);
  bool receive_bytes(int id, std::uint8_t* data, int len, int flags, int variant, CallResult* r);

  bool settle();
  void measure();
  bool world_settled(std::string* pending);
  bool probe();
  bool check_events();
  bool observe_all();
  bool enumerate(int id, int model_event, WSAEVENT h, bool event_is_live);
  std::string describe(int id) const;
  // The model's and the kernel's view of a socket, for failure reports.
  std::string facts(int id) const;
  void note(const std::string& s) { line_ += s; }

  const test::WinsockApi& api_;
  RunOptions options_;
  RunResult* out_;
  ReferenceModel model_;
  bool started_ = false;
  std::array<Slot, kSlots> slots_{};
  std::array<EventSlot, kEvents> events_{};
  std::vector<EventSlot> dead_events_;
  std::map<int, WSAEVENT> event_handles_;     // model event id -> handle
  std::map<int, SOCKET> handles_;             // model socket id -> open handle
  std::map<int, std::uint16_t> client_port_;  // client model id -> its local port
  SOCKET listener_ = INVALID_SOCKET;
  int listener_id_ = -1;
  SOCKET refuser_ = INVALID_SOCKET;  // bound, not listening: connects are refused
  sockaddr_in listen_addr_{}, refuse_addr_{};
  std::map<int, sockaddr_in> udp_addr_;  // datagram model id -> its address
  WSAEVENT probe_ = WSA_INVALID_EVENT;   // never set: waiting on it lets wsx dispatch
  WSAEVENT race_probe_ = WSA_INVALID_EVENT;
  std::string line_;
  bool skipped_ = false;
  std::size_t reports_seen_ = 0;
  std::size_t allowances_seen_ = 0;
};

template <class Pred>
int Harness::pick(std::uint8_t choice, Pred ok) const {
  int candidates[kSlots];
  int n = 0;
  for (int i = 0; i < kSlots; ++i) {
    if (slots_[static_cast<std::size_t>(i)].id >= 0 && ok(slots_[static_cast<std::size_t>(i)].id)) {
      candidates[n++] = i;
    }
  }
  return n == 0 ? -1 : candidates[choice % n];
}

}  // namespace wsx::model
