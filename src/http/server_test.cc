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

#include "core/crypto.h"
#include "core/encoding.h"

namespace orgtrail::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr int kReadTimeoutMs = 5000;

// A server on 127.0.0.1:<ephemeral>, running on its own thread until the fixture ends.
class RunningServer {
 public:
  explicit RunningServer(RequestHandler handler, ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options, std::move(handler));
    Status st = server_->Listen();
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    thread_ = std::thread([this] {
      server_->Run();
      returned_ = true;
    });
  }
  ~RunningServer() { StopAndJoin(); }

  void StopAndJoin() {
    if (!thread_.joinable()) return;
    server_->Stop();
    thread_.join();
  }
  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  bool returned() const { return returned_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (beast::iequals(k, name)) return v;
    return std::nullopt;
  }
};

// A blocking Asio client with a read timeout (poll before each read), so a server bug fails the
// test instead of hanging it.
class Client {
 public:
  explicit Client(int port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void Send(std::string_view bytes) {
    net::write(socket_, net::buffer(bytes.data(), bytes.size()));
  }

  // Reads one response; `head` skips the body as for a HEAD request. nullopt on timeout/EOF.
  std::optional<ClientResponse> Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.eager(true);
    parser.body_limit(64 << 20);
    for (;;) {
      if (!pending_.empty()) {
        beast::error_code ec;
        size_t n = parser.put(net::buffer(pending_), ec);
        pending_.erase(0, n);
        if (ec && ec != bhttp::error::need_more) return std::nullopt;
        if (parser.is_done()) break;
      }
      if (!Fill()) return std::nullopt;
    }
    ClientResponse r;
    auto msg = parser.release();
    r.status = msg.result_int();
    for (const auto& f : msg)
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = std::move(msg.body());
    return r;
  }

  // True when the server has closed the connection (EOF or reset) within the timeout.
  bool Closed(int timeout_ms = kReadTimeoutMs) {
    pending_.clear();
    for (;;) {
      pollfd p{socket_.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      char buf[4096];
      beast::error_code ec;
      size_t n = socket_.read_some(net::buffer(buf), ec);
      if (ec) return true;
      if (n == 0) return true;
    }
  }

 private:
  bool Fill() {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, kReadTimeoutMs) <= 0) return false;
    char buf[16384];
    beast::error_code ec;
    size_t n = socket_.read_some(net::buffer(buf), ec);
    if (ec || n == 0) return false;
    pending_.append(buf, n);
    return true;
  }

  net::io_context ioc_;
  tcp::socket socket_;
  std::string pending_;
};

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

// A private directory for spooled bodies.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "orgtrail-http-XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  size_t Files() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path_)) ++n;
    return n;
  }

 private:
  std::string path_;
};

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
  TempDir dir;
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
  TempDir dir;
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
  TempDir dir;
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
