// Small text helpers shared by the harness's reports.
#pragma once

#include <string>
#include <vector>

namespace wsx::bench {

// "a,b,,c" -> {"a", "b", "c"}
std::vector<std::string> split_list(const std::string& s);
// 12345678.9 -> "12,345,679"
std::string with_commas(double v);
// A figure in 3 significant digits or so: 0.123, 12.3, 1,234.
std::string figure(double v);
// A duration in microseconds, in us or ms as fits: "85 us", "13.9 ms".
std::string micros(double us);
std::string json_escape(const std::string& s);

}  // namespace wsx::bench
