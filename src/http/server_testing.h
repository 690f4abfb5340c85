// Test support for the HTTP server's tests: a Server on an ephemeral port and a plain Asio
// client that writes raw bytes, so every framing detail (chunked, 100-continue, keep-alive) is
// visible.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace orgtrail::http::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

inline constexpr int kReadTimeoutMs = 5000;

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

}  // namespace orgtrail::http::testing
