#include "env_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>

#include "auth/verify.h"
#include "core/encoding.h"
#include "http/client.h"

namespace orgtrail {
namespace {

std::string FromEnv(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

std::string Text(const pugi::xml_node& root, const char* path) {
  return root.first_element_by_path(path).text().as_string();
}

}  // namespace

int RunEnv(const EnvOptions& o) {
  std::string endpoint =
      o.endpoint.empty() ? FromEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566") : o.endpoint;
  std::string region =
      o.region.empty() ? FromEnv("AWS_REGION", FromEnv("AWS_DEFAULT_REGION", "us-east-1").c_str())
                       : o.region;
  auto url = http::ParseUrl(endpoint);
  if (!url.ok()) {
    std::fprintf(stderr, "orgtrail env: %s\n", url.error().message.c_str());
    return 2;
  }
  std::string role_arn = "arn:aws:iam::" + o.account_id + ":role/" + o.role;
  http::Request req;
  req.method = "POST";
  req.SetTarget(url->target);
  req.headers = {{"Host", url->host + ":" + url->port},
                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + UriEncode(role_arn) +
             "&RoleSessionName=orgtrail-env&DurationSeconds=" + std::to_string(o.duration_seconds);
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auth::SignRequest(req, FromEnv("AWS_ACCESS_KEY_ID", "test"),
                    FromEnv("AWS_SECRET_ACCESS_KEY", "test"), region, "sts", now,
                    FromEnv("AWS_SESSION_TOKEN", ""));
  auto response = http::Send(url->host, url->port, req);
  if (!response.ok()) {
    std::fprintf(stderr, "orgtrail env: %s\n", response.error().message.c_str());
    return 1;
  }
  pugi::xml_document doc;
  doc.load_buffer(response->body.data(), response->body.size());
  if (response->status != 200) {
    pugi::xml_node error = doc.child("ErrorResponse").child("Error");
    std::fprintf(stderr, "orgtrail env: AssumeRole into %s failed: %s: %s\n", role_arn.c_str(),
                 error.child("Code").text().as_string("HTTP error"),
                 error.child("Message").text().as_string(response->body.c_str()));
    return 1;
  }
  pugi::xml_node creds =
      doc.first_element_by_path("AssumeRoleResponse/AssumeRoleResult/Credentials");
  std::string akid = Text(creds, "AccessKeyId");
  if (akid.empty()) {
    std::fprintf(stderr, "orgtrail env: unexpected AssumeRole response: %s\n",
                 response->body.c_str());
    return 1;
  }
  std::printf("export AWS_ACCESS_KEY_ID=%s\n", ShellQuote(akid).c_str());
  std::printf("export AWS_SECRET_ACCESS_KEY=%s\n",
              ShellQuote(Text(creds, "SecretAccessKey")).c_str());
  std::printf("export AWS_SESSION_TOKEN=%s\n", ShellQuote(Text(creds, "SessionToken")).c_str());
  std::printf("export AWS_DEFAULT_REGION=%s\n", ShellQuote(region).c_str());
  std::printf("export AWS_ENDPOINT_URL=%s\n", ShellQuote(endpoint).c_str());
  std::printf("# %s until %s\n", role_arn.c_str(), Text(creds, "Expiration").c_str());
  return 0;
}

}  // namespace orgtrail
