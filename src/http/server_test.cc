// The HTTP server over real sockets: a Server on an ephemeral port, driven by a plain Asio client
// that writes raw bytes, so every framing detail (chunked, 100-continue, keep-alive) is visible.
#include "http/server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server_testing.h"

namespace orgtrail::http {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::RunningServer;

// Echoes what the server parsed, so tests can check the Request it built.
Response Echo(Request& req) {
  Response r;
  r.status = 200;
  r.SetHeader("X-Method", req.method);
  r.SetHeader("X-Target", req.target);
  r.SetHeader("X-Path", req.path);
  r.SetHeader("X-Query", req.query);
  r.SetHeader("X-Remote", req.remote_ip);
  std::string names;
  for (const Header& h : req.headers) names += h.name + ",";
  r.SetHeader("X-Header-Names", names);
  r.body = req.body;
  return r;
}

TEST(HttpServer, SimpleGet) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("GET /b/a%20b?list-type=2 HTTP/1.1\r\nHost: x\r\nX-Amz-Date: d\r\nx-lower: v\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("X-Method"), "GET");
  EXPECT_EQ(r->Header("X-Target"), "/b/a%20b?list-type=2");
  EXPECT_EQ(r->Header("X-Path"), "/b/a%20b");
  EXPECT_EQ(r->Header("X-Query"), "list-type=2");
  EXPECT_EQ(r->Header("X-Remote"), "127.0.0.1");
  EXPECT_EQ(r->Header("X-Header-Names"), "Host,X-Amz-Date,x-lower,");  // order and case kept
  EXPECT_EQ(r->Header("Server"), "orgtrail");
  EXPECT_EQ(r->Header("Content-Length"), "0");
  ASSERT_TRUE(r->Header("Date"));
  EXPECT_EQ(r->Header("Date")->size(), 29u);  // Thu, 01 Jan 2026 00:00:00 GMT
  EXPECT_EQ(r->body, "");
}

TEST(HttpServer, PostWithContentLength) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nAction=List");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("X-Method"), "POST");
  EXPECT_EQ(r->body, "Action=List");
  EXPECT_EQ(r->Header("Content-Length"), "11");
}

TEST(HttpServer, ChunkedBodyIsDecoded) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send(
      "PUT /b/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello world");
}

TEST(HttpServer, ExpectContinueGets100BeforeBody) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("PUT /b/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  auto interim = c.Read();  // sent before the client sends any body byte
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  c.Send("data");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "data");
}

TEST(HttpServer, ExpectContinueOverBodyLimitGetsFinal413) {
  ServerOptions o;
  o.max_body_bytes = 10;
  RunningServer s(Echo, o);
  Client c(s.port());
  c.Send("PUT /b/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.Closed());
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  RunningServer s([&](Request& req) {
    ++calls;
    return Echo(req);
  });
  Client c(s.port());
  c.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r1 = c.Read();
  c.Send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  auto r2 = c.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->Header("X-Path"), "/one");
  EXPECT_EQ(r2->Header("X-Path"), "/two");
  EXPECT_EQ(r2->body, "abc");
  EXPECT_FALSE(r2->Header("Connection"));
  EXPECT_EQ(calls, 2);
}

TEST(HttpServer, PipelinedRequestsAnsweredInOrder) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send(
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1"
      "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r1 = c.Read();
  auto r2 = c.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->Header("X-Path"), "/a");
  EXPECT_EQ(r1->body, "1");
  EXPECT_EQ(r2->Header("X-Path"), "/b");
}

TEST(HttpServer, ConnectionCloseIsRespected) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(c.Closed());
}

TEST(HttpServer, Http10ClosesByDefault) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("GET / HTTP/1.0\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.Closed());
}

TEST(HttpServer, OversizedHeaderIsRejected) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  RunningServer s(Echo, o);
  Client c(s.port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.Closed());
}

TEST(HttpServer, MalformedRequestGets400AndClose) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(c.Closed());
}

TEST(HttpServer, HandlerExceptionBecomes500AndServerKeepsServing) {
  RunningServer s([](Request& req) -> Response {
    if (req.path == "/throw") throw std::runtime_error("boom");
    return Echo(req);
  });
  Client c(s.port());
  c.Send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "");
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r2 = c.Read();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
}

