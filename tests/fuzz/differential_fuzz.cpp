// The differential test driven by libFuzzer: the input's bytes are the
// operation sequence (ops.hpp: two header bytes, then four per step), the
// same decoder a seed goes through, so a seed's bytes (wsx-model --corpus)
// are a fuzzing input and a fuzzing input replays without clang
// (wsx-model --input FILE --echo).
//
// A divergence from the reference model aborts, which libFuzzer reports as a
// crash and saves the input. Steps are capped: every step waits for the
// network to settle and for wsx to dispatch (kFuzzMaxSteps).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "compat/winsock_api.hpp"
#include "model/differential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wsx::model;
  BufferSource source(data, size);
  RunOptions o;
  o.max_steps = kFuzzMaxSteps;
  // The content salt only varies the bytes sent; a fixed one keeps an input
  // a complete description of its run.
  RunResult r = run_differential(wsx::test::kWsxApi, source, o, 0);
  if (!r.ok) {
    std::fputs(describe_failure(r,
                                "wsx-fuzz <this input>   or   wsx-model --input <this input> "
                                "--echo")
                   .c_str(),
               stderr);
    std::abort();
  }
  return 0;
}
