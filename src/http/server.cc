// HTTP/1.1 server on Boost.Asio/Beast (RFC 9110, RFC 9112).
//
// One io_context runs on `threads` threads. Each connection is a Session bound to its own strand:
// read the header (request_parser with the configured limits), answer `Expect: 100-continue`
// (RFC 9110 §10.1.1), read the body in pieces so the idle timeout is a per-read inactivity
// timeout, call the handler synchronously on the strand, write the response, and loop while the
// connection is kept alive (RFC 9112 §9.3). Parsing, chunked decoding and limits are Beast's.
#include "http/server.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/streaming_digest.h"
#include "http/beast_request.h"
#include "http/response_head.h"

namespace orgtrail::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

using internal::ConfigureParser;
using internal::HeadOf;
using internal::Parser;
using internal::SpoolBody;
using internal::StatusForParseError;
using internal::ToRequest;

// Whether the handler asked to close the connection.
bool ResponseCloses(const Response& resp) {
  const std::string* c = resp.FindHeader("Connection");
  return c != nullptr && IEquals(*c, "close");
}

std::string LowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

class Session;

// A session's stream runs on its strand's own type rather than on beast::tcp_stream's
// any_io_executor: every asynchronous read, write and timer of a request would otherwise copy,
// query and destroy a type-erased executor (a few percent of the CPU of a small signed call).
using SessionExecutor = net::strand<net::io_context::executor_type>;
using SessionStream = beast::basic_stream<tcp, SessionExecutor>;
using SessionSocket = SessionStream::socket_type;

// Everything the server shares with its sessions. The acceptor and the stop timer live on one
// strand; sessions each live on their own.
struct ServerState {
  ServerState(ServerOptions o, RequestHandler h) : options(std::move(o)), handler(std::move(h)) {}

  void Accept();
  void DoStop();
  void WaitForSessions(std::chrono::steady_clock::time_point deadline);

  const ServerOptions options;
  const RequestHandler handler;
  std::atomic<bool> stopping{false};
  std::atomic<int> bound_port{0};

