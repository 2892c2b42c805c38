#include "core/message_ring.hpp"

#include <new>

#include "core/memory.hpp"

namespace wsx::detail {
namespace {
constexpr std::size_t kInitialCapacity = 64;
}

bool MessageRing::resize(std::size_t cap) {
  void* mem = allocate_zeroed(cap * sizeof(QueuedMessage), alignof(QueuedMessage));
  if (!mem) return false;
  auto* nb = static_cast<QueuedMessage*>(mem);
  for (std::size_t i = 0; i < size_; ++i)
    new (&nb[i]) QueuedMessage(at(i));
  deallocate(buf_);
  buf_ = nb;
  cap_ = cap;
  head_ = 0;
  return true;
}

bool MessageRing::push(const QueuedMessage& m) {
  if (size_ == cap_ && !resize(cap_ ? cap_ * 2 : kInitialCapacity)) return false;
  buf_[(head_ + size_) & (cap_ - 1)] = m;
  ++size_;
  return true;
}

void MessageRing::pop_front() {
  head_ = (head_ + 1) & (cap_ - 1);
  --size_;
  // Give back what a burst grew, once it has drained.
  if (size_ == 0) {
    head_ = 0;
    if (cap_ > 4 * kInitialCapacity) release();
  }
}

void MessageRing::erase(std::size_t i) {
  for (std::size_t k = i; k + 1 < size_; ++k) {
    buf_[(head_ + k) & (cap_ - 1)] = buf_[(head_ + k + 1) & (cap_ - 1)];
  }
  --size_;
}

void MessageRing::release() {
  deallocate(buf_);
  buf_ = nullptr;
  cap_ = head_ = size_ = 0;
}

}  // namespace wsx::detail
