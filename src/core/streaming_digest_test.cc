#include "core/streaming_digest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/crypto.h"

namespace orgtrail {
namespace {

using Digests = std::vector<std::pair<std::string, std::string>>;

Digests OnePass(const std::vector<std::string>& names, std::string_view data) {
  MultiDigest d;
  for (const std::string& n : names) d.Add(n);
  d.Update(data);
  return d.Final();
}

std::string Bytes(size_t n) {
  std::string s(n, '\0');
  uint32_t x = 12345;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return s;
}

const std::vector<std::string> kAll = {"md5", "sha1", "sha256", "crc32", "crc32c"};

TEST(StreamingDigest, SameDigestsWhateverTheSplitPoints) {
  const std::string data = Bytes(3 * StreamingDigest::kBatch + 12345);
  const Digests want = OnePass(kAll, data);
  // Pieces of one byte around the batch edge, of a batch exactly, of more than a batch, and a
  // piece that fills the queue's limit.
  const std::vector<size_t> sizes = {1,
                                     7,
                                     65536,
                                     StreamingDigest::kBatch - 1,
                                     StreamingDigest::kBatch,
                                     StreamingDigest::kBatch + 1,
                                     data.size()};
  for (size_t piece : sizes) {
    StreamingDigest s(kAll);
    for (size_t off = 0; off < data.size(); off += piece)
      s.Update(std::string_view(data).substr(off, piece));
    EXPECT_EQ(s.Final(), want) << "pieces of " << piece;
  }
  // Irregular pieces, empty ones included.
  StreamingDigest s(kAll);
  size_t off = 0;
  for (size_t i = 0; off < data.size(); ++i) {
    size_t n = (i * 7919) % 300000;
    s.Update(std::string_view(data).substr(off, n));
    off += n;
  }
  EXPECT_EQ(s.Final(), want);
}

TEST(StreamingDigest, MoreThanTheQueueHolds) {
  // The producer outruns the worker: Update waits, nothing is lost.
  const std::string block = Bytes(StreamingDigest::kBatch);
  MultiDigest one;
  one.Add("md5");
  StreamingDigest s({"md5"});
  for (size_t i = 0; i < 2 * StreamingDigest::kMaxQueued / StreamingDigest::kBatch + 3; ++i) {
    s.Update(block);
    one.Update(block);
  }
  EXPECT_EQ(s.Final(), one.Final());
}

TEST(StreamingDigest, BatchesFilledInPlaceAreHashedWithoutACopy) {
  // Update's pieces first, then batches taken from the pool, filled and handed back, more of
  // them than the pool holds (each comes back once hashed), the last one partly filled.
  const std::string data = Bytes((StreamingDigest::kPool + 3) * StreamingDigest::kBatch + 777);
  const Digests want = OnePass(kAll, data);
  StreamingDigest s(kAll);
  std::string_view rest(data);
  s.Update(rest.substr(0, 1000));
  rest.remove_prefix(1000);
  while (!rest.empty()) {
    StreamingDigest::Batch b = s.Take();
    ASSERT_EQ(reinterpret_cast<uintptr_t>(b.bytes.get()) % StreamingDigest::kAlign, 0u);
    size_t n = std::min(rest.size(), b.space());
    std::copy_n(rest.data(), n, b.end());
    b.size += n;
    rest.remove_prefix(n);
    s.Hand(std::move(b));
  }
  s.Hand(s.Take());  // an empty batch just goes back
  EXPECT_EQ(s.Final(), want);
  // Without a worker the pool recycles at once, however many batches go through it.
  StreamingDigest none({});
  for (size_t i = 0; i < 2 * StreamingDigest::kPool; ++i) {
    StreamingDigest::Batch b = none.Take();
    b.size = 10;
    none.Hand(std::move(b));
  }
  EXPECT_TRUE(none.Final().empty());
}

TEST(StreamingDigest, LaterStreamsReuseTheBatchesOfEarlierOnes) {
  // A stream's batches, once it ends, are the next stream's: the buffer a finished stream gave
  // back (hashed, or still queued when it was destroyed) is the one the next stream takes.
  const std::string data = Bytes(StreamingDigest::kBatch);
  const char* first = nullptr;
  {
    StreamingDigest s(kAll);
    StreamingDigest::Batch b = s.Take();
    first = b.bytes.get();
    std::copy_n(data.data(), data.size(), b.end());
    b.size = data.size();
    s.Hand(std::move(b));
    EXPECT_EQ(s.Final(), OnePass(kAll, data));
  }
  StreamingDigest next(kAll);
  StreamingDigest::Batch b = next.Take();
  EXPECT_EQ(b.bytes.get(), first);
  EXPECT_EQ(b.size, 0u);
  next.Hand(std::move(b));
  EXPECT_EQ(next.Final(), OnePass(kAll, ""));
}

TEST(StreamingDigest, EmptyStreamAndSmallStream) {
  EXPECT_EQ(StreamingDigest({"md5", "crc32"}).Final(), OnePass({"md5", "crc32"}, ""));
  StreamingDigest s({"sha256"});
  s.Update("abc");
  EXPECT_EQ(s.Final(), OnePass({"sha256"}, "abc"));
}

TEST(StreamingDigest, UnknownAndRepeatedNamesAreSkipped) {
  StreamingDigest s({"md5", "crc64nvme", "md5", "", "crc32"});
  EXPECT_TRUE(s.Active());
  EXPECT_TRUE(s.Has("md5"));
  EXPECT_TRUE(s.Has("crc32"));
  EXPECT_FALSE(s.Has("crc64nvme"));
  s.Update("hello");
  EXPECT_EQ(s.Final(), OnePass({"md5", "crc32"}, "hello"));
}

TEST(StreamingDigest, NothingKnownMeansNoWorker) {
  StreamingDigest s({"xxhash3"});
  EXPECT_FALSE(s.Active());
  s.Update("ignored");
  EXPECT_TRUE(s.Final().empty());
  StreamingDigest none({});
  EXPECT_FALSE(none.Active());
  EXPECT_TRUE(none.Final().empty());
}

TEST(StreamingDigest, FinalOnceThenEmptyAndUpdatesIgnored) {
  StreamingDigest s({"md5"});
  s.Update("abc");
  EXPECT_EQ(s.Final(), OnePass({"md5"}, "abc"));
  s.Update("more");
  EXPECT_TRUE(s.Final().empty());
}

TEST(StreamingDigest, DestroyedMidStream) {
  // A request abandoned while its body arrives: the worker stops without hashing the rest.
  const std::string block = Bytes(StreamingDigest::kBatch);
  auto s = std::make_unique<StreamingDigest>(kAll);
  for (int i = 0; i < 8; ++i) s->Update(block);
  s.reset();
  SUCCEED();
}

}  // namespace
}  // namespace orgtrail
