#include "core/event_record.hpp"

#include "core/spin_lock.hpp"

namespace wsx::detail {

std::uint32_t record_install(SocketState& st, NotifyMode mode, std::uint64_t target,
                             std::uint32_t message, EventMask mask) {
  std::uint64_t w = st.word.load(std::memory_order_acquire);
  for (;;) {
    if (w & RecordWord::kBusy) {
      cpu_relax();
      w = st.word.load(std::memory_order_acquire);
      continue;
    }
    if (st.word.compare_exchange_weak(w, w | RecordWord::kBusy, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      break;
    }
  }
  st.target.store(target, std::memory_order_release);
  st.message.store(message, std::memory_order_release);
  std::uint32_t epoch = RecordWord{w}.epoch() + 1;
  if (mask == 0) mode = NotifyMode::none;
  st.word.store(RecordWord::make(mask, 0, 0, mode, epoch).v, std::memory_order_release);
  return epoch & 0x7fffffffu;
}

bool record_event(SocketState& st, std::uint32_t epoch, NetEvent e, native_error error,
                  Delivery* out) {
  const EventMask bit = mask_of(e);
  std::uint64_t v = st.word.load(std::memory_order_acquire);
  for (;;) {
    RecordWord w{v};
    if (w.busy()) {
      cpu_relax();
      v = st.word.load(std::memory_order_acquire);
      continue;
    }
    if (w.epoch() != epoch || !(w.selected() & bit) || (w.disabled() & bit)) return false;
    Delivery d{w.mode(), st.target.load(std::memory_order_acquire),
               st.message.load(std::memory_order_acquire)};
    st.errors[static_cast<int>(e)].store(static_cast<std::uint16_t>(error),
                                         std::memory_order_relaxed);
    std::uint64_t nv = v | (std::uint64_t{bit} << RecordWord::kDisShift);
    if (d.mode == NotifyMode::event) nv |= std::uint64_t{bit} << RecordWord::kRecShift;
    if (st.word.compare_exchange_weak(v, nv, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      *out = d;
      return true;
    }
  }
}

void record_reenable(SocketState& st, EventMask m) {
  // A lone fetch_and: it may land while a select holds the busy bit, in which
  // case the select's final store overwrites it with disabled = 0 anyway.
  st.word.fetch_and(~(std::uint64_t{m & kAllNetEvents} << RecordWord::kDisShift),
                    std::memory_order_acq_rel);
}

EventMask record_take(SocketState& st, native_error errors[kNetEventCount]) {
  std::uint64_t v = st.word.load(std::memory_order_acquire);
  for (;;) {
    RecordWord w{v};
    if (w.busy()) {
      cpu_relax();
      v = st.word.load(std::memory_order_acquire);
      continue;
    }
    EventMask rec = w.recorded();
    if (rec == 0) return 0;
    native_error copy[kNetEventCount];
    for (int i = 0; i < kNetEventCount; ++i) {
      if (rec & (EventMask{1} << i)) copy[i] = st.errors[i].load(std::memory_order_relaxed);
    }
    std::uint64_t nv = v & ~(std::uint64_t{RecordWord::kMask10} << RecordWord::kRecShift);
    if (st.word.compare_exchange_weak(v, nv, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      for (int i = 0; i < kNetEventCount; ++i) {
        if (rec & (EventMask{1} << i)) errors[i] = copy[i];
      }
      return rec;
    }
  }
}

Selection record_selection(const SocketState& st) {
  for (;;) {
    std::uint64_t v = st.word.load(std::memory_order_acquire);
    RecordWord w{v};
    if (w.busy()) {
      cpu_relax();
      continue;
    }
    Selection s;
    s.delivery = Delivery{w.mode(), st.target.load(std::memory_order_acquire),
                          st.message.load(std::memory_order_acquire)};
    s.mask = w.selected();
    s.epoch = w.epoch();
    if (st.word.load(std::memory_order_acquire) == v) return s;
  }
}

}  // namespace wsx::detail
