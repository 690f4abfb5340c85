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
#include "protocol/raw_member.h"
#include "services/cloudtrail/checks.h"
#include "services/cloudtrail/delivery_internal.h"
#include "services/cloudtrail/gzip.h"
#include "services/cloudtrail/signing.h"

namespace orgtrail::services::cloudtrail {
namespace {

constexpr size_t kReadBatch = kMaxRecordsPerFile;
// A gathered log file's pieces (Delivery::S3File): gzip's step, a small heap block to reuse.
constexpr size_t kS3Piece = 64 * 1024;
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
      if (woken_) return;  // a pass is due already, and reads this append too
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
  std::lock_guard<std::mutex> lock(s3_mu_);
  covers_cache_.clear();
  streams_.clear();
  loaded_ = false;  // the cursors are read again (the store was cleared)
  s3_groups_.clear();
  s3_gathered_ = 0;
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
      if (woken_) {
        // Batch: at most one CloudWatch Logs delivery per interval. woken_ stays set until the
        // pass starts, so appends meanwhile do not wake this thread again.
        auto due = last_cwl + std::chrono::milliseconds(options_.cwl_interval_ms);
        if (cv_.wait_until(lock, due, [this] { return stop_; })) return;
      }
      woken_ = false;  // appends from here on are read by this pass or wake the next one
    }
    // Passes follow one another every interval from their starts, so a long pass (S3 files)
    // does not delay the next one: delivery stays close behind the journal's last rows, which it
    // reads from memory while they are held.
    last_cwl = Steady::now();
    int64_t hour = env_.clock.NowMillis() / kHourMs;
    bool s3 = Steady::now() - last_s3 >= std::chrono::milliseconds(options_.trail_interval_ms) ||
              hour != last_hour;
    DeliverPass(s3);
    if (s3) {
      DeliverDigests(false);  // full hours, and the final digests of stopped or deleted trails
      last_s3 = Steady::now();
      last_hour = hour;
    }
  }
}

Status Delivery::Flush(bool digests) {
  if (env_.journal != nullptr) ORGTRAIL_CHECK(env_.journal->Flush());
  DeliverPass(/*s3=*/true);
  if (digests) DeliverDigests(true);
  return Ok();
}

uint64_t Delivery::Cursor(std::string_view name) {
  auto text = env_.store.Get(kCursorTable, name);
  if (!text) return 0;
  return std::strtoull(text->c_str(), nullptr, 10);
}

bool Delivery::Covers(const Trail& trail, std::string_view account) {
  if (!trail.organization) return account == trail.owner;
  auto it = covers_cache_.find(account);
  if (it == covers_cache_.end()) {
    auto org = env_.orgs.OrganizationOf(account);
    it = covers_cache_.emplace(std::string(account), org ? org->management_account_id : "").first;
  }
  return it->second == trail.owner;
}

// A trail as one pass sees it: its status and parsed selectors, read once per pass.
struct Delivery::PassTrail {
  Trail trail;
  std::string arn;
  TrailStatus status;
  events::TrailSelectors selectors;
  bool cwl = false;  // logging to CloudWatch Logs
  std::string cwl_region, cwl_group;
};

bool Delivery::Receives(const PassTrail& p, const events::JournalView& entry) {
  const Trail& trail = p.trail;
  // Events of the logging period, also when delivered after StopLogging.
  if (p.status.start_ms == 0 || entry.event_time_ms < p.status.start_ms) return false;
  if (!p.status.is_logging && entry.event_time_ms > p.status.stop_ms) return false;
  if (!Covers(trail, entry.account_id)) return false;
  if (IsGlobalSource(entry.event_source)) {
    if (!trail.include_global || (!trail.multi_region && trail.home_region != "us-east-1"))
      return false;
  } else if (!CoversRegion(trail, entry.region)) {
    return false;
  }
  return events::MatchesSelectors(p.selectors, entry.Facts());
}

