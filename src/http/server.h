// HTTP/1.1 server on Boost.Asio/Beast: keep-alive, chunked request bodies, Expect: 100-continue,
// size limits. Knows nothing of AWS: it hands each complete Request to one handler and writes the
// Response back.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"

namespace orgtrail::http {

// What the server may do with the body of a request whose header has arrived: its size limit,
// whether it may be spooled to a file, and the response when it is too large.
struct BodyPlan {
  uint64_t max_bytes = 0;
  bool spool = false;
  Response too_large;  // status 413 and nothing else unless the planner says better
  // Digests (core/crypto.h MultiDigest names) of a spooled body computed while it arrives, on a
  // worker thread (core/streaming_digest.h), and left in SpooledBody::digests.
  std::vector<std::string> digests;
};
// Called (on a server thread) with the request's header (no body) when the body may exceed the
// spool threshold: a Content-Length above it, or a chunked body of unknown length.
using BodyPlanner = std::function<BodyPlan(const Request& head)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 4566;  // 0 = any free port
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 5ULL << 30;  // 5 GiB (S3 PutObject limit)
  int threads = 2;                     // I/O + handler threads
  int idle_timeout_seconds = 300;
  // Bodies above spool_threshold go to a temporary file in spool_dir as they arrive (when the
  // planner allows it); smaller ones stay in memory. Empty spool_dir: never spool. 5 MiB is S3's
  // smallest multipart part: every part of an upload but the last one goes to disk.
  size_t spool_threshold = 5ULL << 20;
  std::string spool_dir = "";
  BodyPlanner body_planner = nullptr;  // unset: max_body_bytes, spooling allowed
};

// The handler runs on a server thread; it may be called concurrently from several threads.
using RequestHandler = std::function<Response(Request& req)>;

class Server {
 public:
  Server(ServerOptions options, RequestHandler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Errors (port taken, bad address) come back with a message a person can
  // act on, e.g. "cannot listen on 127.0.0.1:4566: address already in use".
  Status Listen();
  int port() const;  // the bound port (useful with port 0)
  // Serves until Stop(); returns after in-flight responses are written.
  void Run();
  // Thread-safe; may be called from a signal-handling thread.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses one complete HTTP/1.1 request message from raw bytes with the same parser and limits
// the server uses (for fuzzing and tests). Errors: AwsError{"BadRequest", <reason>}.
Result<Request> ParseRequestBytes(std::string_view bytes, const ServerOptions& options = {});

}  // namespace orgtrail::http
