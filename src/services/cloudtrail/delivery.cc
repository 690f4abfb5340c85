#include "services/cloudtrail/delivery.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"
#include "events/journal.h"
#include "events/selectors.h"
#include "identity/iam.h"
#include "identity/organizations.h"
#include "services/cloudtrail/checks.h"
#include "services/cloudtrail/delivery_internal.h"
#include "services/cloudtrail/gzip.h"
#include "services/cloudtrail/signing.h"

namespace orgtrail::services::cloudtrail {
namespace {

constexpr size_t kReadBatch = 5000;
constexpr size_t kMaxCwlEventBytes = 256 * 1024;
constexpr size_t kCwlEventOverhead = 26;
constexpr size_t kCwlMaxBatchEvents = 10000;
constexpr size_t kCwlMaxBatchBytes = 1048576;
constexpr int64_t kCwlMaxBatchSpanMs = 24 * 3600 * 1000 - 1;
// A read-only call's record is journaled up to 100 ms after the call (group commit).
constexpr int64_t kLateCommitMs = 1000;
constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Services whose events are global (recorded in us-east-1).
bool IsGlobalSource(std::string_view source) {
  return source == "iam.amazonaws.com" || source == "organizations.amazonaws.com";
}

events::TrailSelectors SelectorsOf(const Trail& trail) {
  if (trail.event_selectors.is_null()) return events::TrailSelectors{};
  return events::SelectorsFromValue(Value::MakeMap().Set(
      trail.advanced ? "AdvancedEventSelectors" : "EventSelectors", trail.event_selectors));
}

std::string Pad(uint64_t seq) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%020llu", static_cast<unsigned long long>(seq));
  return buf;
}

}  // namespace

void Delivery::Start() {
  if (env_.journal != nullptr)
    env_.journal->OnAppend([this] {
      std::lock_guard<std::mutex> lock(mu_);
      woken_ = true;
      cv_.notify_one();
    });
  thread_ = std::thread([this] { Run(); });
}

void Delivery::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void Delivery::Reset() {
  std::lock_guard<std::mutex> a(s3_mu_);
  std::lock_guard<std::mutex> b(cwl_mu_);
  covers_cache_.clear();
  streams_.clear();
}

void Delivery::Run() {
  using Steady = std::chrono::steady_clock;
  auto last_cwl = Steady::now();
  auto last_s3 = Steady::now();
  int64_t last_hour = env_.clock.NowMillis() / kHourMs;
  DeliverDigests(false);  // hours missed while orgtrail was not running
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_ || woken_; });
      if (stop_) return;
      bool woken = woken_;
      woken_ = false;
      if (woken) {
        // Batch: at most one CloudWatch Logs delivery per interval.
        auto due = last_cwl + std::chrono::milliseconds(options_.cwl_interval_ms);
        if (cv_.wait_until(lock, due, [this] { return stop_; })) return;
      }
    }
    DeliverCloudWatchLogs();
    last_cwl = Steady::now();
    if (Steady::now() - last_s3 >= std::chrono::milliseconds(options_.trail_interval_ms)) {
      DeliverS3();
      DeliverDigests(false);  // full hours, and the final digests of stopped or deleted trails
      last_s3 = Steady::now();
    }
    int64_t hour = env_.clock.NowMillis() / kHourMs;
    if (hour != last_hour) {
      DeliverS3();
      DeliverDigests(false);
      last_hour = hour;
    }
  }
}

Status Delivery::Flush(bool digests) {
  if (env_.journal != nullptr) ORGTRAIL_CHECK(env_.journal->Flush());
  DeliverCloudWatchLogs();
  DeliverS3();
  if (digests) DeliverDigests(true);
  return Ok();
}

uint64_t Delivery::Cursor(std::string_view name) {
  auto text = env_.store.Get(kCursorTable, name);
  if (!text) return 0;
  return std::strtoull(text->c_str(), nullptr, 10);
}

bool Delivery::Covers(const Trail& trail, const std::string& account) {
  if (!trail.organization) return account == trail.owner;
  auto it = covers_cache_.find(account);
  if (it == covers_cache_.end()) {
    auto org = env_.orgs.OrganizationOf(account);
    it = covers_cache_.emplace(account, org ? org->management_account_id : "").first;
  }
  return it->second == trail.owner;
}

