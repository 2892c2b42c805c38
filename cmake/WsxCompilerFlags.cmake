# Warnings are errors for everything wsx compiles itself.
function(wsx_target_defaults target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Werror)
  endif()
endfunction()

if(WSX_SANITIZE)
  if(MSVC OR MINGW)
    message(FATAL_ERROR "WSX_SANITIZE is for the Linux builds (GCC/Clang)")
  endif()
  add_compile_options(-fsanitize=${WSX_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WSX_SANITIZE})
endif()

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
