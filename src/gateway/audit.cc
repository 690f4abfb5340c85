#include "gateway/audit.h"

#include "core/time_format.h"

namespace orgtrail::gateway {

namespace {

// The request parameters a call keeps in the ring of recent calls: up to this many bytes of
// scalars (an estimate, stopped once it is over). A PutLogEvents of 1,000 events carries ~350
// KB: with its parameters, the ring's 1,000 calls held ~400 MB, every byte of it touched for the
// first time as the ring filled (page faults on the request threads).
constexpr size_t kKeptParameterBytes = 64 * 1024;

size_t ApproxBytes(const Value& v, size_t limit, size_t sum = 0) {
  if (sum > limit) return sum;
  switch (v.kind()) {
    case Value::Kind::kString:
      return sum + v.AsString().size();
    case Value::Kind::kList:
      for (const Value& e : v.AsList())
        if ((sum = ApproxBytes(e, limit, sum + 1)) > limit) break;
      return sum;
    case Value::Kind::kMap:
      for (const auto& [k, e] : v.AsMap())
        if ((sum = ApproxBytes(e, limit, sum + k.size())) > limit) break;
      return sum;
    default:
      return sum + 8;
  }
}

}  // namespace

void AuditBus::Subscribe(Subscriber s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto subscribers = std::make_shared<std::vector<Subscriber>>(*subscribers_);
  subscribers->push_back(std::move(s));
  subscribers_ = std::move(subscribers);
}

void AuditBus::Publish(ApiCall call) {
  std::shared_ptr<const std::vector<Subscriber>> subs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    subs = subscribers_;
  }
  for (const Subscriber& s : *subs) s(call);
  if (keep_ == 0) return;
  if (ApproxBytes(call.request_parameters, kKeptParameterBytes) > kKeptParameterBytes) {
    call.request_parameters =
        Value::MakeMap().Set("orgtrailOmitted", "request parameters over 64 KiB");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (recent_.size() < keep_) {
    recent_.push_back(std::move(call));
  } else {
    recent_[next_] = std::move(call);
    next_ = (next_ + 1) % keep_;
  }
}

std::vector<ApiCall> AuditBus::Recent(size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = std::min(limit, recent_.size());
  std::vector<ApiCall> out;
  out.reserve(n);
  // The newest n in order: slot next_ holds the oldest once the ring is full (next_ is 0 until
  // then, so the slots are in order as they are).
  for (size_t i = recent_.size() - n; i < recent_.size(); ++i)
    out.push_back(recent_[(next_ + i) % recent_.size()]);
  return out;
}

void AuditBus::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  recent_.clear();
  next_ = 0;
}

bool IsReadOnlyOperation(std::string_view /*service*/, std::string_view operation) {
  for (std::string_view prefix : {"Get", "List", "Describe", "Head", "Lookup", "Filter", "Test"}) {
    if (operation.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

Value ApiCallToValue(const ApiCall& c) {
  Value identity = Value::MakeMap().Set("type", auth::UserIdentityType(c.principal.type));
  if (!c.principal.user_id.empty()) identity.Set("principalId", c.principal.user_id);
  if (!c.principal.arn.empty()) identity.Set("arn", c.principal.arn);
  identity.Set("accountId", c.principal.account_id);
  if (!c.principal.access_key_id.empty()) identity.Set("accessKeyId", c.principal.access_key_id);
  if (!c.principal.user_name.empty()) identity.Set("userName", c.principal.user_name);
  Value v = Value::MakeMap()
                .Set("eventID", c.event_id)
                .Set("eventTime", FormatIso8601Seconds(c.event_time_ms))
                .Set("eventSource", c.event_source)
                .Set("eventName", c.event_name)
                .Set("awsRegion", c.aws_region)
                .Set("sourceIPAddress", c.source_ip)
                .Set("userAgent", c.user_agent)
                .Set("userIdentity", std::move(identity))
                .Set("requestParameters", c.request_parameters)
                .Set("responseElements", c.response_elements)
                .Set("requestID", c.request_id)
                .Set("recipientAccountId", c.recipient_account_id)
                .Set("httpStatus", c.http_status);
  if (!c.error_code.empty()) v.Set("errorCode", c.error_code).Set("errorMessage", c.error_message);
  return v;
}

}  // namespace orgtrail::gateway
