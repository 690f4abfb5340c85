// The block Bloom filter (block_bloom.h): a filter built with each message's predecessor (the
// loads equal to it skipped) sets exactly the bits of one built from every message in full.
#include "services/logs/block_bloom.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace orgtrail::services::logs {
namespace {

// Messages like consecutive CloudTrail records: a shared template with a few bytes changed
// here and there, sometimes a length changed (so that later loads no longer line up), and some
// short or empty ones.
std::vector<std::string> BloomTestMessages() {
  std::mt19937 rng(7);
  std::string base;
  for (int i = 0; i < 40; ++i)
    base += "{\"eventVersion\":\"1.11\",\"eventTime\":\"2026-11-27T15:0" + std::to_string(i % 10) +
            ":00Z\",";
  std::vector<std::string> out = {"", "ab", "abcdefg", base};
  for (int n = 0; n < 400; ++n) {
    std::string m = out.back().size() > 16 ? out.back() : base;
    const int changes = static_cast<int>(rng() % 6);
    for (int c = 0; c < changes; ++c) {
      size_t at = rng() % m.size();
      switch (rng() % 4) {
        case 0:
          m.insert(at, 1 + rng() % 3, static_cast<char>('a' + rng() % 26));
          break;
        case 1:
          m.erase(at, 1 + rng() % 3);
          break;
        default:
          m[at] = static_cast<char>(' ' + rng() % 90);
      }
    }
    if (rng() % 50 == 0) m = m.substr(0, rng() % 20);
    if (m.empty()) m = base;
    out.push_back(std::move(m));
  }
  return out;
}

TEST(BlockBloomTest, SkippingLoadsEqualToThePreviousMessageSetsTheSameBits) {
  const std::vector<std::string> messages = BloomTestMessages();
  std::string chained, full;
  std::string_view prev;
  for (const std::string& m : messages) {
    BloomAdd(chained, m, prev);
    BloomAdd(full, m);
    prev = m;
    ASSERT_EQ(chained, full) << "after message of " << m.size() << " bytes";
  }
}

TEST(BlockBloomTest, EveryTrigramOfEveryMessageMayBeContained) {
  const std::vector<std::string> messages = BloomTestMessages();
  std::string bloom;
  std::string_view prev;
  for (const std::string& m : messages) {
    BloomAdd(bloom, m, prev);
    prev = m;
  }
  for (const std::string& m : messages)
    for (size_t i = 0; i + 3 <= m.size(); i += 5)
      ASSERT_TRUE(BloomMayContain(bloom, {m.substr(i, 3), m.substr(i, 11)}));
  EXPECT_FALSE(BloomMayContain(bloom, {"\x01\x02\x03\x04"}));
}

}  // namespace
}  // namespace orgtrail::services::logs
