// RttEstimate: RFC 6298's smoothing, and the limit the live source ages its window with.
#include "dns/rtt_estimate.h"

#include <gtest/gtest.h>

namespace mv {
namespace {

using std::chrono::milliseconds;
using Us = RttEstimate::Duration;

TEST(RttEstimate, TheCeilingUntilAFirstAnswer) {
  RttEstimate rtt;
  EXPECT_EQ(rtt.samples(), 0u);
  EXPECT_EQ(rtt.Limit(milliseconds(250), milliseconds(2000)), Us(2'000'000));
}

TEST(RttEstimate, FirstSampleGivesThreeTimesItself) {
  // RFC 6298 2.2: srtt = R, rttvar = R / 2, so RTO = R + 4 R / 2 = 3 R.
  RttEstimate rtt;
  rtt.Add(Us(200'000));
  EXPECT_EQ(rtt.Limit(milliseconds(1), milliseconds(2000)), Us(600'000));
}

TEST(RttEstimate, SteadyAnswersShrinkItToTheFloor) {
  // 30 ms answers, as from a resolver 30 ms away: rttvar decays by 3/4 per answer, so the RTO
  // tends to 30 ms and the floor decides.
  RttEstimate rtt;
  for (int i = 0; i < 100; ++i) rtt.Add(Us(30'000));
  EXPECT_EQ(rtt.Limit(milliseconds(250), milliseconds(2000)), Us(250'000));
  EXPECT_LT(rtt.Limit(milliseconds(1), milliseconds(2000)), Us(31'000));
  EXPECT_GE(rtt.Limit(milliseconds(1), milliseconds(2000)), Us(30'000));
}

TEST(RttEstimate, VaryingAnswersWidenIt) {
  // Answers alternating 10 ms and 400 ms (a recursive resolver's cache hits and misses) keep
  // rttvar large: the limit stays well above the mean, so slow answers are not taken for lost.
  RttEstimate rtt;
  for (int i = 0; i < 200; ++i) rtt.Add(Us(i % 2 == 0 ? 10'000 : 400'000));
  const Us limit = rtt.Limit(milliseconds(1), milliseconds(5000));
  EXPECT_GT(limit, Us(800'000));
  EXPECT_LT(limit, Us(1'500'000));
}

TEST(RttEstimate, NeverAboveTheCeiling) {
  RttEstimate rtt;
  rtt.Add(Us(3'000'000));
  EXPECT_EQ(rtt.Limit(milliseconds(250), milliseconds(2000)), Us(2'000'000));
  // A floor above the ceiling (a first try shorter than the floor) gives the ceiling.
  EXPECT_EQ(rtt.Limit(milliseconds(5000), milliseconds(2000)), Us(2'000'000));
}

}  // namespace
}  // namespace mv
