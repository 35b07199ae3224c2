#include "util/bounded_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mv {
namespace {

std::string Reverse(std::string_view s) {
  return std::string(s.rbegin(), s.rend());
}

TEST(BoundedCache, HitReturnsWhatTheMissComputed) {
  BoundedCache<std::string> cache(64);
  int calls = 0;
  auto make = [&](std::string_view k) {
    ++calls;
    return Reverse(k);
  };
  EXPECT_EQ(cache.GetOrCompute("abc", make), "cba");
  EXPECT_EQ(cache.GetOrCompute("abc", make), "cba");
  EXPECT_EQ(cache.GetOrCompute("xy", make), "yx");
  EXPECT_EQ(calls, 2);  // the second "abc" was a hit
  EXPECT_EQ(cache.size(), 2u);
}

TEST(BoundedCache, KeysDifferingOnlyInCaseOrLengthAreDistinct) {
  BoundedCache<std::string> cache(64);
  EXPECT_EQ(cache.GetOrCompute("Ab", Reverse), "bA");
  EXPECT_EQ(cache.GetOrCompute("ab", Reverse), "ba");
  EXPECT_EQ(cache.GetOrCompute(std::string_view("ab\0", 3), Reverse), std::string("\0ba", 3));
  EXPECT_EQ(cache.size(), 3u);
}

TEST(BoundedCache, SizeStaysWithinTheCapacity) {
  BoundedCache<std::string> cache(160);
  size_t largest = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string key = "name" + std::to_string(i) + ".example";
    ASSERT_EQ(cache.GetOrCompute(key, Reverse), Reverse(key));
    largest = std::max(largest, cache.size());
  }
  EXPECT_LE(largest, cache.capacity());
  EXPECT_GT(largest, 0u);
  // Evicted keys are computed again, with the same answer.
  EXPECT_EQ(cache.GetOrCompute("name0.example", Reverse), "elpmaxe.0eman");
}

TEST(BoundedCache, ThreadsSharingOneCacheAllGetTheComputedValues) {
  // A capacity smaller than the key set, so that threads also race with evictions.
  BoundedCache<std::string> cache(256);
  std::vector<std::string> keys;
  for (int i = 0; i < 600; ++i) keys.push_back("host" + std::to_string(i * 7919) + ".example.net");
  std::atomic<int> wrong{0};
  std::atomic<int> checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t k = 0; k < keys.size(); ++k) {
          const std::string& key = keys[(k * (t + 1) + round) % keys.size()];
          if (cache.GetOrCompute(key, Reverse) != Reverse(key)) ++wrong;
          ++checked;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(checked.load(), 8 * 20 * 600);
  EXPECT_LE(cache.size(), cache.capacity());
}

}  // namespace
}  // namespace mv