bool Delivery::Receives(const Trail& trail, const TrailStatus& status,
                        const events::JournalEntry& entry) {
  // Events of the logging period, also when delivered after StopLogging.
  if (status.start_ms == 0 || entry.event_time_ms < status.start_ms) return false;
  if (!status.is_logging && entry.event_time_ms > status.stop_ms) return false;
  if (!Covers(trail, entry.account_id)) return false;
  if (IsGlobalSource(entry.event_source)) {
    if (!trail.include_global || (!trail.multi_region && trail.home_region != "us-east-1"))
      return false;
  } else if (!CoversRegion(trail, entry.region)) {
    return false;
  }
  return events::MatchesSelectors(SelectorsOf(trail), entry.Facts());
}

Status Delivery::PutLogFile(const Trail& trail, const std::string& account,
                            const std::string& region, const std::vector<std::string>& records,
                            int64_t oldest_ms, int64_t newest_ms) {
  int64_t now = env_.clock.NowMillis();
  std::string body = "{\"Records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) body += ',';
    body += records[i];
  }
  body += "]}";
  std::string stamp = FormatAmzDate(now);  // 20261126T150012Z
  std::string key = AccountKeyPrefix(trail, account) + "CloudTrail/" + region + "/" +
                    DatePath(now) + "/" + account + "_CloudTrail_" + region + "_" +
                    stamp.substr(0, 13) + "Z_" + env_.ids.Chars(16, kAlnum) + ".json.gz";
  Value input = Value::MakeMap()
                    .Set("Bucket", trail.s3_bucket)
                    .Set("Key", key)
                    .Set("Body", Gzip(body))
                    .Set("ContentType", "application/json")
                    .Set("ACL", "bucket-owner-full-control")
                    .Set("ServerSideEncryption", "AES256");
  auto put = registry_.CallInternal(env_, CloudTrailFor(trail), "s3", "PutObject", input,
                                    trail.home_region, /*authorize=*/true);
  std::string error = put.ok() ? "" : put.error().code;
  ORGTRAIL_CHECK(UpdateStatus(env_.store, trail.Arn(), [&](TrailStatus& s) {
    s.delivery_attempt_ms = now;
    if (error.empty()) {
      s.delivery_ms = now;
      s.delivery_error.clear();
    } else {
      s.delivery_error = error;
    }
  }));
  if (!put.ok()) return std::move(put).error();
  if (trail.validation) {
    std::string chain_key = ChainKey(trail, account, region);
    Chain chain;
    if (auto row = env_.store.Get(kChainTable, chain_key)) {
      auto parsed = ParseJson(*row);
      if (parsed.ok()) chain = Chain::FromRow(*parsed);
    } else {
      chain.period_start_ms = (now / 1000) * 1000;
    }
    chain.log_files.Append(Value::MakeMap()
                               .Set("s3Bucket", trail.s3_bucket)
                               .Set("s3Object", key)
                               .Set("hashValue", Sha256Hex(body))
                               .Set("hashAlgorithm", "SHA-256")
                               .Set("newestEventTime", FormatIso8601Seconds(newest_ms))
                               .Set("oldestEventTime", FormatIso8601Seconds(oldest_ms)));
    ORGTRAIL_CHECK(env_.store.Put(kChainTable, chain_key, chain.ToRow().ToJson()));
  }
  return Ok();
}

