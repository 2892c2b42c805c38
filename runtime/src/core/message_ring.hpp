// A growable circular buffer of messages: one shard's queue. Not
// thread-safe; the shard's lock guards it.
#pragma once

#include <cstddef>

#include "wsx/message_queue.hpp"

namespace wsx::detail {

class MessageRing {
 public:
  MessageRing() = default;
  MessageRing(const MessageRing&) = delete;
  MessageRing& operator=(const MessageRing&) = delete;
  ~MessageRing() { release(); }

  // False only when memory runs out.
  bool push(const QueuedMessage& m);
  std::size_t size() const { return size_; }
  const QueuedMessage& at(std::size_t i) const { return buf_[(head_ + i) & (cap_ - 1)]; }
  void pop_front();
  // Removes the i-th oldest, keeping the others in order.
  void erase(std::size_t i);
  // Drops everything and gives the memory back.
  void release();

 private:
  bool resize(std::size_t cap);

  QueuedMessage* buf_ = nullptr;
  std::size_t cap_ = 0;  // a power of two, or 0
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace wsx::detail
