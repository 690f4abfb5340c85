#include "gateway/admin.h"

#include "core/encoding.h"
#include "core/json.h"
#include "core/time_format.h"
#include "gateway/audit.h"
#include "identity/directory.h"

namespace orgtrail::gateway {
namespace {

http::Response Json(int status, const Value& body) {
  http::Response r;
  r.status = status;
  r.SetHeader("Content-Type", "application/json");
  r.body = body.ToJson();
  return r;
}

http::Response Error(int status, std::string message) {
  return Json(status, Value::MakeMap().Set("error", std::move(message)));
}

}  // namespace

http::Response AdminApi::Handle(const http::Request& req) {
  const std::string path = req.path.substr(std::string_view("/_orgtrail").size());
  const std::string& m = req.method;
  if (path == "/health" && (m == "GET" || m == "HEAD")) return Health();
  if (path == "/reset" && m == "POST") return Reset();
  if (path == "/accounts" && m == "GET") return Accounts();
  if (StartsWith(path, "/accounts/") && EndsWith(path, "/root-access-key") && m == "POST") {
    std::string id =
        path.substr(10, path.size() - 10 - std::string_view("/root-access-key").size());
    return MintRootKey(id);
  }
  if (path == "/clock" && (m == "GET" || m == "POST")) return Clock(req);
  if (path == "/api-calls" && m == "GET") return ApiCalls(req);
  if (path == "/flush" && m == "POST") return Flush(req);
  return Error(404, "no admin endpoint " + m + " " + req.path);
}

http::Response AdminApi::Health() {
  Value services = Value::MakeList();
  for (const std::string& s : registry_.Services()) services.Append(s);
  return Json(200, Value::MakeMap()
                       .Set("status", "running")
                       .Set("version", hooks_.version)
                       .Set("storage", std::string(env_.store.Kind()))
                       .Set("services", std::move(services)));
}

http::Response AdminApi::Reset() {
  Status st = hooks_.reset ? hooks_.reset() : Status(Ok());
  if (!st.ok()) return Error(500, st.error().message);
  return Json(200, Value::MakeMap().Set("reset", true));
}

http::Response AdminApi::Flush(const http::Request& req) {
  bool digests = false;
  for (const auto& [k, v] : ParseQueryString(req.query))
    if (k == "digests") digests = v == "true" || v == "1";
  Status st = hooks_.flush ? hooks_.flush(digests) : Status(Ok());
  if (!st.ok()) return Error(500, st.error().message);
  return Json(200, Value::MakeMap().Set("flushed", true).Set("digests", digests));
}

http::Response AdminApi::Accounts() {
  Value accounts = Value::MakeList();
  for (const identity::Account& a : env_.identity.ListAccounts()) {
    Value root_keys = Value::MakeList();
    for (const identity::AccessKey& k : env_.identity.KeysOfAccount(a.id)) {
      if (k.kind != identity::KeyKind::kRoot) continue;
      root_keys.Append(Value::MakeMap()
                           .Set("AccessKeyId", k.access_key_id)
                           .Set("SecretAccessKey", k.secret)
                           .Set("Status", k.status));
    }
    accounts.Append(Value::MakeMap()
                        .Set("Id", a.id)
                        .Set("Email", a.email)
                        .Set("Name", a.name)
                        .Set("Arn", "arn:aws:iam::" + a.id + ":root")
                        .Set("RootAccessKeys", std::move(root_keys)));
  }
  return Json(200, Value::MakeMap().Set("accounts", std::move(accounts)));
}

http::Response AdminApi::MintRootKey(const std::string& account_id) {
  if (!env_.identity.FindAccount(account_id)) return Error(404, "no account " + account_id);
  auto key = env_.identity.CreateLongTermKey(account_id, identity::KeyKind::kRoot, "");
  if (!key.ok()) return Error(500, key.error().message);
  return Json(200, Value::MakeMap()
                       .Set("AccountId", account_id)
                       .Set("AccessKeyId", key->access_key_id)
                       .Set("SecretAccessKey", key->secret));
}

http::Response AdminApi::Clock(const http::Request& req) {
  if (req.method == "POST") {
    auto body = ParseJson(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
    if (!body.ok() || !body->is_map()) return Error(400, "body must be a JSON object");
    if (const Value* adv = body->Find("advanceSeconds")) {
      if (!adv->is_number() || adv->AsDouble() < 0)
        return Error(400, "advanceSeconds must be a non-negative number");
      env_.clock.Advance(static_cast<int64_t>(adv->AsDouble() * 1000));
    } else if (const Value* now = body->Find("now")) {
      auto ms = ParseIso8601(now->AsString());
      if (!ms) return Error(400, "now must be an ISO 8601 date-time");
      if (!env_.clock.SetNow(*ms)) return Error(400, "the orgtrail clock cannot move backwards");
    } else {
      return Error(400, "expected {\"advanceSeconds\":N} or {\"now\":\"<ISO 8601>\"}");
    }
  }
  int64_t now = env_.clock.NowMillis();
  return Json(200, Value::MakeMap()
                       .Set("now", FormatIso8601Millis(now))
                       .Set("epochMillis", now)
                       .Set("offsetMillis", now - env_.clock.WallMillis()));
}

http::Response AdminApi::ApiCalls(const http::Request& req) {
  size_t limit = 100;
  for (const auto& [k, v] : ParseQueryString(req.query)) {
    if (k == "limit") limit = static_cast<size_t>(std::strtoul(v.c_str(), nullptr, 10));
  }
  Value calls = Value::MakeList();
  for (const ApiCall& c : env_.audit.Recent(limit)) calls.Append(ApiCallToValue(c));
  return Json(200, Value::MakeMap().Set("apiCalls", std::move(calls)));
}

}  // namespace orgtrail::gateway