void Delivery::DeliverS3() {
  std::lock_guard<std::mutex> lock(s3_mu_);
  covers_cache_.clear();
  // Files refused earlier, first.
  for (const store::Row& row : env_.store.Scan(kPendingTable)) {
    auto parsed = ParseJson(row.value);
    std::optional<Trail> trail;
    if (parsed.ok()) trail = LoadTrail(env_.store, parsed->GetString("trail"));
    if (!trail) {
      (void)env_.store.Delete(kPendingTable, row.key);
      continue;
    }
    std::vector<std::string> records;
    for (const Value& r : (*parsed)["records"].AsList()) records.push_back(r.AsString());
    if (PutLogFile(*trail, parsed->GetString("account"), parsed->GetString("region"), records,
                   (*parsed)["oldest_ms"].AsInt(), (*parsed)["newest_ms"].AsInt())
            .ok())
      (void)env_.store.Delete(kPendingTable, row.key);
  }
  if (env_.journal == nullptr) return;
  // Taken before the trails: every entry up to it was committed while they were as read below.
  const uint64_t committed = env_.journal->LastSeq();
  std::vector<Trail> trails = AllTrails(env_.store);
  std::vector<TrailStatus> statuses;
  bool logging = false;
  for (const Trail& t : trails) {
    statuses.push_back(LoadStatus(env_.store, t.Arn()));
    // A trail stopped since the previous pass still delivers its logging period's records.
    const TrailStatus& st = statuses.back();
    logging = logging || st.is_logging || st.stop_ms >= last_s3_pass_ms_ - kLateCommitMs;
  }
  last_s3_pass_ms_ = env_.clock.NowMillis();
  uint64_t cursor = Cursor("s3");
  if (!logging) {
    // No trail logs, so no entry up to `committed` can be delivered (Receives): skip them unread.
    if (committed > cursor) (void)env_.store.Put(kCursorTable, "s3", std::to_string(committed));
    return;
  }
  while (true) {
    std::vector<events::JournalEntry> entries = env_.journal->ReadAfter(cursor, kReadBatch);
    if (entries.empty()) break;
    struct Group {
      std::vector<std::string> records;
      int64_t oldest = INT64_MAX, newest = 0;
    };
    std::map<std::tuple<size_t, std::string, std::string>, Group> groups;
    for (const events::JournalEntry& e : entries)
      for (size_t i = 0; i < trails.size(); ++i) {
        if (!Receives(trails[i], statuses[i], e)) continue;
        Group& g = groups[{i, e.account_id, e.region}];
        g.records.push_back(e.json);
        g.oldest = std::min(g.oldest, e.event_time_ms);
        g.newest = std::max(g.newest, e.event_time_ms);
      }
    uint64_t last = entries.back().seq;
    std::vector<store::Write> writes;
    for (auto& [k, g] : groups) {
      const Trail& trail = trails[std::get<0>(k)];
      const std::string& account = std::get<1>(k);
      const std::string& region = std::get<2>(k);
      for (size_t from = 0; from < g.records.size(); from += kMaxRecordsPerFile) {
        std::vector<std::string> part(
            g.records.begin() + static_cast<std::ptrdiff_t>(from),
            g.records.begin() +
                static_cast<std::ptrdiff_t>(std::min(g.records.size(), from + kMaxRecordsPerFile)));
        if (PutLogFile(trail, account, region, part, g.oldest, g.newest).ok()) continue;
        Value pending = Value::MakeMap()
                            .Set("trail", trail.Arn())
                            .Set("account", account)
                            .Set("region", region)
                            .Set("oldest_ms", g.oldest)
                            .Set("newest_ms", g.newest);
        Value list = Value::MakeList();
        for (std::string& r : part) list.Append(std::move(r));
        pending.Set("records", std::move(list));
        writes.push_back({std::string(kPendingTable),
                          Pad(last) + "|" + trail.Arn() + "|" + account + "|" + region + "|" +
                              std::to_string(from),
                          pending.ToJson()});
      }
    }
    writes.push_back({std::string(kCursorTable), "s3", std::to_string(last)});
    if (Status st = env_.store.Apply(writes); !st.ok()) {
      log::Warn("cloudtrail: cannot save the delivery cursor: " + st.error().message);
      return;
    }
    cursor = last;
  }
}

