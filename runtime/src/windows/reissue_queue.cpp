#include "windows/reissue_queue.hpp"

namespace wsx::detail {

void ReissueQueue::append(Fifo& f, PollEntry* e) {
  e->next_listed = nullptr;
  e->prev_listed = f.tail;
  if (f.tail) {
    f.tail->next_listed = e;
  } else {
    f.head = e;
  }
  f.tail = e;
}

void ReissueQueue::unlink(Fifo& f, PollEntry* e) {
  if (e->prev_listed) {
    e->prev_listed->next_listed = e->next_listed;
  } else {
    f.head = e->next_listed;
  }
  if (e->next_listed) {
    e->next_listed->prev_listed = e->prev_listed;
  } else {
    f.tail = e->prev_listed;
  }
  e->listed = false;
}

PollEntry* ReissueQueue::pop(Fifo& f) {
  PollEntry* e = f.head;
  if (e) unlink(f, e);
  return e;
}

void ReissueQueue::push(PollEntry* e, bool told, std::int64_t now_ns) {
  // Still queued from an earlier completion (a rearm re-issued it since):
  // it waits from this completion on, in the order of the latest.
  if (e->listed) unlink(e->listed_told ? told_ : untold_, e);
  e->listed = true;
  e->listed_told = told;
  e->listed_ns = now_ns;
  append(told ? told_ : untold_, e);
}

void ReissueQueue::issue_all() {
  // A request a rearm already re-issued is left alone (issue_if_idle).
  while (PollEntry* e = pop(untold_))
    e->issue_if_idle();
  while (PollEntry* e = pop(told_))
    e->issue_if_idle();
}

void ReissueQueue::issue_due(std::int64_t now_ns) {
  while (PollEntry* e = pop(untold_))
    e->issue_if_idle();
  while (told_.head && now_ns - told_.head->listed_ns >= kGraceNs)
    pop(told_)->issue_if_idle();
}

}  // namespace wsx::detail
