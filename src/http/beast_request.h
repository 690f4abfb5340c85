// The Beast request message orgtrail parses into (internal to src/http): a body type that
// spools to a file past a threshold and hashes what it spools, the parser's limits, and the
// conversion of a parsed message into an http::Request.
#pragma once

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/streaming_digest.h"
#include "http/message.h"
#include "http/server.h"

namespace orgtrail::http::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// The request body: a std::string that does not trust Content-Length for its first allocation
// (a request that claims gigabytes reserves at most kMaxReserve up front and grows as bytes
// really arrive), moved to a file in `spool_dir` as soon as it would pass `threshold` (set per
// request once its header is read; by default a body never spools). A spooled body's `digests`
// are computed as its bytes arrive, on the digest's worker thread.
struct SpoolBody {
  struct value_type {
    std::string data;
    std::shared_ptr<SpooledBody> file;
    std::string spool_dir;
    uint64_t threshold = UINT64_MAX;
    std::vector<std::string> digests;
    std::unique_ptr<StreamingDigest> hasher;
  };
  static std::uint64_t size(const value_type& v) { return v.file ? v.file->size : v.data.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& b) : body_(b) {}

    void init(const boost::optional<std::uint64_t>& length, beast::error_code& ec) {
      if (length) {
        body_.data.reserve(static_cast<size_t>(std::min<std::uint64_t>(*length, kMaxReserve)));
      }
      ec = {};
    }
    template <class ConstBufferSequence>
    size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      size_t n = 0;
      ec = {};
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
           ++it) {
        net::const_buffer b = *it;
        std::string_view piece(static_cast<const char*>(b.data()), b.size());
        if (!body_.file && !body_.spool_dir.empty() &&
            body_.data.size() + piece.size() > body_.threshold) {
          body_.file = SpooledBody::Create(body_.spool_dir);
          if (!body_.file || !body_.file->Append(body_.data)) return Failed(ec, n);
          if (!body_.digests.empty()) {
            body_.hasher = std::make_unique<StreamingDigest>(body_.digests);
            body_.hasher->Update(body_.data);
          }
          std::string().swap(body_.data);
        }
        if (body_.file) {
          if (!body_.file->Append(piece)) return Failed(ec, n);
          if (body_.hasher) body_.hasher->Update(piece);
        } else {
          body_.data.append(piece);
        }
        n += b.size();
      }
      return n;
    }
    void finish(beast::error_code& ec) {
      ec = {};
      if (body_.file && body_.hasher) body_.file->digests = body_.hasher->Final();
      body_.hasher.reset();
    }

   private:
    static size_t Failed(beast::error_code& ec, size_t n) {
      ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
      return n;
    }
    static constexpr std::uint64_t kMaxReserve = 8ULL << 20;
    value_type& body_;
  };
};

using Parser = bhttp::request_parser<SpoolBody>;

inline void ConfigureParser(Parser& p, const ServerOptions& o) {
  p.header_limit(static_cast<std::uint32_t>(std::min<size_t>(o.max_header_bytes, UINT32_MAX)));
  p.body_limit(static_cast<std::uint64_t>(o.max_body_bytes));
}

// The method, target and headers of a message. Beast keeps fields in arrival order with the
// name as it was received.
inline Request HeadOf(const bhttp::request<SpoolBody>& msg) {
  Request req;
  req.method = std::string(msg.method_string());
  req.SetTarget(std::string(msg.target()));
  for (const auto& f : msg) {
    req.headers.push_back({std::string(f.name_string()), std::string(f.value())});
  }
  return req;
}

// Moves a parsed message into the Request the rest of orgtrail sees.
inline Request ToRequest(bhttp::request<SpoolBody>&& msg) {
  Request req = HeadOf(msg);
  req.body = std::move(msg.body().data);
  req.spooled = std::move(msg.body().file);
  return req;
}

// The status for a request that failed to parse.
inline int StatusForParseError(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == boost::system::errc::io_error) return 500;  // the spool file could not be written
  return 400;
}

}  // namespace orgtrail::http::internal
