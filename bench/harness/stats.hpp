// Median and spread of a few repeated measurements.
#pragma once

#include <vector>

namespace wsx::bench {

struct Spread {
  int n = 0;
  double median = 0, min = 0, max = 0, q1 = 0, q3 = 0;
};

// Quartiles by linear interpolation between order statistics; with three
// runs q1 and q3 fall halfway to the extremes, which is why the reports
// show min-max rather than the IQR for so few runs.
Spread spread_of(std::vector<double> v);

}  // namespace wsx::bench
