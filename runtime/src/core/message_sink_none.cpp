// Until message queues exist nothing can select message mode: selecting it
// is refused by is_message_target().
#include "core/message_sink.hpp"

namespace wsx::detail {

void post_socket_message(std::uint64_t, std::uint32_t, native_socket, NetEvent, native_error) {}
bool is_message_target(std::uint64_t) {
  return false;
}

}  // namespace wsx::detail
