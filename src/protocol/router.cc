// Service and operation selection (spec/wire.md §3.1, §3.2). The admin API (/_orgtrail/) is
// recognised by the gateway before it calls RouteRequest.
#include "core/encoding.h"
#include "protocol/codec.h"
#include "protocol/internal.h"

namespace orgtrail::protocol {
namespace {

bool IsFormBody(const http::Request& req) {
  const std::string* ct = req.FindHeader("Content-Type");
  if (ct == nullptr) return false;
  std::string_view v = Trim(*ct);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  return v.size() >= kForm.size() && IEquals(v.substr(0, kForm.size()), kForm);
}

// Query string and form body, decoded, the query string first (the body wins on repeats).
Params CollectParams(const http::Request& req) {
  Params params = ParseQueryString(req.query, /*plus_as_space=*/true);
  if (req.method == "POST" && IsFormBody(req)) {
    Params body = ParseQueryString(req.body, /*plus_as_space=*/true);
    params.insert(params.end(), std::make_move_iterator(body.begin()),
                  std::make_move_iterator(body.end()));
  }
  return params;
}

const std::string* FindParam(const Params& params, std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : params)
    if (k == name) found = &v;  // last one wins, as in the Query parser
  return found;
}

// Rule 2: SNS subscription links, served without authentication.
bool RouteSnsPublic(const http::Request& req, const spec::Catalog& catalog, Route& route) {
  if (req.method != "GET") return false;
  std::string_view path = req.path;
  std::string name;
  Params params;
  if (path == "/" || path.empty()) {
    if (req.query.find("Action=") == std::string::npos) return false;
    params = ParseQueryString(req.query, true);
    const std::string* action = FindParam(params, "Action");
    if (action == nullptr || (*action != "ConfirmSubscription" && *action != "Unsubscribe"))
      return false;
    name = *action;
  } else if (path == "/confirmation.html" || path == "/unsubscribe.html" ||
             (StartsWith(path, "/SimpleNotificationService-") && EndsWith(path, ".pem"))) {
    name = std::string(path.substr(1));
    params = ParseQueryString(req.query, true);
  } else {
    return false;
  }
  const spec::Service* sns = catalog.FindBySigningName("sns");
  if (sns == nullptr) return false;
  route.service = sns;
  route.protocol = spec::Protocol::kQuery;
  route.unauthenticated = true;
  route.operation_name = name;
  route.operation = sns->FindOperation(name);
  route.query_params = std::move(params);
  return true;
}

bool IsSigV2(const http::Request& req) {
  const std::string* auth = req.FindHeader("Authorization");
  if (auth != nullptr && StartsWith(*auth, "AWS ")) return true;
  if (req.query.find("Signature=") == std::string::npos) return false;
  Params params = ParseQueryString(req.query, true);
  return FindParam(params, "AWSAccessKeyId") != nullptr &&
         FindParam(params, "Signature") != nullptr;
}

// Rule 5: real AWS host names reached through the TLS proxy.
const spec::Service* ServiceFromHost(const http::Request& req, const spec::Catalog& catalog) {
  const std::string* host_header = req.FindHeader("Host");
  if (host_header == nullptr) return nullptr;
  std::string host = ToLower(Trim(*host_header));
  if (!host.empty() && host[0] != '[') host = host.substr(0, host.find(':'));
  constexpr std::string_view kSuffix = ".amazonaws.com";
  if (!EndsWith(host, kSuffix)) return nullptr;
  std::vector<std::string_view> labels =
      Split(std::string_view(host).substr(0, host.size() - kSuffix.size()), '.');
  if (labels.empty() || labels[0].empty()) return nullptr;
  if (StartsWith(labels[0], "stream-")) return catalog.FindBySigningName("logs");
  for (std::string_view label : labels)
    if (label == "s3" || StartsWith(label, "s3-")) return catalog.FindBySigningName("s3");
  if (labels[0] == "queue") return catalog.FindBySigningName("sqs");
  return catalog.FindBySigningName(labels[0]);
}

bool IsLambdaPath(std::string_view p) {
  // ^/20\d\d-\d\d-\d\d/functions
  constexpr std::string_view kShape = "/20dd-dd-dd/functions";
  if (p.size() < kShape.size()) return false;
  for (size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' && i < 11) {
      if (p[i] < '0' || p[i] > '9') return false;
    } else if (p[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

// The model holding Query codes for a query-compatible JSON service (itself when it also speaks
// Query, else its legacy Query model: sqs -> sqs-query).
const spec::Service* QueryModelFor(const spec::Service& svc, const spec::Catalog& catalog) {
  if (svc.Speaks(spec::Protocol::kQuery)) return &svc;
  const spec::Service* q = catalog.FindQueryByVersion(svc.api_version);
  return q != nullptr && q->name == svc.name ? q : nullptr;
}

void RouteJson(std::string_view target, const spec::Catalog& catalog, Route& route) {
  route.protocol = spec::Protocol::kJson;
  size_t dot = target.rfind('.');
  std::string_view prefix = dot == std::string_view::npos ? target : target.substr(0, dot);
  route.operation_name =
      dot == std::string_view::npos ? std::string() : std::string(target.substr(dot + 1));
  route.service = catalog.FindByTargetPrefix(prefix);
  if (route.service == nullptr) return;
  route.operation = route.service->FindOperation(route.operation_name);
  if (route.service->query_compatible) route.query_model = QueryModelFor(*route.service, catalog);
}

void RouteQuery(const http::Request& req, const spec::Service* service, Params params,
                Route& route) {
  route.protocol = spec::Protocol::kQuery;
  const std::string* action = FindParam(params, "Action");
  route.operation_name = action ? *action : std::string();
  route.service = service;
  if (service != nullptr) {
    route.operation = service->FindOperation(route.operation_name);
    // Older SQS SDKs post to the queue URL path and omit QueueUrl (spec/wire.md §2).
    if (service->name == "sqs" && req.path.size() > 1 && FindParam(params, "QueueUrl") == nullptr)
      params.emplace_back("QueueUrl", std::string(req.secure ? "https://" : "http://") +
                                          req.HeaderOr("Host", "localhost") + req.path);
  }
  route.query_params = std::move(params);
}

void RouteRestService(const http::Request& req, const spec::Service* service, Route& route) {
  route.service = service;
  if (service == nullptr) return;
  route.protocol = service->protocol;
  internal::RouteRest(req, *service, route);
}

}  // namespace

Route RouteRequest(const http::Request& req, const spec::Catalog& catalog,
                   std::string_view scope_service) {
  Route route;
  if (RouteSnsPublic(req, catalog, route)) return route;

  // Rules 3-5: the service named by the credential scope, a SigV2 signature or the host name.
  const spec::Service* named = nullptr;
  if (!scope_service.empty()) named = catalog.FindBySigningName(scope_service);
  if (named == nullptr && IsSigV2(req)) named = catalog.FindBySigningName("s3");
  if (named == nullptr) named = ServiceFromHost(req, catalog);
  if (named != nullptr && (named->protocol == spec::Protocol::kRestXml ||
                           named->protocol == spec::Protocol::kRestJson)) {
    RouteRestService(req, named, route);
    return route;
  }

  // Rule 6 and operation selection: the request's shape picks the protocol.
  if (const std::string* target = req.FindHeader("X-Amz-Target")) {
    RouteJson(Trim(*target), catalog, route);
    return route;
  }
  if (named != nullptr) {
    const spec::Service* query =
        named->Speaks(spec::Protocol::kQuery) ? named : QueryModelFor(*named, catalog);
    if (query == nullptr) {  // a JSON-only service without X-Amz-Target: no operation
      route.service = named;
      route.protocol = spec::Protocol::kJson;
      return route;
    }
    Params params = CollectParams(req);
    const std::string* version = FindParam(params, "Version");
    if (version != nullptr && *version != query->api_version) query = nullptr;
    RouteQuery(req, query, std::move(params), route);
    return route;
  }
  Params params = CollectParams(req);
  if (const std::string* action = FindParam(params, "Action"); action != nullptr) {
    const std::string* version = FindParam(params, "Version");
    const spec::Service* service = version ? catalog.FindQueryByVersion(*version) : nullptr;
    RouteQuery(req, service, std::move(params), route);
    return route;
  }
  if (IsLambdaPath(req.path)) {
    RouteRestService(req, catalog.FindBySigningName("lambda"), route);
    return route;
  }
  RouteRestService(req, catalog.FindBySigningName("s3"), route);
  return route;
}

}  // namespace orgtrail::protocol
