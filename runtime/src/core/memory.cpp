#include "core/memory.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#ifdef WSX_HAVE_MIMALLOC
#include <mimalloc.h>
#endif
#ifdef _WIN32
#include <malloc.h>
#endif

namespace wsx::detail {
namespace {

// Each block carries its size in front so bytes_allocated() can be kept
// without asking the allocator; the header keeps the caller's alignment.
struct alignas(64) Header {
  std::size_t size;
  std::size_t offset;
};

std::atomic<std::size_t> g_bytes{0};

void* raw_alloc(std::size_t size, std::size_t alignment) {
#ifdef WSX_HAVE_MIMALLOC
  return mi_zalloc_aligned(size, alignment);
#else
  std::size_t rounded = (size + alignment - 1) / alignment * alignment;
#ifdef _WIN32
  // The Windows C runtime has no aligned_alloc (its free() cannot release
  // over-aligned blocks); it has this pair instead.
  void* p = _aligned_malloc(rounded, alignment);
#else
  void* p = std::aligned_alloc(alignment, rounded);
#endif
  if (p) std::memset(p, 0, rounded);
  return p;
#endif
}

void raw_free(void* p) {
#ifdef WSX_HAVE_MIMALLOC
  mi_free(p);
#elif defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

}  // namespace

void* allocate_zeroed(std::size_t size, std::size_t alignment) {
  if (alignment < alignof(Header)) alignment = alignof(Header);
  std::size_t offset = (sizeof(Header) + alignment - 1) / alignment * alignment;
  auto* base = static_cast<unsigned char*>(raw_alloc(size + offset, alignment));
  if (!base) return nullptr;
  auto* h = reinterpret_cast<Header*>(base + offset - sizeof(Header));
  h->size = size + offset;
  h->offset = offset;
  g_bytes.fetch_add(size + offset, std::memory_order_relaxed);
  return base + offset;
}

void deallocate(void* p) {
  if (!p) return;
  auto* user = static_cast<unsigned char*>(p);
  auto* h = reinterpret_cast<Header*>(user - sizeof(Header));
  g_bytes.fetch_sub(h->size, std::memory_order_relaxed);
  raw_free(user - h->offset);
}

std::size_t bytes_allocated() {
  return g_bytes.load(std::memory_order_relaxed);
}

}  // namespace wsx::detail
