// Trail delivery (spec/cloudtrail.md §3, §4, §8, §9): reads the CloudTrail journal by sequence
// number and delivers
//  - gzipped {"Records":[...]} log files to each trail's bucket, per (trail, account, region),
//    every --trail-delivery-interval, as cloudtrail.amazonaws.com (the bucket policy decides);
//    a refused file stays pending (LatestDeliveryError) and is retried at the next pass;
//  - one CloudWatch Logs event per record to the trail's group through the trail's role,
//    batched per --cwl-delivery-interval;
//  - signed, chained digest files at every full hour of the orgtrail clock.
// One read pass of the journal feeds both deliveries: each new record is decoded once, each
// trail's selectors decide once whether it receives it; CloudWatch Logs gets the pass's records
// at once (one PutLogEvents per stream, within its limits), S3 log files gather in memory until
// the trail interval (or kMaxRecordsPerFile records) and are then gzipped and hashed in one pass.
// Cursors and pending files are rows (docs/persistence.md), so records journaled before a crash
// are delivered after the restart (what was gathered in memory is read again). One background
// thread (Start), woken by the journal; Flush delivers everything now (POST /_orgtrail/flush).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "core/result.h"
#include "gateway/env.h"
#include "gateway/registry.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::events {
struct JournalView;
}

namespace orgtrail::services::cloudtrail {

inline constexpr std::string_view kCursorTable = "cloudtrail_delivery_cursor";
inline constexpr std::string_view kPendingTable = "cloudtrail_pending_files";
inline constexpr std::string_view kChainTable = "cloudtrail_digest_chains";
inline constexpr size_t kMaxRecordsPerFile = 10000;

struct DeliveryOptions {
  int64_t trail_interval_ms = 5000;
  int64_t cwl_interval_ms = 500;
};

// Digest chains (§4): StartLogging of a trail with log file validation opens a chain for every
// covered account in the home region (an hour without log files still yields a digest);
// StopLogging and DeleteTrail close the trail's chains: the delivery thread writes a final digest
// ending at `now_ms` and ends the chain (the next StartLogging begins a new one).
Status OpenDigestChains(gateway::Env& env, const Trail& trail, int64_t now_ms);
Status CloseDigestChains(gateway::Env& env, const Trail& trail, int64_t now_ms);

class Delivery {
 public:
  Delivery(gateway::Env& env, gateway::Registry& registry, DeliveryOptions options)
      : env_(env), registry_(registry), options_(options) {}
  ~Delivery();  // Stop()
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  // Background thread; registers a wake-up with the journal.
  void Start();
  void Stop();

  // Delivers everything journaled so far (S3 and CloudWatch Logs); with `digests`, closes the
  // current digest period of every chain now.
  Status Flush(bool digests);

  // One read pass: new records to CloudWatch Logs; with `s3`, also the gathered log files to S3
  // (the thread and Flush call this).
  void DeliverPass(bool s3);
  // Digests due at full hours; with `force`, also a digest ending now.
  void DeliverDigests(bool force);

  // Forgets in-memory state (admin reset).
  void Reset();

 private:
  struct PassTrail;  // a trail as one pass sees it (delivery.cc)
  // A log file being gathered: `body` is `{"Records":[` and the records so far.
  struct S3File {
    // The file's text in pieces of at most kS3Piece bytes (records are appended to the last):
    // gathering never copies what is already gathered, and gzip reads the pieces in turn.
    std::vector<std::string> body;
    size_t records = 0;
    int64_t oldest = INT64_MAX, newest = 0;
  };
  struct S3Group {  // per (trail ARN, account, region)
    S3File open;
    std::vector<S3File> full;  // kMaxRecordsPerFile records each
  };

  // Whether `trail` delivers `entry` (§1.6).
  bool Receives(const PassTrail& trail, const events::JournalView& entry);
  bool Covers(const Trail& trail, std::string_view account);
  uint64_t Cursor(std::string_view name);
  // Puts one log file (`body` complete); false when S3 refused it.
  Status PutLogFile(const Trail& trail, const std::string& account, const std::string& region,
                    std::span<const std::string> body, int64_t oldest_ms, int64_t newest_ms);
  void RetryPendingFiles();
  void PutGatheredFiles();
  void PutLogEvents(const PassTrail& trail, const std::string& stream,
                    std::vector<std::pair<int64_t, std::string_view>>& events);
  void Run();

  gateway::Env& env_;
  gateway::Registry& registry_;
  DeliveryOptions options_;
  // One pass (or digest pass) at a time; guards the members below it.
  std::mutex s3_mu_;
  std::map<std::string, std::string, std::less<>> covers_cache_;  // account -> management ("" none)
  std::set<std::string> streams_;                                 // group|stream known to exist
  int64_t last_pass_ms_ = 0;                                      // clock time of the last pass
  bool loaded_ = false;                                           // the cursors below were read
  uint64_t read_seq_ = 0;    // journal entries read (gathered for S3, sent to CloudWatch Logs)
  uint64_t s3_cursor_ = 0;   // entries delivered to S3 (the stored "s3" cursor)
  uint64_t cwl_cursor_ = 0;  // entries delivered to CloudWatch Logs (the stored "cwl" cursor)
  std::map<std::tuple<std::string, std::string, std::string>, S3Group> s3_groups_;
  size_t s3_gathered_ = 0;  // records in s3_groups_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace orgtrail::services::cloudtrail