TEST(HttpServer, HeadAnnouncesContentLengthWithoutBody) {
  RunningServer s([](Request& req) {
    Response r;
    if (req.method == "HEAD")
      r.content_length = 1234;
    else
      r.body = "full";
    r.SetHeader("ETag", "\"e\"");
    return r;
  });
  Client c(s.port());
  c.Send("HEAD /b/k HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.Read(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("Content-Length"), "1234");
  EXPECT_EQ(r->Header("ETag"), "\"e\"");
  c.Send("GET /b/k HTTP/1.1\r\nHost: x\r\n\r\n");  // no stray body bytes before this answer
  auto r2 = c.Read();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "full");
}

TEST(HttpServer, NoContentHasNoContentLength) {
  RunningServer s([](Request&) {
    Response r;
    r.status = 204;
    return r;
  });
  Client c(s.port());
  c.Send("DELETE /b/k HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->Header("Content-Length"));
}

TEST(HttpServer, HandlerHeadersKeptInOrderAndCase) {
  RunningServer s([](Request&) {
    Response r;
    r.headers = {{"x-amzn-RequestId", "1"}, {"Content-Type", "text/xml"}, {"Date", "fixed"}};
    r.body = "<x/>";
    return r;
  });
  Client c(s.port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  ASSERT_GE(r->headers.size(), 2u);
  EXPECT_EQ(r->headers[0].first, "x-amzn-RequestId");
  EXPECT_EQ(r->headers[1].first, "Content-Type");
  EXPECT_EQ(r->Header("Date"), "fixed");  // not replaced
}

TEST(HttpServer, StopMakesRunReturnAndClosesIdleConnections) {
  RunningServer s(Echo);
  Client c(s.port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.Read());
  auto start = std::chrono::steady_clock::now();
  s.StopAndJoin();
  EXPECT_TRUE(s.returned());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(c.Closed(1000));
}

TEST(HttpServer, StopLetsInFlightResponseFinish) {
  std::atomic<bool> entered{false};
  RunningServer s([&](Request& req) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    return Echo(req);
  });
  Client c(s.port());
  c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!entered) std::this_thread::sleep_for(5ms);
  s.server().Stop();
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("X-Path"), "/slow");
  EXPECT_EQ(r->Header("Connection"), "close");
  s.StopAndJoin();
  EXPECT_TRUE(s.returned());
}

TEST(HttpServer, StopBeforeRunReturnsImmediately) {
  Server server(ServerOptions{.host = "127.0.0.1", .port = 0}, Echo);
  ASSERT_TRUE(server.Listen().ok());
  server.Stop();
  server.Run();  // returns: nothing left to do
  SUCCEED();
}

TEST(HttpServer, IdleConnectionTimesOut) {
  ServerOptions o;
  o.idle_timeout_seconds = 1;
  RunningServer s(Echo, o);
  Client c(s.port());
  EXPECT_TRUE(c.Closed(4000));
}

TEST(HttpServer, PortInUseHasActionableError) {
  RunningServer first(Echo);
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = first.port();
  Server second(o, Echo);
  Status st = second.Listen();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "cannot listen on 127.0.0.1:" + std::to_string(o.port) + ": address already in use");
}

TEST(HttpServer, UnusableAddressHasActionableError) {
  ServerOptions o;
  o.host = "192.0.2.1";  // TEST-NET-1: never a local address
  o.port = 0;
  Server server(o, Echo);
  Status st = server.Listen();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message.rfind("cannot listen on 192.0.2.1:0: ", 0), 0u)
      << st.error().message;
}

TEST(HttpServer, ManyConcurrentClients) {
  ServerOptions o;
  o.threads = 4;
  std::atomic<int> calls{0};
  RunningServer s(
      [&](Request& req) {
        ++calls;
        return Echo(req);
      },
      o);
  constexpr int kClients = 8, kRequests = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      Client c(s.port());
      for (int j = 0; j < kRequests; ++j) {
        std::string body = std::to_string(i) + "-" + std::to_string(j);
        c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body);
        auto r = c.Read();
        if (r && r->body == body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, kClients * kRequests);
  EXPECT_EQ(calls, kClients * kRequests);
}

}  // namespace
}  // namespace orgtrail::http
