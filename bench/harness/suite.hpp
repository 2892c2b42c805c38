// The measurement points of a suite: which traffic, how many connections,
// what sizes. Every point runs against every server.
#pragma once

#include <string>
#include <vector>

#include "harness/options.hpp"
#include "load/loadgen.hpp"

namespace wsx::bench {

struct Point {
  std::string id;        // stable key for files: "pingpong-1000"
  std::string scenario;  // pingpong, bulk, idle, burst, churn
  std::string label;     // for people: "ping-pong, 1,000 connections"
  load::Config load;     // everything but the port
  bool sweep = false;    // one of the connection-count points the plots show
  int x = 0;             // its connection count
};

// Points in the order they run; *why lists what was left out and why
// (a connection count the descriptor limit or the port range cannot take).
std::vector<Point> make_points(const Options& o, std::vector<std::string>* why);

}  // namespace wsx::bench