  // Live sessions, so that Stop() can close the idle ones. Declared before the io_context so it
  // outlives every session destroyed with the io_context's pending handlers.
  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  net::io_context ioc{std::max(1, options.threads)};
  net::strand<net::io_context::executor_type> strand = net::make_strand(ioc);
  tcp::acceptor acceptor{strand};
  net::steady_timer stop_timer{strand};
};

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr auto kStopGrace = std::chrono::seconds(10);
constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr uint64_t kFileChunk = 256 * 1024;
constexpr size_t kLargeBodyReadBuffer = 64 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(SessionSocket&& socket, ServerState* server)
      : stream_(std::move(socket)), server_(server) {}

  ~Session() {
    std::lock_guard lock(server_->sessions_mu);
    server_->sessions.erase(this);
  }

  void Start() {
    {
      std::lock_guard lock(server_->sessions_mu);
      server_->sessions.emplace(this, weak_from_this());
    }
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called (through the strand) when the server stops: a connection waiting for a new request
  // closes now; one in the middle of a request finishes it and then closes.
  void Shutdown() {
    if (waiting_for_request_ && buffer_.size() == 0) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    }
  }

  SessionExecutor executor() { return stream_.get_executor(); }

 private:
  void Timeout() {
    stream_.expires_after(std::chrono::seconds(server_->options.idle_timeout_seconds));
  }

  void ReadHeader() {
    if (server_->stopping && buffer_.size() == 0) return Close();
    parser_.emplace();
    direct_ = false;
    ConfigureParser(*parser_, server_->options);
    parser_->body_limit(boost::none);  // set per request by PlanBody once the header is read
    too_large_.reset();
    waiting_for_request_ = true;
    Timeout();
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    waiting_for_request_ = false;
    if (ec) return OnReadError(ec);
    if (!parser_->is_done() && !PlanBody()) return;
    const auto& msg = parser_->get();
    if (!parser_->is_done() && msg.version() >= 11) {
      auto expect = msg.find(bhttp::field::expect);
      if (expect != msg.end() && IEquals(expect->value(), "100-continue")) {
        Timeout();
        net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = shared_from_this()](beast::error_code wec, size_t) {
                           if (wec) return self->Close();
                           self->ReadBody();
                         });
        return;
      }
    }
    ReadBody();
  }

  // Sets the body's size limit and spooling for this request (BodyPlanner); answers and returns
  // false when Content-Length already exceeds the limit, before any of the body is read.
  bool PlanBody() {
    const ServerOptions& o = server_->options;
    boost::optional<std::uint64_t> length = parser_->content_length();
    uint64_t limit = o.max_body_bytes;
    bool spool = true;
    std::vector<std::string> digests;
    if ((!length || *length > o.spool_threshold) && o.body_planner) {
      BodyPlan plan = o.body_planner(HeadOf(parser_->get()));
      limit = plan.max_bytes;
      spool = plan.spool;
      too_large_ = std::move(plan.too_large);
      digests = std::move(plan.digests);
    }
    if (length && *length > limit) {
      RejectTooLarge();
      return false;
    }
    parser_->body_limit(limit);
    // Beast reads at most what the buffer holds (64 KiB at most): a large body read into the
    // few hundred bytes the header needed would take a read, a timer and a handler per segment
    // (a 350 KB PutLogEvents body took hundreds of reads). Bodies past 16 KiB (or spooled) get
    // the larger buffer, kept by the connection for its next requests.
    if (!length || *length > std::min<uint64_t>(o.spool_threshold, kLargeBodyReadBuffer / 4))
      buffer_.reserve(kLargeBodyReadBuffer);
    if (spool && !o.spool_dir.empty()) {
      parser_->get().body().spool_dir = o.spool_dir;
      parser_->get().body().threshold = o.spool_threshold;
      parser_->get().body().digests = std::move(digests);
      // A body whose length is known and passes the threshold is read past the parser, straight
      // into the digest's batches (ReadDirect).
      direct_ = length && *length > o.spool_threshold;
      body_left_ = length ? *length : 0;
    }
    return true;
  }

  // A spooled body of known length (no chunked coding): the socket reads go straight into
  // 1 MiB batches from the digest's pool; each full batch is written to the file in one pwrite
  // and then handed to the digest worker, which returns it to the pool once hashed. No copy of
  // the bytes in user space, and no pass through the parser (there is nothing to decode).
  bool StartDirect() {
    SpoolBody::value_type& body = parser_->get().body();
    body.file = SpooledBody::Create(body.spool_dir);
    if (!body.file) return false;
    body.hasher = std::make_unique<StreamingDigest>(body.digests);
    // The body's bytes go to the disk without a copy into the page cache (the receiving
    // thread's largest cost, and under memory pressure a varying one: reclaim); the file
    // systems that refuse O_DIRECT get the page cache.
    odirect_ = false;
    SetDirectIo(true);
    batch_ = body.hasher->Take();
    // What the header's read already brought of the body.
    size_t n = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), body_left_));
    net::buffer_copy(net::buffer(batch_.end(), n), buffer_.data());
    buffer_.consume(n);
    batch_.size += n;
    body_left_ -= n;
    return true;
  }

  void ReadDirect() {
    SpoolBody::value_type& body = parser_->get().body();
    // With O_DIRECT only whole batches are written (page-aligned memory, file offsets and
    // lengths); the last piece of the body is written through the page cache.
    if (odirect_ && body_left_ == 0 && batch_.space() != 0) SetDirectIo(false);
    if (batch_.size > written_ && (!odirect_ || batch_.space() == 0)) {
      if (!WriteBatch()) return DirectFailed();
    }
    if (batch_.space() == 0 || body_left_ == 0) {
      body.hasher->Hand(std::move(batch_));
      batch_ = {};
      written_ = 0;
      if (body_left_ == 0) {
        SetDirectIo(false);  // the handler reads the file at any offset
        direct_ = false;
        body.file->digests = body.hasher->Final();
        body.hasher.reset();
        return Handle();
      }
      batch_ = body.hasher->Take();
    }
    Timeout();
    size_t want = static_cast<size_t>(std::min<uint64_t>(batch_.space(), body_left_));
    stream_.async_read_some(net::buffer(batch_.end(), want),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->OnReadError(ec);
                              self->batch_.size += n;
                              self->body_left_ -= n;
                              self->ReadDirect();
                            });
  }

  // Writes what batch_ holds past written_. Should the file system refuse O_DIRECT writes,
  // goes on through the page cache.
  bool WriteBatch() {
    SpooledBody& file = *parser_->get().body().file;
    const uint64_t before = file.size;
    if (!file.Append(batch_.view().substr(written_))) {
      if (!odirect_) return false;
      SetDirectIo(false);
      written_ += static_cast<size_t>(file.size - before);
      if (!file.Append(batch_.view().substr(written_))) return false;
    }
    written_ = batch_.size;
    return true;
  }

  // Turns O_DIRECT on or off for the spool file; odirect_ says whether it is on.
  void SetDirectIo(bool on) {
    if (odirect_ == on) return;
    int fd = parser_->get().body().file->fd;
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) return;
    if (::fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0) odirect_ = on;
  }

  // The spool file could not be created or written: 500, and nothing of the body is kept.
  void DirectFailed() {
    direct_ = false;
    batch_ = {};
    written_ = 0;
    odirect_ = false;
    parser_->get().body().hasher.reset();
    parser_->get().body().file.reset();
    OnReadError(boost::system::errc::make_error_code(boost::system::errc::io_error));
  }

  void RejectTooLarge() {
    unread_input_ = true;
    response_ = Response{};
    response_.status = 413;
    if (too_large_) response_ = std::move(*too_large_);
    too_large_.reset();
    WriteResponse(/*head_request=*/false, /*keep_alive=*/false, /*http10=*/false);
  }

  // Reads the body one piece at a time so that the idle timeout restarts with every read.
  void ReadBody() {
    if (direct_) return StartDirect() ? ReadDirect() : DirectFailed();
    if (parser_->is_done()) return Handle();
    Timeout();
    bhttp::async_read_some(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) return self->OnReadError(ec);
                             self->ReadBody();
                           });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == bhttp::error::partial_message) {
      return Close();
    }
    // Malformed or over a limit: answer and close (RFC 9112 §2.2).
    if (ec == bhttp::error::body_limit) return RejectTooLarge();
    unread_input_ = true;
    response_ = Response{};
    response_.status = StatusForParseError(ec);
    WriteResponse(/*head_request=*/false, /*keep_alive=*/false, /*http10=*/false);
  }

  void Handle() {
    auto msg = parser_->release();
    bool keep_alive = msg.keep_alive();
    bool http10 = msg.version() < 11;
    bool head = msg.method() == bhttp::verb::head;
    {
      // The request (and a spool file nobody adopted) goes before the response is sent: a
      // client that has the answer finds no temporary file left.
      Request req = ToRequest(std::move(msg));
      req.remote_ip = remote_ip_;
      req.secure = false;
      try {
        response_ = server_->handler(req);
      } catch (...) {
        response_ = Response{};
        response_.status = 500;
      }
    }
    if (ResponseCloses(response_) || server_->stopping) keep_alive = false;
    WriteResponse(head, keep_alive, http10);
  }

  void WriteResponse(bool head_request, bool keep_alive, bool http10) {
    head_ = SerializeHead(response_, head_request, keep_alive, http10);
    if (response_.body_file && !head_request) {
      Timeout();
      return net::async_write(
          stream_, net::buffer(head_),
          [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
            if (ec) return self->Close();
            self->WriteFileChunk(0, keep_alive);
          });
    }
    std::array<net::const_buffer, 2> buffers = {
        net::buffer(head_),
        net::buffer(response_.body.data(), head_request ? 0 : response_.body.size())};
    Timeout();
    net::async_write(stream_, buffers,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                       self->response_ = Response{};
                       self->head_.clear();
                       if (ec) return self->Close();
                       if (!keep_alive) return self->EndConnection();
                       self->ReadHeader();
                     });
  }

  // Streams the response's file body in pieces of kFileChunk bytes: memory stays bounded
  // whatever the object's size, and the idle timeout restarts with every piece.
  void WriteFileChunk(uint64_t done, bool keep_alive) {
    const BodyFile& f = *response_.body_file;
    if (done == f.length) return FinishResponse(keep_alive);
    const BodyFile::Piece& p = f.PieceAt(done, piece_, piece_start_);
    const uint64_t in_piece = done - piece_start_;
    chunk_.resize(static_cast<size_t>(std::min<uint64_t>(kFileChunk, p.length - in_piece)));
    ssize_t n;
    do {
      n = ::pread(p.fd, chunk_.data(), chunk_.size(), static_cast<off_t>(p.offset + in_piece));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return Close();  // the file shrank or failed: the client sees a short body
    Timeout();
    net::async_write(stream_, net::buffer(chunk_.data(), static_cast<size_t>(n)),
                     [self = shared_from_this(), done, keep_alive](beast::error_code ec, size_t w) {
                       if (ec) return self->Close();
                       self->WriteFileChunk(done + w, keep_alive);
                     });
  }

  void FinishResponse(bool keep_alive) {
    response_ = Response{};
    head_.clear();
    chunk_.clear();
    chunk_.shrink_to_fit();
    piece_ = 0;
    piece_start_ = 0;
    if (!keep_alive) return EndConnection();
    ReadHeader();
  }

  void EndConnection() {
    if (unread_input_ || buffer_.size() > 0) return Drain();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    Close();
  }

  // Graceful close: stop sending, then read and discard what the client still sends (bounded),
  // so that unread input does not turn the close into a reset that loses our response.
  void Drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::chrono::seconds(2));
    DrainSome();
  }

  void DrainSome() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) return self->Close();
                              self->DrainSome();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  SessionStream stream_;
  ServerState* server_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  bool direct_ = false;                // the body is read by ReadDirect
  uint64_t body_left_ = 0;             // bytes of that body still to read
  StreamingDigest::Batch batch_;       // the batch its reads fill
  size_t written_ = 0;                 // bytes of batch_ already written to the file
  bool odirect_ = false;               // the spool file is open with O_DIRECT
  std::optional<Response> too_large_;  // the planner's answer to a body over its limit
  Response response_;
  std::string head_;
  std::string chunk_;         // the piece of a file body being written
  size_t piece_ = 0;          // the file of the body being written (BodyFile::PieceAt)
  uint64_t piece_start_ = 0;  // where it starts in the body
  std::string remote_ip_;
  size_t drained_ = 0;
  bool waiting_for_request_ = false;
  bool unread_input_ = false;  // a request was rejected before its end was read
};

