# Every dependency comes from Debian's packages (scripts/install-deps.sh).
# A missing one stops configuration with the name of the package to install.
# Debian has no Windows builds of mimalloc, oneTBB or Google Benchmark, so
# those options default off in the cross build.

if(WIN32)
  set(wsx_default_optional OFF)
else()
  set(wsx_default_optional ON)
endif()

option(WSX_USE_MIMALLOC "Allocate the runtime's memory with mimalloc" ${wsx_default_optional})
option(WSX_USE_TBB "Build the oneTBB comparisons in bench/ and tests/" ${wsx_default_optional})
option(WSX_USE_GOOGLE_BENCHMARK "Build the Google Benchmark micro-suite" ${wsx_default_optional})

macro(wsx_require_package name debian_package)
  find_package(${name} ${ARGN})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR
      "wsx needs ${name}: install the Debian package '${debian_package}' "
      "(scripts/install-deps.sh does), or turn the option that asks for it off.")
  endif()
endmacro()

if(WSX_USE_MIMALLOC)
  wsx_require_package(mimalloc libmimalloc-dev CONFIG QUIET)
endif()
if(WSX_USE_TBB AND (WSX_BUILD_TESTS OR WSX_BUILD_BENCH))
  wsx_require_package(TBB libtbb-dev CONFIG QUIET)
endif()
if(WSX_BUILD_BENCH AND WSX_USE_GOOGLE_BENCHMARK)
  wsx_require_package(benchmark libbenchmark-dev CONFIG QUIET)
endif()

if(WSX_BUILD_TESTS)
  if(WIN32)
    # No Windows GoogleTest in Debian: build it from the sources that the
    # googletest package installs.
    set(WSX_GOOGLETEST_SOURCE "/usr/src/googletest" CACHE PATH "GoogleTest sources")
    if(NOT EXISTS "${WSX_GOOGLETEST_SOURCE}/CMakeLists.txt")
      message(FATAL_ERROR "wsx needs GoogleTest sources: install the Debian package 'googletest'")
    endif()
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    set(gtest_force_shared_crt OFF CACHE BOOL "" FORCE)
    add_subdirectory("${WSX_GOOGLETEST_SOURCE}" "${CMAKE_BINARY_DIR}/_googletest" EXCLUDE_FROM_ALL)
    # GoogleTest 1.11 and later define these aliases themselves.
    if(NOT TARGET GTest::gtest)
      add_library(GTest::gtest ALIAS gtest)
      add_library(GTest::gtest_main ALIAS gtest_main)
    endif()
  else()
    wsx_require_package(GTest "libgtest-dev (googletest)" CONFIG QUIET)
  endif()
endif()
