// Where the system's ws2_32 and wsx part, on purpose. The side-by-side run
// (wsa_fixture.hpp) fails on any difference that is not listed here; every
// row here is a row of the side-by-side table in docs/semantics.md, which
// says why (a test keeps the two in step).
#pragma once

#include <string_view>
#include <vector>

#include "compat/trace.hpp"

namespace wsx::test {

struct KnownDifference {
  const char* id;        // its row in docs/semantics.md
  const char* scenario;  // "Select.S8_EstablishedConnectionReportedAtSelect"
  const char* step;      // the step's label
  const char* system;    // what the system shows (Wine 8, the Windows CI has)
  const char* wsx;       // what wsx shows
  const char* why;       // in one line; the docs have the whole reason
};

const std::vector<KnownDifference>& known_differences();

// The row that lists this difference of this scenario, or null.
const KnownDifference* find_known(std::string_view scenario, const Difference& d);

}  // namespace wsx::test