void ServerState::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, SessionSocket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), this)->Start();
    if (stopping) return;
    if (ec) {
      // Out of descriptors and the like: back off briefly instead of spinning.
      auto timer = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(50));
      timer->async_wait([this, timer](beast::error_code) {
        if (!stopping) Accept();
      });
      return;
    }
    Accept();
  });
}

void ServerState::DoStop() {
  beast::error_code ec;
  acceptor.close(ec);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) {
    net::post(s->executor(), [s] { s->Shutdown(); });
  }
  WaitForSessions(std::chrono::steady_clock::now() + kStopGrace);
}

// Polls until every session has ended (then the io_context runs out of work and Run() returns),
// or forces the io_context to stop after the grace period.
void ServerState::WaitForSessions(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(sessions_mu);
    if (sessions.empty()) return;
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    ioc.stop();
    return;
  }
  stop_timer.expires_after(std::chrono::milliseconds(5));
  stop_timer.async_wait([this, deadline](beast::error_code ec) {
    if (!ec) WaitForSessions(deadline);
  });
}

}  // namespace

struct Server::Impl : ServerState {
  using ServerState::ServerState;
};

Server::Server(ServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() {
  impl_->ioc.stop();
  beast::error_code ec;
  impl_->acceptor.close(ec);
}

Status Server::Listen() {
  const ServerOptions& o = impl_->options;
  std::string where = o.host + ":" + std::to_string(o.port);
  auto fail = [&](const std::string& why) -> Status {
    return AwsError("ListenFailed", "cannot listen on " + where + ": " + why);
  };
  if (o.port < 0 || o.port > 65535) return fail("invalid port");
  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = net::ip::make_address(o.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, static_cast<unsigned short>(o.port));
  } else {
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(o.host, std::to_string(o.port),
                                    tcp::resolver::numeric_service | tcp::resolver::passive, ec);
    if (ec || results.empty()) return fail("invalid address");
    endpoint = results.begin()->endpoint();
  }
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (ec) return fail(LowerFirst(ec.message()));
  a.set_option(net::socket_base::reuse_address(true), ec);
  a.bind(endpoint, ec);
  if (ec) {
    beast::error_code ignored;
    a.close(ignored);
    return fail(LowerFirst(ec.message()));
  }
  a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    a.close(ignored);
    return fail(LowerFirst(ec.message()));
  }
  impl_->bound_port = a.local_endpoint(ec).port();
  return Ok();
}

int Server::port() const { return impl_->bound_port; }

void Server::Run() {
  if (impl_->acceptor.is_open() && !impl_->stopping) {
    net::post(impl_->strand, [impl = impl_.get()] { impl->Accept(); });
  }
  std::vector<std::thread> workers;
  for (int i = 1; i < impl_->options.threads; ++i) {
    workers.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
    pthread_setname_np(workers.back().native_handle(), "http-io");
  }
  impl_->ioc.run();
  for (auto& t : workers) t.join();
}

void Server::Stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->strand, [impl = impl_.get()] { impl->DoStop(); });
}

}  // namespace orgtrail::http
