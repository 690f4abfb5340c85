// Digest files (spec/cloudtrail.md §8): hourly per (trail, account, region) chain, signed and
// chained to the previous digest; final digests at StopLogging and DeleteTrail.
#include <algorithm>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"
#include "identity/organizations.h"
#include "services/cloudtrail/checks.h"
#include "services/cloudtrail/delivery.h"
#include "services/cloudtrail/delivery_internal.h"
#include "services/cloudtrail/gzip.h"
#include "services/cloudtrail/signing.h"

namespace orgtrail::services::cloudtrail {

std::string ChainKey(const Trail& trail, std::string_view account, std::string_view region) {
  return trail.Arn() + "|" + std::string(account) + "|" + std::string(region);
}

Status OpenDigestChains(gateway::Env& env, const Trail& trail, int64_t now_ms) {
  if (!trail.validation) return Ok();
  std::vector<std::string> accounts;
  if (trail.organization) {
    auto org = env.orgs.OrganizationOf(trail.owner);
    if (org)
      for (const identity::OrgMember& m : env.orgs.Members(*org)) accounts.push_back(m.account_id);
  }
  if (std::find(accounts.begin(), accounts.end(), trail.owner) == accounts.end())
    accounts.push_back(trail.owner);
  int64_t start = (now_ms / 1000) * 1000;
  std::vector<store::Write> writes;
  for (const std::string& account : accounts) {
    std::string key = ChainKey(trail, account, trail.home_region);
    Chain chain;
    if (auto row = env.store.Get(kChainTable, key)) {
      auto parsed = ParseJson(*row);
      if (parsed.ok()) chain = Chain::FromRow(*parsed);
      if (chain.close_ms == 0) continue;  // already open
      chain.reopen_ms = std::max(start, chain.close_ms);
    } else {
      chain.period_start_ms = start;
    }
    writes.push_back({std::string(kChainTable), key, chain.ToRow().ToJson()});
  }
  return env.store.Apply(writes);
}

Status CloseDigestChains(gateway::Env& env, const Trail& trail, int64_t now_ms) {
  std::vector<store::Write> writes;
  for (const store::Row& row : env.store.Scan(kChainTable, trail.Arn() + "|")) {
    auto parsed = ParseJson(row.value);
    if (!parsed.ok()) continue;
    Chain chain = Chain::FromRow(*parsed);
    if (chain.close_ms > 0 && chain.reopen_ms == 0) continue;  // already closing
    if (chain.close_ms == 0)
      chain.close_ms = std::max((now_ms / 1000) * 1000, chain.period_start_ms);
    chain.reopen_ms = 0;
    chain.trail = trail.ToRow();
    writes.push_back({std::string(kChainTable), row.key, chain.ToRow().ToJson()});
  }
  return env.store.Apply(writes);
}

Delivery::~Delivery() { Stop(); }

void Delivery::DeliverDigests(bool force) {
  std::lock_guard<std::mutex> lock(s3_mu_);
  int64_t now = (env_.clock.NowMillis() / 1000) * 1000;
  for (const store::Row& row : env_.store.Scan(kChainTable)) {
    size_t bar1 = row.key.find('|');
    size_t bar2 = row.key.find('|', bar1 + 1);
    if (bar1 == std::string::npos || bar2 == std::string::npos) continue;
    std::string arn = row.key.substr(0, bar1);
    std::string account = row.key.substr(bar1 + 1, bar2 - bar1 - 1);
    std::string region = row.key.substr(bar2 + 1);
    auto parsed = ParseJson(row.value);
    if (!parsed.ok()) continue;
    Chain chain = Chain::FromRow(*parsed);
    std::optional<Trail> trail;
    if (chain.close_ms > 0 && chain.trail.is_map())
      trail = Trail::FromRow(chain.trail);
    else
      trail = LoadTrail(env_.store, arn);
    if (!trail || !trail->validation) {
      (void)env_.store.Delete(kChainTable, row.key);
      continue;
    }
    // A stopped trail's chain waits (closed chains are ended below).
    if (chain.close_ms == 0 && !LoadStatus(env_.store, arn).is_logging) continue;
    auto key = KeyForRegion(env_.store, trail->home_region, now);
    if (!key.ok()) continue;
    auto emit = [&](int64_t end_ms) -> bool {
      std::string end = FormatIso8601Seconds(end_ms);
      std::string object = AccountKeyPrefix(*trail, account) + "CloudTrail-Digest/" + region + "/" +
                           DatePath(end_ms) + "/" + account + "_CloudTrail-Digest_" + region + "_" +
                           trail->name + "_" + trail->home_region + "_" + FormatAmzDate(end_ms) +
                           ".json.gz";
      Value newest, oldest;
      for (const Value& f : chain.log_files.AsList()) {
        if (newest.is_null() || f.GetString("newestEventTime") > newest.AsString())
          newest = f["newestEventTime"];
        if (oldest.is_null() || f.GetString("oldestEventTime") < oldest.AsString())
          oldest = f["oldestEventTime"];
      }
      Value digest = Value::MakeMap()
                         .Set("awsAccountId", account)
                         .Set("digestStartTime", FormatIso8601Seconds(chain.period_start_ms))
                         .Set("digestEndTime", end)
                         .Set("digestS3Bucket", trail->s3_bucket)
                         .Set("digestS3Object", object)
                         .Set("digestPublicKeyFingerprint", key->fingerprint)
                         .Set("digestSignatureAlgorithm", "SHA256withRSA")
                         .Set("newestEventTime", newest)
                         .Set("oldestEventTime", oldest)
                         .Set("previousDigestS3Bucket", chain.prev_bucket)
                         .Set("previousDigestS3Object", chain.prev_object)
                         .Set("previousDigestHashValue", chain.prev_hash)
                         .Set("previousDigestHashAlgorithm",
                              chain.prev_hash.is_null() ? Value() : Value("SHA-256"))
                         .Set("previousDigestSignature", chain.prev_sig)
                         .Set("logFiles", chain.log_files);
      std::string bytes = digest.ToJson();
      std::string hash = Sha256Hex(bytes);
      std::string to_sign = end + "\n" + trail->s3_bucket + "/" + object + "\n" + hash + "\n" +
                            (chain.prev_sig.is_null() ? "null" : chain.prev_sig.AsString());
      auto sig = SignSha256Rsa(*key, to_sign);
      if (!sig.ok()) return false;
      Value input = Value::MakeMap()
                        .Set("Bucket", trail->s3_bucket)
                        .Set("Key", object)
                        .Set("Body", Gzip(bytes))
                        .Set("ContentType", "application/json")
                        .Set("ACL", "bucket-owner-full-control")
                        .Set("ServerSideEncryption", "AES256")
                        .Set("Metadata", Value::MakeMap()
                                             .Set("signature", *sig)
                                             .Set("signature-algorithm", "SHA256withRSA"));
      auto put = registry_.CallInternal(env_, CloudTrailFor(*trail), "s3", "PutObject", input,
                                        trail->home_region, /*authorize=*/true);
      std::string error = put.ok() ? "" : put.error().code;
      (void)UpdateStatus(env_.store, arn, [&](TrailStatus& s) {
        if (error.empty()) {
          s.digest_ms = now;
          s.digest_error.clear();
        } else {
          s.digest_error = error;
        }
      });
      if (!put.ok()) return false;
      chain.prev_bucket = trail->s3_bucket;
      chain.prev_object = object;
      chain.prev_hash = hash;
      chain.prev_sig = *sig;
      chain.log_files = Value::MakeList();
      chain.period_start_ms = end_ms;
      return true;
    };
    bool ok = true;
    int64_t until = chain.close_ms > 0 ? std::min(now, chain.close_ms) : now;
    for (int64_t boundary = (chain.period_start_ms / kHourMs + 1) * kHourMs;
         ok && boundary <= until; boundary = (chain.period_start_ms / kHourMs + 1) * kHourMs)
      ok = emit(boundary);
    if (ok && chain.close_ms > 0 && chain.close_ms <= now) {
      // The final digest (StopLogging, DeleteTrail), then the chain ends or starts anew.
      if (chain.period_start_ms < chain.close_ms) ok = emit(chain.close_ms);
      if (ok && chain.reopen_ms == 0) {
        (void)env_.store.Delete(kChainTable, row.key);
        continue;
      }
      if (ok) {
        Chain fresh;
        fresh.period_start_ms = chain.reopen_ms;
        chain = std::move(fresh);
      }
    } else if (ok && force && chain.period_start_ms < now) {
      ok = emit(now);
    }
    (void)env_.store.Put(kChainTable, row.key, chain.ToRow().ToJson());
  }
}

}  // namespace orgtrail::services::cloudtrail
