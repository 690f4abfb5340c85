// Env: the injected environment every handler reaches through its Call (DESIGN.md §5).
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/ids.h"
#include "store/store.h"

namespace orgtrail::identity {
class Directory;
class Iam;
class Organizations;
}  // namespace orgtrail::identity

namespace orgtrail::events {
class Journal;
}  // namespace orgtrail::events

namespace orgtrail::gateway {

class AuditBus;

// Settings of `orgtrail serve` (main.cc turns flags into this).
struct Config {
  std::string host = "127.0.0.1";
  int port = 4566;
  std::string data_dir;  // "" with in_memory
  bool in_memory = false;
  std::string account_id = "000000000000";
  std::string account_email = "orgtrail-admin@example.com";
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string root_access_key_id;      // "" = generated at first start
  std::string root_secret_access_key;  // "" = generated at first start
  double max_clock_skew_seconds = 0;   // 0 = AWS defaults (S3/JSON 15 min, Query 5 min)
  std::string log_level = "info";
  std::string default_region = "us-east-1";
  // CloudTrail delivery cadence (spec/cloudtrail.md §4), in seconds.
  double trail_delivery_interval_seconds = 5;
  double cwl_delivery_interval_seconds = 0.5;
};

struct Env {
  Clock& clock;
  IdSource& ids;
  store::Store& store;
  identity::Directory& identity;
  identity::Iam& iam;
  identity::Organizations& orgs;
  AuditBus& audit;
  const Config& config;
  // The CloudTrail journal (src/events/journal.h): set by server.cc and the in-process test
  // fixture; services above the events floor (LookupEvents, trail delivery) read it.
  events::Journal* journal = nullptr;
};

}  // namespace orgtrail::gateway
