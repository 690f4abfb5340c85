// The audit stage's output: one ApiCall per request that passed authentication, successful,
// failed or denied (spec/wire.md §5.4: authentication failures are not recorded). Published on
// the in-process AuditBus; CloudTrail (src/events) builds its records from it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/value.h"

namespace orgtrail::gateway {

struct ApiCall {
  std::string event_id;       // uuid
  int64_t event_time_ms = 0;  // orgtrail clock
  std::string service;        // "sts"
  std::string event_source;   // "sts.amazonaws.com"
  std::string event_name;     // operation name, "GetCallerIdentity"
  std::string aws_region;
  std::string source_ip;
  std::string user_agent;
  auth::Principal principal;
  std::string recipient_account_id;
  Value request_parameters;  // the parsed input (null when parsing failed)
  Value response_elements;   // the output (null on error)
  std::string error_code;    // as the client saw it
  std::string error_message;
  int http_status = 200;
  std::string request_id;
  bool tls = false;
  std::string host;        // the Host header (tlsDetails.clientProvidedHostHeader)
  bool read_only = false;  // IsReadOnlyOperation(service, event_name)
  // Set by the authorize stage from the operation's target: the ARNs the call acts on and
  // their owner ("" = the caller's account). A different owner makes the call cross-account.
  std::vector<std::string> resources;
  std::string resource_account_id;
};

// CloudTrail's readOnly (spec/cloudtrail.md §5.1): the Get, List, Describe, Head, Lookup,
// Filter and Test operations. The gateway runs every other operation inside a store
// transaction, so that its CloudTrail record commits together with its state change.
bool IsReadOnlyOperation(std::string_view service, std::string_view operation);

// Fan-out of ApiCalls to subscribers (synchronously, in publish order) plus a bounded ring of
// recent calls for the admin API. Subscribers must not block.
//
// The ring is a vector of slots filled once and then overwritten in turn: an ApiCall is over
// 1 KiB, and a queue that allocated a node per call made glibc consolidate its free lists on
// every request. Subscribers are shared as one immutable list, so a call does not copy them.
class AuditBus {
 public:
  using Subscriber = std::function<void(const ApiCall&)>;
  explicit AuditBus(size_t keep_recent = 1000) : keep_(keep_recent) {}
  void Subscribe(Subscriber s);
  void Publish(ApiCall call);
  std::vector<ApiCall> Recent(size_t limit) const;  // newest last
  void Clear();

 private:
  size_t keep_;
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<Subscriber>> subscribers_ =
      std::make_shared<const std::vector<Subscriber>>();
  std::vector<ApiCall> recent_;  // up to keep_ slots; once full, the oldest is at next_
  size_t next_ = 0;
};

Value ApiCallToValue(const ApiCall& call);  // for the admin API and logs

}  // namespace orgtrail::gateway