Status Delivery::PutLogFile(const Trail& trail, const std::string& account,
                            const std::string& region, std::span<const std::string> body,
                            int64_t oldest_ms, int64_t newest_ms) {
  int64_t now = env_.clock.NowMillis();
  std::string stamp = FormatAmzDate(now);  // 20261126T150012Z
  std::string key = AccountKeyPrefix(trail, account) + "CloudTrail/" + region + "/" +
                    DatePath(now) + "/" + account + "_CloudTrail_" + region + "_" +
                    stamp.substr(0, 13) + "Z_" + env_.ids.Chars(16, kAlnum) + ".json.gz";
  // The validation hash is of the uncompressed file: computed while compressing.
  std::string hash;
  Value input = Value::MakeMap()
                    .Set("Bucket", trail.s3_bucket)
                    .Set("Key", key)
                    .Set("Body", Gzip(body, trail.validation ? &hash : nullptr))
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
                               .Set("hashValue", std::move(hash))
                               .Set("hashAlgorithm", "SHA-256")
                               .Set("newestEventTime", FormatIso8601Seconds(newest_ms))
                               .Set("oldestEventTime", FormatIso8601Seconds(oldest_ms)));
    ORGTRAIL_CHECK(env_.store.Put(kChainTable, chain_key, chain.ToRow().ToJson()));
  }
  return Ok();
}

// Files refused earlier (kPendingTable), first at every S3 pass.
void Delivery::RetryPendingFiles() {
  for (const store::Row& row : env_.store.Scan(kPendingTable)) {
    auto parsed = ParseJson(row.value);
    std::optional<Trail> trail;
    if (parsed.ok()) trail = LoadTrail(env_.store, parsed->GetString("trail"));
    if (!trail) {
      (void)env_.store.Delete(kPendingTable, row.key);
      continue;
    }
    std::string body;
    if (parsed->Has("body")) {
      body = parsed->GetString("body");
    } else {  // rows written before the file was kept whole: its records
      body = "{\"Records\":[";
      bool first = true;
      for (const Value& r : (*parsed)["records"].AsList()) {
        if (!first) body += ',';
        first = false;
        body += r.AsString();
      }
      body += "]}";
    }
    if (PutLogFile(*trail, parsed->GetString("account"), parsed->GetString("region"), {&body, 1},
                   (*parsed)["oldest_ms"].AsInt(), (*parsed)["newest_ms"].AsInt())
            .ok())
      (void)env_.store.Delete(kPendingTable, row.key);
  }
}

// Puts every gathered log file; a refused one becomes a pending row. Then the S3 cursor is
// what has been read.
void Delivery::PutGatheredFiles() {
  std::map<std::string, Trail> trails;  // as they are now (bucket, prefix, validation)
  if (!s3_groups_.empty())
    for (Trail& t : AllTrails(env_.store)) trails.emplace(t.Arn(), std::move(t));
  std::vector<store::Write> writes;
  size_t n = 0;
  for (auto& [k, g] : s3_groups_) {
    auto it = trails.find(std::get<0>(k));
    if (it == trails.end()) continue;  // deleted since: nothing to deliver to
    const Trail& trail = it->second;
    const std::string& account = std::get<1>(k);
    const std::string& region = std::get<2>(k);
    if (g.open.records > 0) g.full.push_back(std::move(g.open));
    for (S3File& f : g.full) {
      f.body.back() += "]}";
      if (PutLogFile(trail, account, region, f.body, f.oldest, f.newest).ok()) continue;
      std::string body;
      for (const std::string& piece : f.body) body += piece;
      Value pending = Value::MakeMap()
                          .Set("trail", trail.Arn())
                          .Set("account", account)
                          .Set("region", region)
                          .Set("oldest_ms", f.oldest)
                          .Set("newest_ms", f.newest)
                          .Set("body", std::move(body));
      writes.push_back({std::string(kPendingTable),
                        Pad(read_seq_) + "|" + trail.Arn() + "|" + account + "|" + region + "|" +
                            std::to_string(n++),
                        pending.ToJson()});
    }
  }
  s3_groups_.clear();
  s3_gathered_ = 0;
  if (read_seq_ == s3_cursor_ && writes.empty()) return;
  writes.push_back({std::string(kCursorTable), "s3", std::to_string(read_seq_)});
  if (Status st = env_.store.Apply(writes); !st.ok()) {
    log::Warn("cloudtrail: cannot save the delivery cursor: " + st.error().message);
    loaded_ = false;  // read again from the stored cursors
    return;
  }
  s3_cursor_ = read_seq_;
}

