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

# The fuzz preset: coverage for libFuzzer in everything wsx compiles, so the
# fuzzer steers by the runtime's and the facade's branches, not only the
# harness's. The fuzzer's own main is linked into its target alone.
if(WSX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "WSX_FUZZ needs clang with libFuzzer (the fuzz preset sets it; "
                        "scripts/install-deps.sh installs clang and libclang-rt-14-dev)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
