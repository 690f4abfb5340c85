// Logs Insights API: StartQuery, GetQueryResults, StopQuery, DescribeQueries (spec/logs.md §6.1).
// Queries run to completion at StartQuery over the requested groups and time range; the result
// is kept in a row (logs_queries) and served by GetQueryResults with status Complete.
#include "core/json.h"
#include "filter/insights.h"
#include "services/logs/errors.h"
#include "services/logs/event_store.h"
#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {
namespace {

using gateway::Call;
namespace insights = filter::insights;

struct Feed {
  insights::Execution* exec;
  const std::vector<SelectStream>* streams;
  std::string log_label;  // <account>:<group>
};

bool FeedEvent(void* ctx, uint32_t stream, const EventRef& e) {
  auto* f = static_cast<Feed*>(ctx);
  insights::Record r;
  r.timestamp_ms = e.key.timestamp;
  r.ingestion_time_ms = e.key.ingestion;
  r.message = e.message;
  r.log_stream = (*f->streams)[stream].name;
  r.log_group = f->log_label;
  f->exec->Add(r);
  return true;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html
Result<Value> StartQuery(Call& call, const Value& input) {
  std::string language = input.GetString("queryLanguage", "CWLI");
  if (language != "CWLI") {
    return errors::InvalidParameter("orgtrail supports only the CWLI query language.");
  }
  std::vector<std::string> names;
  if (const Value* n = input.Find("logGroupName")) names.push_back(n->AsString());
  for (const Value& n : input["logGroupNames"].AsList()) names.push_back(n.AsString());
  for (const Value& id : input["logGroupIdentifiers"].AsList()) {
    names.push_back(GroupNameOf(Value::MakeMap().Set("logGroupIdentifier", id)));
  }
  if (names.empty()) {
    return errors::InvalidParameter(
        "Either logGroupName, logGroupNames or logGroupIdentifiers must be specified.");
  }
  std::vector<GroupRow> groups;
  for (const std::string& n : names) {
    auto g = LoadGroup(call, n);
    if (!g.ok()) {
      return errors::ResourceNotFound(
          "Log group '" + n + "' does not exist for account ID '" + call.account_id() +
          "' (Service: AWSLogs; Status Code: 400; Error Code: ResourceNotFoundException; "
          "Request ID: " +
          call.request_id + "; Proxy: null)");
    }
    groups.push_back(*std::move(g));
  }
  std::string query_string = input.GetString("queryString");
  ORGTRAIL_TRY(insights::Query query, insights::Query::Parse(query_string));
  int64_t start = input["startTime"].AsInt();
  int64_t end = input["endTime"].AsInt();
  if (end < start) {
    return errors::InvalidParameter("End time should not be before the start time.");
  }
  size_t limit = static_cast<size_t>(input["limit"].AsInt(10000));
  insights::Execution exec(query, limit);
  for (const GroupRow& g : groups) {
    std::vector<SelectStream> streams;
    for (store::Row& row : call.env.store.Scan(kStreamsTable, g.Key() + ":")) {
      std::string n = row.key.substr(g.Key().size() + 1);
      streams.push_back({std::move(row.key), std::move(n)});
    }
    Feed feed{&exec, &streams, g.account + ":" + g.name};
    int64_t from = std::max(start * 1000, g.RetentionCutoff(call.NowMillis()));
    ForEachEvent(call.env.store, streams, from, end * 1000 + 999, FeedEvent, &feed);
  }
  Value results = Value::MakeList();
  for (const insights::ResultRow& row : exec.Results()) {
    Value fields = Value::MakeList();
    for (const auto& [f, v] : row) fields.Append(Value::MakeMap().Set("field", f).Set("value", v));
    results.Append(std::move(fields));
  }
  auto stats = exec.GetStats();
  std::string id = call.env.ids.Uuid();
  std::string rewritten;
  for (const GroupRow& g : groups) rewritten += "SOURCE \"" + g.name + "\" ";
  rewritten +=
      "START=" + std::to_string(start) + "000 END=" + std::to_string(end) + "999 | " + query_string;
  Value row =
      Value::MakeMap()
          .Set("queryId", id)
          .Set("queryString", rewritten)
          .Set("logGroupName", groups.front().name)
          .Set("createTime", call.NowMillis())
          .Set("results", std::move(results))
          .Set("statistics", Value::MakeMap()
                                 .Set("recordsMatched", stats.records_matched)
                                 .Set("recordsScanned", stats.records_scanned)
                                 .Set("estimatedRecordsSkipped", 0.0)
                                 .Set("bytesScanned", stats.bytes_scanned)
                                 .Set("estimatedBytesSkipped", 0.0)
                                 .Set("logGroupsScanned", static_cast<double>(groups.size())));
  ORGTRAIL_CHECK(call.env.store.Put(kQueriesTable, GroupKey(call.account_id(), call.region, id),
                                    row.ToJson()));
  return Value::MakeMap().Set("queryId", id);
}

Result<Value> LoadQuery(Call& call, const Value& input) {
  auto text = call.env.store.Get(
      kQueriesTable, GroupKey(call.account_id(), call.region, input.GetString("queryId")));
  if (!text) return errors::ResourceNotFound("Query does not exist.");
  return ParseJson(*text);
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html
Result<Value> GetQueryResults(Call& call, const Value& input) {
  ORGTRAIL_TRY(Value row, LoadQuery(call, input));
  return Value::MakeMap()
      .Set("queryLanguage", "CWLI")
      .Set("results", row["results"])
      .Set("statistics", row["statistics"])
      .Set("status", "Complete");
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StopQuery.html
Result<Value> StopQuery(Call& call, const Value& input) {
  ORGTRAIL_TRY(Value row, LoadQuery(call, input));
  return Value::MakeMap().Set("success", false);
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueries.html
Result<Value> DescribeQueries(Call& call, const Value& input) {
  std::string group = input.GetString("logGroupName");
  std::string status = input.GetString("status");
  Value list = Value::MakeList();
  for (const store::Row& r :
       call.env.store.Scan(kQueriesTable, GroupKey(call.account_id(), call.region, ""))) {
    auto v = ParseJson(r.value);
    if (!v.ok()) continue;
    if (!group.empty() && v->GetString("logGroupName") != group) continue;
    if (!status.empty() && status != "Complete") continue;
    list.Append(Value::MakeMap()
                    .Set("queryLanguage", "CWLI")
                    .Set("queryId", (*v)["queryId"])
                    .Set("queryString", (*v)["queryString"])
                    .Set("status", "Complete")
                    .Set("createTime", (*v)["createTime"])
                    .Set("logGroupName", (*v)["logGroupName"]));
  }
  return Value::MakeMap().Set("queries", std::move(list));
}

constexpr gateway::OperationRow kInsightsOps[] = {
    {"StartQuery", StartQuery},
    {"GetQueryResults", GetQueryResults},
    {"StopQuery", StopQuery},
    {"DescribeQueries", DescribeQueries},
};

}  // namespace

void RegisterInsightsOps(gateway::Registry& registry) { registry.Register("logs", kInsightsOps); }

}  // namespace orgtrail::services::logs