// One trail's events for one stream, in as few PutLogEvents as its limits allow (10,000
// events, 1,048,576 bytes of message + 26 each, 24 hours).
void Delivery::PutLogEvents(const PassTrail& p, const std::string& stream,
                            std::vector<std::pair<int64_t, std::string_view>>& events) {
  const Trail& trail = p.trail;
  int64_t now = env_.clock.NowMillis();
  std::string error;
  auto role = env_.iam.FindRoleByArn(trail.cwl_role_arn);
  if (!role) {
    error = "AccessDeniedException";
  } else {
    auth::Principal session = RoleSession(*role);
    std::string stream_key = p.cwl_group + "|" + stream;
    Value target = Value::MakeMap().Set("logGroupName", p.cwl_group).Set("logStreamName", stream);
    if (streams_.count(stream_key) == 0) {
      auto created = registry_.CallInternal(env_, session, "logs", "CreateLogStream", target,
                                            p.cwl_region, /*authorize=*/true);
      if (created.ok() || created.error().code == "ResourceAlreadyExistsException") {
        streams_.insert(stream_key);
      } else {
        error = created.error().code;
      }
    }
    if (error.empty()) {
      std::stable_sort(events.begin(), events.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      size_t from = 0;
      while (error.empty() && from < events.size()) {
        size_t bytes = 0;
        size_t to = from;
        for (; to < events.size(); ++to) {
          size_t size = events[to].second.size() + kCwlEventOverhead;
          if (to > from && (to - from >= kCwlMaxBatchEvents || bytes + size > kCwlMaxBatchBytes ||
                            events[to].first - events[from].first >= kCwlMaxBatchSpanMs))
            break;
          bytes += size;
        }
        // The events in the packed form of PutLogEvents' raw list member (protocol/raw_member.h):
        // one string, no Value per event; they are within its limits by construction.
        protocol::RawListWriter list({"timestamp", "message"}, bytes);
        for (size_t i = from; i < to; ++i) {
          list.Int(events[i].first);
          list.String(events[i].second);
          list.EndElement();
        }
        from = to;
        Value input = target;
        input.Set("logEvents", Value(list.Finish()));
        auto put = registry_.CallInternal(env_, session, "logs", "PutLogEvents", input,
                                          p.cwl_region, /*authorize=*/true);
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

void Delivery::DeliverPass(bool s3) {
  std::lock_guard<std::mutex> lock(s3_mu_);
  covers_cache_.clear();
  if (s3) RetryPendingFiles();
  if (env_.journal == nullptr) return;
  if (!loaded_) {
    s3_cursor_ = Cursor("s3");
    cwl_cursor_ = Cursor("cwl");
    read_seq_ = std::min(s3_cursor_, cwl_cursor_);  // after a restart: read again
    s3_groups_.clear();
    s3_gathered_ = 0;
    loaded_ = true;
  }
  // Taken before the trails: every entry up to it was committed while they were as read below.
  const uint64_t committed = env_.journal->LastSeq();
  if (!s3 && committed <= read_seq_) return;
  std::vector<PassTrail> trails;
  bool receiving = false;
  for (Trail& t : AllTrails(env_.store)) {
    PassTrail p;
    p.status = LoadStatus(env_.store, t.Arn());
    // A trail stopped since the previous pass still delivers its logging period's records.
    if (!p.status.is_logging && p.status.stop_ms < last_pass_ms_ - kLateCommitMs) continue;
    receiving = true;
    p.selectors = SelectorsOf(t);
    p.cwl = p.status.is_logging && !t.cwl_group_arn.empty() && !t.cwl_role_arn.empty();
    if (p.cwl) {
      std::string account;
      ParseLogGroupArn(t.cwl_group_arn, &p.cwl_region, &account, &p.cwl_group);
    }
    p.arn = t.Arn();
    p.trail = std::move(t);
    trails.push_back(std::move(p));
  }
  last_pass_ms_ = env_.clock.NowMillis();
  if (!receiving && read_seq_ < committed) {
    // No trail logs, so no entry up to `committed` can be delivered (Receives): skip them unread.
    read_seq_ = committed;
  }
  events::JournalBatch batch;  // the records are read in place, without a copy of each
  while (read_seq_ < committed) {
    env_.journal->ReadAfter(read_seq_, kReadBatch, batch);
    std::vector<events::JournalView>& entries = batch.entries;
    if (entries.empty()) break;
    // (trail index, stream) -> events (views into `entries`)
    using Events = std::vector<std::pair<int64_t, std::string_view>>;
    std::map<std::pair<size_t, std::string>, Events> batches;
    // Per trail, the stream and the S3 file of the last record's account (and region): records
    // of one account come in runs, so most records find theirs without building a key.
    struct Last {
      std::string account, region;
      Events* events = nullptr;
      S3Group* group = nullptr;
    };
    std::vector<Last> last(trails.size());
    for (const events::JournalView& e : entries) {
      for (size_t i = 0; i < trails.size(); ++i) {
        const PassTrail& p = trails[i];
        if (!Receives(p, e)) continue;
        Last& l = last[i];
        if (l.account != e.account_id) {
          l.account = e.account_id;
          l.events = nullptr;
          l.group = nullptr;
        }
        if (p.cwl && e.seq > cwl_cursor_ && e.json.size() <= kMaxCwlEventBytes) {
          if (l.events == nullptr)
            l.events = &batches[{i, StreamFor(p.trail, p.trail.owner, e.account_id)}];
          l.events->emplace_back(e.event_time_ms, e.json);
        }
        if (e.seq <= s3_cursor_) continue;
        if (l.group == nullptr || l.region != e.region) {
          l.region = e.region;
          l.group = &s3_groups_[{p.arn, std::string(e.account_id), std::string(e.region)}];
        }
        S3File& f = l.group->open;
        if (f.body.empty() || f.body.back().size() + 1 + e.json.size() > kS3Piece) {
          f.body.emplace_back().reserve(std::max(kS3Piece, e.json.size() + 13));
          if (f.records == 0) f.body.back() = "{\"Records\":[";
        }
        std::string& piece = f.body.back();
        if (f.records > 0) piece += ',';
        piece += e.json;
        ++f.records;
        f.oldest = std::min(f.oldest, e.event_time_ms);
        f.newest = std::max(f.newest, e.event_time_ms);
        if (f.records == kMaxRecordsPerFile) l.group->full.push_back(std::exchange(f, S3File{}));
        ++s3_gathered_;
      }
    }
    for (auto& [k, events] : batches) PutLogEvents(trails[k.first], k.second, events);
    read_seq_ = entries.back().seq;
  }
  if (read_seq_ > cwl_cursor_) {
    if (Status st = env_.store.Put(kCursorTable, "cwl", std::to_string(read_seq_)); !st.ok()) {
      log::Warn("cloudtrail: cannot save the CloudWatch Logs cursor: " + st.error().message);
    } else {
      cwl_cursor_ = read_seq_;
    }
  }
  // Log files every trail interval, or sooner when many records are gathered (memory).
  if (s3 || s3_gathered_ >= kMaxRecordsPerFile) PutGatheredFiles();
}

}  // namespace orgtrail::services::cloudtrail
