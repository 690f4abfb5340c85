#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/encoding.h"

namespace orgtrail::http {

namespace beast = boost::beast;
namespace asio = boost::asio;

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    return AwsError("InvalidUrl", "not a URL: " + std::string(url));
  out.scheme = ToLower(url.substr(0, scheme_end));
  if (out.scheme != "http")
    return AwsError("InvalidUrl", "only http:// endpoints are supported: " + std::string(url));
  std::string_view rest = url.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
    out.port = "80";
  }
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos)
    return AwsError("InvalidUrl", "not a valid http URL: " + std::string(url));
  return out;
}

Result<Response> Send(const std::string& host, const std::string& port, const Request& req,
                      int timeout_seconds) {
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(timeout_seconds));
    stream.connect(resolver.resolve(host, port));

    beast::http::request<beast::http::string_body> out;
    out.method_string(req.method);
    out.target(req.target.empty() ? "/" : req.target);
    out.version(11);
    for (const Header& h : req.headers) out.insert(h.name, h.value);
    if (!req.FindHeader("Host")) out.set(beast::http::field::host, host + ":" + port);
    out.set(beast::http::field::connection, "close");
    out.body() = req.body;
    out.prepare_payload();
    beast::http::write(stream, out);

    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::http::read(stream, buffer, parser);
    auto& in = parser.get();
    Response r;
    r.status = static_cast<int>(in.result_int());
    for (const auto& field : in)
      r.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    r.body = std::move(in.body());
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return r;
  } catch (const boost::system::system_error& e) {
    return AwsError("ConnectionError",
                    "cannot reach http://" + host + ":" + port + ": " + e.code().message());
  } catch (const std::exception& e) {
    return AwsError("ConnectionError",
                    "cannot reach http://" + host + ":" + port + ": " + e.what());
  }
}

}  // namespace orgtrail::http
