// ParseRequestBytes: the server's parser and limits over an in-memory buffer.
#include <gtest/gtest.h>

#include <string>

#include "http/server.h"

namespace orgtrail::http {
namespace {

TEST(ParseRequestBytes, SimpleRequest) {
  auto r = ParseRequestBytes(
      "POST /path/x?Action=A&b= HTTP/1.1\r\nHost: h\r\nX-Amz-Target: T.Op\r\n"
      "content-length: 2\r\n\r\n{}");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->target, "/path/x?Action=A&b=");
  EXPECT_EQ(r->path, "/path/x");
  EXPECT_EQ(r->query, "Action=A&b=");
  ASSERT_EQ(r->headers.size(), 3u);
  EXPECT_EQ(r->headers[1].name, "X-Amz-Target");
  EXPECT_EQ(r->headers[1].value, "T.Op");
  EXPECT_EQ(r->headers[2].name, "content-length");
  EXPECT_EQ(r->body, "{}");
  EXPECT_EQ(r->remote_ip, "");
  EXPECT_FALSE(r->secure);
}

TEST(ParseRequestBytes, UnknownMethodKeptVerbatim) {
  auto r = ParseRequestBytes("PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "PROPFIND");
}

TEST(ParseRequestBytes, ChunkedBodyDecoded) {
  auto r = ParseRequestBytes(
      "PUT /b/k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "abcd");
}

TEST(ParseRequestBytes, HeaderValueWhitespaceTrimmed) {
  auto r = ParseRequestBytes("GET / HTTP/1.1\r\nHost:   h  \r\n\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers[0].value, "h");
}

TEST(ParseRequestBytes, MalformedIsBadRequest) {
  auto r = ParseRequestBytes("GET / HTTP/1.1\r\nno colon here\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "BadRequest");
  EXPECT_EQ(r.error().status, 400);
}

TEST(ParseRequestBytes, IncompleteHeaderIsBadRequest) {
  auto r = ParseRequestBytes("GET / HTTP/1.1\r\nHost: h\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "BadRequest");
}

TEST(ParseRequestBytes, IncompleteBodyIsBadRequest) {
  auto r = ParseRequestBytes("PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "BadRequest");
}

TEST(ParseRequestBytes, HeaderLimit) {
  ServerOptions o;
  o.max_header_bytes = 64;
  auto r = ParseRequestBytes("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 431);
}

TEST(ParseRequestBytes, BodyLimit) {
  ServerOptions o;
  o.max_body_bytes = 3;
  auto r = ParseRequestBytes("PUT / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 413);
  auto chunked = ParseRequestBytes(
      "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", o);
  ASSERT_FALSE(chunked.ok());
  EXPECT_EQ(chunked.error().status, 413);
}

TEST(ParseRequestBytes, HugeClaimedLengthDoesNotAllocateUpFront) {
  // Claims 4 GiB, sends 3 bytes: rejected as incomplete without reserving the claimed size.
  auto r = ParseRequestBytes("PUT / HTTP/1.1\r\nContent-Length: 4294967296\r\n\r\nabc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "BadRequest");
}

TEST(ParseRequestBytes, ConflictingFramingRejected) {
  // Content-Length together with chunked (request smuggling shape) is an error.
  auto r = ParseRequestBytes(
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace orgtrail::http