void Delivery::DeliverCloudWatchLogs() {
  if (env_.journal == nullptr) return;
  std::lock_guard<std::mutex> lock(cwl_mu_);
  uint64_t cursor = Cursor("cwl");
  // Taken before the trails: every entry up to it was committed while they were as read below.
  const uint64_t committed = env_.journal->LastSeq();
  if (committed <= cursor) return;
  std::vector<Trail> trails;
  std::vector<TrailStatus> statuses;
  for (Trail& t : AllTrails(env_.store)) {
    if (t.cwl_group_arn.empty() || t.cwl_role_arn.empty()) continue;
    TrailStatus s = LoadStatus(env_.store, t.Arn());
    if (!s.is_logging) continue;
    trails.push_back(std::move(t));
    statuses.push_back(s);
  }
  if (trails.empty()) {
    // No trail logs to CloudWatch Logs: skip the entries up to `committed` unread.
    if (Status st = env_.store.Put(kCursorTable, "cwl", std::to_string(committed)); !st.ok())
      log::Warn("cloudtrail: cannot save the CloudWatch Logs cursor: " + st.error().message);
    return;
  }
  while (true) {
    std::vector<events::JournalEntry> entries = env_.journal->ReadAfter(cursor, kReadBatch);
    if (entries.empty()) break;
    cursor = entries.back().seq;
    // (trail index, stream) -> events
    std::map<std::pair<size_t, std::string>, std::vector<std::pair<int64_t, std::string>>> batches;
    {
      std::lock_guard<std::mutex> s3_lock(s3_mu_);  // covers_cache_
      covers_cache_.clear();
      for (const events::JournalEntry& e : entries)
        for (size_t i = 0; i < trails.size(); ++i) {
          if (e.json.size() > kMaxCwlEventBytes || !Receives(trails[i], statuses[i], e)) continue;
          batches[{i, StreamFor(trails[i], trails[i].owner, e.account_id)}].emplace_back(
              e.event_time_ms, e.json);
        }
    }
    for (auto& [k, events] : batches) {
      const Trail& trail = trails[k.first];
      const std::string& stream = k.second;
      std::string region, account, group;
      ParseLogGroupArn(trail.cwl_group_arn, &region, &account, &group);
      int64_t now = env_.clock.NowMillis();
      std::string error;
      auto role = env_.iam.FindRoleByArn(trail.cwl_role_arn);
      if (!role) {
        error = "AccessDeniedException";
      } else {
        auth::Principal session = RoleSession(*role);
        std::string stream_key = group + "|" + stream;
        Value target = Value::MakeMap().Set("logGroupName", group).Set("logStreamName", stream);
        if (streams_.count(stream_key) == 0) {
          auto created = registry_.CallInternal(env_, session, "logs", "CreateLogStream", target,
                                                region, /*authorize=*/true);
          if (created.ok() || created.error().code == "ResourceAlreadyExistsException") {
            streams_.insert(stream_key);
          } else {
            error = created.error().code;
          }
        }
        if (error.empty()) {
          std::stable_sort(events.begin(), events.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
          // PutLogEvents limits: 10,000 events, 1,048,576 bytes (message + 26 each), 24 hours.
          size_t from = 0;
          while (error.empty() && from < events.size()) {
            Value list = Value::MakeList();
            size_t bytes = 0;
            size_t to = from;
            for (; to < events.size(); ++to) {
              size_t size = events[to].second.size() + kCwlEventOverhead;
              if (to > from &&
                  (to - from >= kCwlMaxBatchEvents || bytes + size > kCwlMaxBatchBytes ||
                   events[to].first - events[from].first >= kCwlMaxBatchSpanMs))
                break;
              bytes += size;
              list.Append(Value::MakeMap()
                              .Set("timestamp", events[to].first)
                              .Set("message", events[to].second));
            }
            from = to;
            Value input = target;
            input.Set("logEvents", std::move(list));
            auto put = registry_.CallInternal(env_, session, "logs", "PutLogEvents", input, region,
                                              /*authorize=*/true);
            if (!put.ok()) {
              error = put.error().code;
              if (error == "ResourceNotFoundException") streams_.erase(stream_key);
            }
          }
        }
      }
      (void)UpdateStatus(env_.store, trail.Arn(), [&](TrailStatus& s) {
        if (error.empty()) {
          s.cwl_ms = now;
          s.cwl_error.clear();
        } else {
          s.cwl_error = error;
        }
      });
    }
  }
  if (Status st = env_.store.Put(kCursorTable, "cwl", std::to_string(cursor)); !st.ok())
    log::Warn("cloudtrail: cannot save the CloudWatch Logs cursor: " + st.error().message);
}

}  // namespace orgtrail::services::cloudtrail
