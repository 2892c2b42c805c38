// The side-by-side machinery itself (trace.hpp, known_differences.hpp): how
// two traces are compared, that a listed difference must match exactly, and
// that the table in the code and the one in docs/semantics.md list the same
// differences. Runs on every platform.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "compat/known_differences.hpp"
#include "compat/trace.hpp"
#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

Trace trace(std::initializer_list<Step> steps) {
  Trace t;
  for (const Step& s : steps)
    t.add(s.what, s.seen);
  return t;
}

TEST(SideBySide, SameStepsNoDifference) {
  Trace a = trace({{"select", "0"}, {"expect {READ}", "{READ}"}});
  EXPECT_TRUE(compare(a, a).empty());
}

TEST(SideBySide, OneStepApartIsOneDifference) {
  Trace system = trace({{"select", "0"}, {"after a reset", "{CLOSE}"}, {"quiet", "{}"}});
  Trace wsx =
      trace({{"select", "0"}, {"after a reset", "{CLOSE} CLOSE=WSAECONNRESET"}, {"quiet", "{}"}});
  auto d = compare(system, wsx);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].index, 1u);
  EXPECT_EQ(d[0].what, "after a reset");
  EXPECT_EQ(d[0].system, "{CLOSE}");
  EXPECT_EQ(d[0].wsx, "{CLOSE} CLOSE=WSAECONNRESET");
}

// Once the scenario took another path under one API, no later step can be
// matched with the other's: every one of them is reported.
TEST(SideBySide, PartedPathsDifferFromThereOn) {
  Trace system = trace({{"select", "0"}, {"check at x.cpp:1", "failed: boom"}, {"quiet", "{}"}});
  Trace wsx = trace({{"select", "0"}, {"quiet", "{}"}});
  auto d = compare(system, wsx);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].what, "check at x.cpp:1");
  EXPECT_EQ(d[0].wsx, "[quiet] {}");
  EXPECT_EQ(d[1].what, "quiet");
  EXPECT_EQ(d[1].wsx, "(no step)");
}

TEST(SideBySide, AShorterTraceDiffersWhereItEnds) {
  Trace system = trace({{"select", "0"}});
  Trace wsx = trace({{"select", "0"}, {"expect {READ}", "{READ}"}});
  auto d = compare(system, wsx);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].system, "(no step)");
  EXPECT_NE(side_by_side(system, wsx).find(" * 1 expect {READ}"), std::string::npos)
      << side_by_side(system, wsx);
}

// A row lists one difference exactly: if either side changes, the row no
// longer applies and the run says so.
TEST(SideBySide, AListedDifferenceMatchesOnlyExactly) {
  Difference d{1, "65 events", "WSA_WAIT_FAILED WSA_INVALID_PARAMETER", "WSA_WAIT_EVENT_0+64"};
  const KnownDifference* k = find_known("Wait.W1_NoSixtyFourEventLimit", d);
  ASSERT_NE(k, nullptr);
  EXPECT_STREQ(k->id, "beyond-64");
  EXPECT_EQ(find_known("Wait.W1_ReturnValues", d), nullptr);
  d.wsx = "WSA_WAIT_EVENT_0+63";
  EXPECT_EQ(find_known("Wait.W1_NoSixtyFourEventLimit", d), nullptr);
}

TEST(SideBySide, ResultsReadAsThePagesWriteThem) {
  EXPECT_EQ(int_result(SOCKET_ERROR, WSAENOTSOCK), "SOCKET_ERROR WSAENOTSOCK");
  EXPECT_EQ(int_result(0, WSAENOTSOCK), "0");  // a success shows no stale error
  EXPECT_EQ(wait_result(WSA_WAIT_EVENT_0 + 3, 0), "WSA_WAIT_EVENT_0+3");
  EXPECT_EQ(wait_result(WSA_WAIT_FAILED, WSA_INVALID_PARAMETER),
            "WSA_WAIT_FAILED WSA_INVALID_PARAMETER");
  EXPECT_EQ(socket_result(INVALID_SOCKET, WSAEWOULDBLOCK), "INVALID_SOCKET WSAEWOULDBLOCK");
  WSANETWORKEVENTS ne{};
  ne.lNetworkEvents = FD_READ | FD_CLOSE;
  ne.iErrorCode[FD_CLOSE_BIT] = WSAECONNRESET;
  EXPECT_EQ(network_events_str(ne), "{READ|CLOSE} CLOSE=WSAECONNRESET");
  EXPECT_EQ(error_name(12345), "12345");
}

// Every row names a scenario this program runs (a typo would make a row
// that can never match, and never be noticed as stale).
TEST(SideBySide, EveryRowNamesAScenario) {
  std::set<std::string> scenarios;
  const ::testing::UnitTest& u = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < u.total_test_suite_count(); ++i) {
    const ::testing::TestSuite& suite = *u.GetTestSuite(i);
    std::string name = suite.name();
    if (name.rfind("Wsx/", 0) != 0) continue;
    for (int j = 0; j < suite.total_test_count(); ++j) {
      std::string test = suite.GetTestInfo(j)->name();
      scenarios.insert(name.substr(4) + "." + test.substr(0, test.find('/')));
    }
  }
  for (const KnownDifference& k : known_differences()) {
    EXPECT_TRUE(scenarios.count(k.scenario)) << k.id << ": no scenario " << k.scenario;
    EXPECT_NE(std::string(k.why), "") << k.id;
  }
}

std::string read_semantics() {
  std::string path = WSX_SOURCE_DIR "/docs/semantics.md";
#ifdef _WIN32
  // Under Wine the source tree is on drive Z:, as every Unix path is.
  if (path[0] == '/' && running_under_wine()) path = "Z:" + path;
#endif
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// docs/semantics.md's side-by-side table and known_differences.cpp list the
// same differences: a row's first cell is its id, in backquotes.
TEST(SideBySide, TheDocsListEveryDifferenceAndNoOther) {
  std::string doc = read_semantics();
  ASSERT_FALSE(doc.empty()) << "cannot read docs/semantics.md";
  auto at = doc.find("## wsx and the system's ws2_32, side by side");
  ASSERT_NE(at, std::string::npos);
  std::set<std::string> documented;
  std::istringstream lines(doc.substr(at));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    documented.insert(line.substr(3, line.find('`', 3) - 3));
  }
  std::set<std::string> listed;
  for (const KnownDifference& k : known_differences())
    listed.insert(k.id);
  for (const std::string& id : listed)
    EXPECT_TRUE(documented.count(id)) << id << " is listed in the code, not in docs/semantics.md";
  for (const std::string& id : documented)
    EXPECT_TRUE(listed.count(id)) << id << " is in docs/semantics.md, not in the code";
}

}  // namespace
}  // namespace wsx::test
