// Request bodies over the spool threshold: written to a file as they arrive, hashed on the way
// when the body planner asks for digests, and refused before reading when over the plan's limit.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/crypto.h"
#include "core/encoding.h"
#include "http/server.h"
#include "http/server_testing.h"
#include "testing/temp_dir.h"

namespace orgtrail::http {
namespace {

using testing::Client;
using testing::RunningServer;

// Answers with where the body was: "memory:<bytes>" or "file:<bytes read back from the file>".
Response WhereIsTheBody(Request& req) {
  Response r;
  if (!req.spooled) {
    r.body = "memory:" + req.body;
    return r;
  }
  std::string bytes(req.spooled->size, '\0');
  long long n = req.spooled->ReadAt(0, bytes.data(), bytes.size());
  bytes.resize(n < 0 ? 0 : static_cast<size_t>(n));
  r.body = "file:" + bytes;
  return r;
}

TEST(HttpServer, BodiesOverTheThresholdAreSpooledToAFile) {
  TempDir dir("orgtrail-http");
  ServerOptions o;
  o.spool_dir = dir.path();
  o.spool_threshold = 1000;
  RunningServer s(WhereIsTheBody, o);
  Client c(s.port());
  const std::string big(5000, 'x');
  c.Send("PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + big);
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "file:" + big);
  // Chunked, with no length announced: spooled once it passes the threshold.
  c.Send(
      "PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "320\r\n" +
      std::string(800, 'a') + "\r\n320\r\n" + std::string(800, 'b') + "\r\n0\r\n\r\n");
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "file:" + std::string(800, 'a') + std::string(800, 'b'));
  // Small bodies stay in memory.
  c.Send("PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nsmall");
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "memory:small");
  EXPECT_EQ(dir.Files(), 0u);  // each spool file went with its request
}

TEST(HttpServer, SpooledBodiesAreHashedAsTheyArrive) {
  TempDir dir("orgtrail-http");
  ServerOptions o;
  o.spool_dir = dir.path();
  o.spool_threshold = 1000;
  o.body_planner = [](const Request& head) {
    BodyPlan plan;
    plan.max_bytes = 1 << 24;
    plan.spool = true;
    if (head.path == "/hashed") plan.digests = {"md5", "crc32", "no-such-digest"};
    return plan;
  };
  // Answers with the digests the server left on the spooled body, hex.
  RunningServer s(
      [](Request& req) {
        Response r;
        if (!req.spooled) return r;
        for (const auto& [name, raw] : req.spooled->digests)
          r.body += name + "=" + HexEncode(raw) + ";";
        return r;
      },
      o);
  Client c(s.port());
  // The bytes before the threshold (kept in memory until then) count too; pieces of every size.
  std::string big;
  for (int i = 0; i < 3 << 20; ++i) big.push_back(static_cast<char>(i * 7 + i / 1000));
  const std::string want =
      "md5=" + HexEncode(Md5(big)) + ";crc32=" +
      HexEncode(std::string{static_cast<char>(Crc32(big) >> 24),
                            static_cast<char>(Crc32(big) >> 16), static_cast<char>(Crc32(big) >> 8),
                            static_cast<char>(Crc32(big))}) +
      ";";
  c.Send("PUT /hashed HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
         "\r\n\r\n" + big);
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, want);
  // Chunked: the same digests.
  std::string chunked = "PUT /hashed HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t off = 0; off < big.size(); off += 700001) {
    std::string piece = big.substr(off, 700001);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  }
  c.Send(chunked + "0\r\n\r\n");
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, want);
  // No digests asked for: none computed.
  c.Send("PUT /plain HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'p'));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(dir.Files(), 0u);
}

TEST(HttpServer, PlannerRefusesALargeBodyBeforeReadingIt) {
  TempDir dir("orgtrail-http");
  ServerOptions o;
  o.spool_dir = dir.path();
  o.spool_threshold = 100;
  std::atomic<int> plans{0};
  o.body_planner = [&](const Request& head) {
    ++plans;
    BodyPlan plan;
    plan.max_bytes = head.path == "/big" ? 100000 : 200;
    plan.spool = head.path == "/big";
    plan.too_large.status = 400;
    plan.too_large.body = "too large for " + head.path;
    return plan;
  };
  RunningServer s(WhereIsTheBody, o);
  {
    Client c(s.port());
    c.Send(
        "PUT /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 5000\r\n\r\n");
    auto r = c.Read();  // the final answer, no 100 Continue
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->body, "too large for /small");
    EXPECT_TRUE(c.Closed());
  }
  {
    Client c(s.port());  // chunked: refused once the limit is passed
    c.Send(
        "PUT /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "12c\r\n" +
        std::string(300, 'a') + "\r\n0\r\n\r\n");
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "too large for /small");
  }
  {
    Client c(s.port());  // under the limit but not allowed to spool: in memory
    c.Send("PUT /small HTTP/1.1\r\nHost: x\r\nContent-Length: 150\r\n\r\n" + std::string(150, 'm'));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "memory:" + std::string(150, 'm'));
    c.Send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 150\r\n\r\n" + std::string(150, 'f'));
    r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "file:" + std::string(150, 'f'));
    // Below the threshold the planner is not consulted.
    int before = plans;
    c.Send("PUT /small HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
    r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "memory:ok");
    EXPECT_EQ(plans, before);
  }
  EXPECT_EQ(dir.Files(), 0u);
}

}  // namespace
}  // namespace orgtrail::http
