// Shared by the log file delivery (delivery.cc) and the digest files (digests.cc): the digest
// chain row of one (trail, account, region) and the S3 key date path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time_format.h"
#include "core/value.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::services::cloudtrail {

inline constexpr int64_t kHourMs = 3600 * 1000;

// 2026/11/26 from a time.
inline std::string DatePath(int64_t ms) {
  std::string d = FormatAmzDate(ms);  // 20261126T150000Z
  return d.substr(0, 4) + "/" + d.substr(4, 2) + "/" + d.substr(6, 2);
}

struct Chain {
  int64_t period_start_ms = 0;
  Value prev_bucket, prev_object, prev_hash, prev_sig;  // null at the start of a chain
  Value log_files = Value::MakeList();
  int64_t close_ms = 0;   // > 0: a final digest ends here, then the chain ends
  int64_t reopen_ms = 0;  // > 0 (with close_ms): a new chain starts here after the final digest
  Value trail;            // with close_ms: the trail row at closing (it may be deleted since)

  Value ToRow() const {
    Value row = Value::MakeMap()
                    .Set("period_start_ms", period_start_ms)
                    .Set("prev_bucket", prev_bucket)
                    .Set("prev_object", prev_object)
                    .Set("prev_hash", prev_hash)
                    .Set("prev_sig", prev_sig)
                    .Set("log_files", log_files);
    if (close_ms > 0) row.Set("close_ms", close_ms).Set("trail", trail);
    if (reopen_ms > 0) row.Set("reopen_ms", reopen_ms);
    return row;
  }
  static Chain FromRow(const Value& v) {
    Chain c;
    c.period_start_ms = v["period_start_ms"].AsInt();
    if (v.Has("close_ms")) c.close_ms = v["close_ms"].AsInt();
    if (v.Has("reopen_ms")) c.reopen_ms = v["reopen_ms"].AsInt();
    if (v.Has("trail")) c.trail = v["trail"];
    c.prev_bucket = v["prev_bucket"];
    c.prev_object = v["prev_object"];
    c.prev_hash = v["prev_hash"];
    c.prev_sig = v["prev_sig"];
    c.log_files = v["log_files"].is_list() ? v["log_files"] : Value::MakeList();
    return c;
  }
};

// Key of a chain row in kChainTable: "<trail arn>|<account>|<region>".
std::string ChainKey(const Trail& trail, std::string_view account, std::string_view region);

}  // namespace orgtrail::services::cloudtrail
