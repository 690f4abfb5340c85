#include "gateway/gateway.h"

#include <exception>
#include <memory>

#include "core/encoding.h"
#include "core/log.h"
#include "gateway/stages.h"
#include "protocol/codec.h"

namespace orgtrail::gateway {

Gateway::Routed Gateway::ContextFor(const http::Request& req) {
  Routed out;
  out.route = protocol::RouteRequest(req, catalog_, auth::PeekScope(req).service);
  out.s3 = out.route.service && out.route.service->name == "s3";
  out.ctx.request_id = out.s3 ? env_.ids.S3RequestId() : env_.ids.Uuid();
  if (out.s3) out.ctx.host_id = env_.ids.Base64Bytes(48);
  out.ctx.head = req.method == "HEAD";
  return out;
}

http::Response Gateway::Handle(http::Request& req) {
  if (StartsWith(req.path, "/_orgtrail/")) return admin_.Handle(req);

  // route
  Routed routed = ContextFor(req);
  const protocol::Route& route = routed.route;
  const protocol::ResponseContext& ctx = routed.ctx;
  auto fail = [&](const AwsError& e) { return protocol::SerializeError(route, e, ctx); };

  // authenticate (failures are not audited: spec/wire.md §5.4)
  auto authn = Authenticate(env_, req, route);
  if (!authn.ok()) return fail(authn.error());
  if (!route.service || !route.operation) return fail(protocol::UnknownOperationError(route));

  Call call{env_,
            registry_,
            authn->principal,
            route.service->name,
            route.operation_name,
            authn->region,
            ctx.request_id,
            &req};
  ApiCall record;
  record.event_id = env_.ids.Uuid();
  record.event_time_ms = env_.clock.NowMillis();
  record.service = route.service->name;
  record.event_source = EventSource(*route.service);
  record.event_name = route.operation_name;
  record.aws_region = authn->region;
  record.source_ip = req.remote_ip;
  record.user_agent = req.HeaderOr("User-Agent");
  record.principal = authn->principal;
  record.recipient_account_id = authn->principal.account_id;
  record.request_id = ctx.request_id;
  record.tls = req.secure;
  record.host = req.HeaderOr("Host");
  record.read_only = IsReadOnlyOperation(record.service, record.event_name);

  // A call that may change state runs, from its handler up to and including its audit, inside
  // one store transaction: its CloudTrail record (written by the journal's audit subscriber)
  // commits together with its writes, before the response leaves. Parsing and authorization
  // only read committed state, so they run before it, without holding the store. Read-only
  // calls take no transaction; their records are group-committed (src/events/journal.h).
  std::unique_ptr<store::Transaction> transaction;

  // parse -> authorize -> dispatch
  // The input goes into the record once the handler is done with it: moved, not copied (a
  // PutLogEvents batch is up to 1 MB).
  Value input;
  Result<Value> outcome = [&]() -> Result<Value> {
    ORGTRAIL_TRY(input, protocol::ParseInput(req, route));
    const OperationRow* row = registry_.Find(route.service->name, route.operation_name);
    if (!row)
      return AwsError(
          "NotImplemented",
          "orgtrail does not implement " + route.service->service_id + "." + route.operation_name,
          501, false);
    ORGTRAIL_CHECK(Authorize(call, route, *row, input));
    if (!record.read_only) transaction = env_.store.Begin();
    try {
      return row->handler(call, input);
    } catch (const std::exception& e) {
      return InternalFailure(std::string("internal failure: ") + e.what());
    } catch (...) {
      return InternalFailure("internal failure");
    }
  }();
  record.request_parameters = std::move(input);

  // serialize
  http::Response response;
  if (outcome.ok()) {
    response = protocol::SerializeOutput(route, *outcome, ctx);
    record.response_elements = std::move(outcome).value();
  } else {
    response = fail(outcome.error());
    record.error_code = outcome.error().code;
    record.error_message = protocol::ErrorMessage(route, outcome.error());
  }
  record.http_status = response.status;

  if (log::Enabled(log::Level::kDebug))
    log::Debug(req.method + " " + req.target + " -> " + std::to_string(response.status) + " " +
               record.service + "." + record.event_name + " by " + record.principal.arn +
               (record.error_code.empty() ? "" : " (" + record.error_code + ")"));

  // audit
  record.resources = std::move(call.resources);
  record.resource_account_id = std::move(call.resource_account);
  env_.audit.Publish(std::move(record));
  transaction.reset();  // commit
  return response;
}

}  // namespace orgtrail::gateway
