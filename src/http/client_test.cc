#include "http/client.h"

#include <gtest/gtest.h>

#include <thread>

#include "http/server.h"

namespace orgtrail::http {
namespace {

TEST(HttpClient, ParseUrl) {
  auto u = ParseUrl("http://127.0.0.1:4566/a?b=c");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "4566");
  EXPECT_EQ(u->target, "/a?b=c");
  auto plain = ParseUrl("HTTP://localhost");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/");
  auto v6 = ParseUrl("http://[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_FALSE(ParseUrl("https://example.com").ok());
  EXPECT_FALSE(ParseUrl("127.0.0.1:4566").ok());
  EXPECT_FALSE(ParseUrl("http://host:port").ok());
}

TEST(HttpClient, RoundTripAgainstTheServer) {
  ServerOptions options;
  options.port = 0;
  Server server(options, [](Request& req) {
    Response r;
    r.status = 201;
    r.SetHeader("X-Echo-Method", req.method);
    r.body = req.target + "|" + req.body;
    return r;
  });
  ASSERT_TRUE(server.Listen().ok());
  std::thread t([&] { server.Run(); });
  Request req;
  req.method = "PUT";
  req.SetTarget("/x?y=1");
  req.body = "payload";
  auto r = Send("127.0.0.1", std::to_string(server.port()), req);
  server.Stop();
  t.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "/x?y=1|payload");
  ASSERT_NE(r->FindHeader("x-echo-method"), nullptr);
  EXPECT_EQ(*r->FindHeader("x-echo-method"), "PUT");
}

TEST(HttpClient, ConnectionRefusedIsAnError) {
  Request req;
  req.method = "GET";
  req.SetTarget("/");
  auto r = Send("127.0.0.1", "1", req, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ConnectionError");
  EXPECT_NE(r.error().message.find("refused"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace orgtrail::http
