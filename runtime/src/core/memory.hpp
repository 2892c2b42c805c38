// The runtime's own allocations. With WSX_HAVE_MIMALLOC they come from
// mimalloc (faster for the message queues' segment churn, see
// bench/micro_alloc.cpp); otherwise from the C library.
#pragma once

#include <cstddef>

namespace wsx::detail {

void* allocate_zeroed(std::size_t size, std::size_t alignment);
void deallocate(void* p);
// Bytes the runtime holds from its allocator right now (for the
// memory-per-socket figure); counted by this module, not by the allocator.
std::size_t bytes_allocated();

}  // namespace wsx::detail
