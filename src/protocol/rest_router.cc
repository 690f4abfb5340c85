// REST operation selection from the models' URI templates (spec/wire.md §3.2-3.4).
//
// Every operation's requestUri is compiled once per service into path segments (literal,
// {Label}, greedy {Label+}) and query markers ("?location", "?list-type=2"). A request matches an
// operation when method, path and every marker match; among matches the most specific wins:
//
//   1. most query keys / headers present that tell operations apart: the template's markers plus
//      the input's required querystring and header members (?uploadId for ListParts,
//      partNumber+uploadId for UploadPart, x-amz-copy-source for CopyObject/UploadPartCopy);
//   2. fewest such required members missing (PUT /b/k is PutObject, not UploadPart);
//   3. not a deprecated alias that shares its template with its successor.
//
// A request carrying a sub-resource marker of another operation that the candidate does not
// know (neither its marker nor one of its querystring members) does not match it, so an
// unsupported method on a sub-resource is unknown rather than the bare bucket/object operation.
//
// S3 addressing (§3.3): path style /<bucket>/<key> or virtual-host style <bucket>.<known suffix>.
// The key is percent-decoded once and may contain '/'.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "protocol/internal.h"

namespace orgtrail::protocol::internal {
namespace {

struct Segment {
  enum class Kind { kLiteral, kLabel, kGreedy };
  Kind kind = Kind::kLiteral;
  std::string text;  // literal text or label name
};

struct QueryMarker {
  std::string key;
  std::optional<std::string> value;  // "list-type=2" must match the value too
};

struct Template {
  const spec::Operation* op = nullptr;
  std::vector<Segment> segments;
  std::vector<QueryMarker> markers;
  std::vector<std::string> required_query;         // wire names of required querystring members
  std::vector<std::string> required_headers;       // wire names of required header members
  std::set<std::string, std::less<>> known_query;  // markers + querystring members
  bool any_query = false;                          // a querystring map takes any key
  bool alias = false;
};

struct Table {
  std::vector<Template> templates;
  // Keys that are a sub-resource marker of some operation ("versioning", "uploads", ...).
  std::set<std::string, std::less<>> marker_keys;
};

// Deprecated operations whose template is identical to their successor's; requests go to the
// successor (the wire form is the same).
constexpr std::string_view kAliases[] = {
    "GetBucketLifecycle",    "PutBucketLifecycle",   "GetBucketNotification",
    "PutBucketNotification", "ListDirectoryBuckets",
};

Template Compile(const spec::Operation& op) {
  Template t;
  t.op = &op;
  std::string_view uri = op.request_uri;
  std::string_view path = uri, query;
  if (size_t q = uri.find('?'); q != std::string_view::npos) {
    path = uri.substr(0, q);
    query = uri.substr(q + 1);
  }
  if (StartsWith(path, "/")) path.remove_prefix(1);
  if (!path.empty()) {
    for (std::string_view part : Split(path, '/')) {
      Segment s;
      if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
        std::string_view name = part.substr(1, part.size() - 2);
        s.kind = Segment::Kind::kLabel;
        if (EndsWith(name, "+")) {
          s.kind = Segment::Kind::kGreedy;
          name.remove_suffix(1);
        }
        s.text = std::string(name);
      } else {
        s.text = std::string(part);
      }
      t.segments.push_back(std::move(s));
    }
  }
  if (!query.empty()) {
    for (std::string_view item : Split(query, '&')) {
      if (item.empty()) continue;
      QueryMarker m;
      size_t eq = item.find('=');
      m.key = std::string(item.substr(0, eq));
      if (eq != std::string_view::npos) m.value = std::string(item.substr(eq + 1));
      if (m.key == "x-id") continue;  // names the operation for SDKs; not a sub-resource
      t.known_query.insert(m.key);
      t.markers.push_back(std::move(m));
    }
  }
  if (op.input) {
    for (const spec::Member& m : op.input->members) {
      if (m.location == spec::Location::kQueryString) {
        t.known_query.insert(m.WireName());
        if (m.shape && m.shape->type == spec::ShapeType::kMap) t.any_query = true;
      }
      if (!m.required || !m.shape) continue;
      if (m.location == spec::Location::kQueryString && m.shape->type != spec::ShapeType::kMap)
        t.required_query.push_back(m.WireName());
      else if (m.location == spec::Location::kHeader)
        t.required_headers.push_back(m.WireName());
    }
  }
  for (std::string_view a : kAliases)
    if (a == op.name) t.alias = true;
  return t;
}

const Table& TableFor(const spec::Service& service) {
  static std::mutex mu;
  static std::map<uint64_t, std::unique_ptr<Table>> tables;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = tables[service.instance];
  if (!slot) {
    slot = std::make_unique<Table>();
    for (const auto& [name, op] : service.operations) {
      slot->templates.push_back(Compile(op));
      for (const QueryMarker& m : slot->templates.back().markers) slot->marker_keys.insert(m.key);
    }
  }
  return *slot;
}

bool MatchPath(const Template& t, const std::vector<std::string>& segs,
               std::map<std::string, std::string, std::less<>>& labels) {
  size_t i = 0;
  for (const Segment& s : t.segments) {
    if (s.kind == Segment::Kind::kGreedy) {
      if (i >= segs.size()) return false;
      std::string joined;
      for (size_t j = i; j < segs.size(); ++j) {
        if (j > i) joined += '/';
        joined += segs[j];
      }
      if (joined.empty()) return false;
      labels[s.text] = std::move(joined);
      i = segs.size();
      continue;
    }
    if (i >= segs.size()) return false;
    if (s.kind == Segment::Kind::kLiteral) {
      if (segs[i] != s.text) return false;
    } else {
      if (segs[i].empty()) return false;
      labels[s.text] = segs[i];
    }
    ++i;
  }
  return i == segs.size();
}

// Path segments, each percent-decoded once; one trailing '/' is ignored.
std::vector<std::string> DecodedSegments(std::string_view path) {
  std::vector<std::string> out;
  if (StartsWith(path, "/")) path.remove_prefix(1);
  if (EndsWith(path, "/")) path.remove_suffix(1);
  if (path.empty()) return out;
  for (std::string_view part : Split(path, '/')) out.push_back(UriDecode(part));
  return out;
}

bool IsIpLiteral(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') return true;
  for (char c : host)
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  return true;
}

// The bucket named by a virtual-host style Host header, if any (spec/wire.md §3.3).
std::optional<std::string> VirtualHostBucket(std::string_view host_header) {
  std::string_view host = Trim(host_header);
  if (host.empty() || host.front() == '[') return std::nullopt;
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (IsIpLiteral(host)) return std::nullopt;
  std::string lower = ToLower(host);
  std::string_view h = lower;
  if (EndsWith(h, ".localhost")) {
    h.remove_suffix(std::string_view(".localhost").size());
    if (h.empty()) return std::nullopt;
    return std::string(h);
  }
  constexpr std::string_view kAws = ".amazonaws.com";
  if (!EndsWith(h, kAws)) return std::nullopt;
  h.remove_suffix(kAws.size());
  std::vector<std::string_view> labels = Split(h, '.');
  const size_t n = labels.size();
  size_t s3 = n;  // index of the "s3" / "s3-<region>" label
  if (n >= 1 && (labels[n - 1] == "s3" || StartsWith(labels[n - 1], "s3-"))) {
    s3 = n - 1;
  } else if (n >= 2 && labels[n - 2] == "s3") {
    s3 = n - 2;
  } else if (n >= 3 && labels[n - 3] == "s3" && labels[n - 2] == "dualstack") {
    s3 = n - 3;
  }
  if (s3 == n || s3 == 0) return std::nullopt;
  std::string bucket;
  for (size_t i = 0; i < s3; ++i) {
    if (i) bucket += '.';
    bucket += labels[i];
  }
  if (bucket.empty()) return std::nullopt;
  return bucket;
}

// S3: the bucket and key of the request; segments for template matching are [bucket, key].
std::vector<std::string> S3Segments(const http::Request& req, Route& route) {
  std::string_view path = req.path;
  if (StartsWith(path, "/")) path.remove_prefix(1);
  std::optional<std::string> vhost_bucket;
  if (const std::string* host = req.FindHeader("Host")) vhost_bucket = VirtualHostBucket(*host);
  if (vhost_bucket) {
    route.virtual_host = true;
    route.bucket = *vhost_bucket;
    route.key = UriDecode(path);
  } else {
    size_t slash = path.find('/');
    route.bucket = UriDecode(path.substr(0, slash));
    route.key = slash == std::string_view::npos ? "" : UriDecode(path.substr(slash + 1));
  }
  std::vector<std::string> segs;
  if (!route.bucket.empty()) segs.push_back(route.bucket);
  if (!route.key.empty()) segs.push_back(route.key);
  return segs;
}

struct Score {
  int present = -1;
  int missing = 0;
  bool alias = false;
  bool BetterThan(const Score& o) const {
    if (present != o.present) return present > o.present;
    if (missing != o.missing) return missing < o.missing;
    return !alias && o.alias;
  }
};

}  // namespace

void RouteRest(const http::Request& req, const spec::Service& service, Route& route) {
  route.service = &service;
  route.protocol = service.protocol;
  route.operation = nullptr;
  route.operation_name.clear();
  route.labels.clear();

  const bool s3_addressing = service.Speaks(spec::Protocol::kRestXml);
  std::vector<std::string> segs =
      s3_addressing ? S3Segments(req, route) : DecodedSegments(req.path);
  Params params = ParseQueryString(req.query);
  auto find_param = [&](std::string_view key) -> const std::string* {
    for (const auto& [k, v] : params)
      if (k == key) return &v;
    return nullptr;
  };

  const Table& table = TableFor(service);
  // A sub-resource the operation does not know disqualifies it: DELETE /b?versioning must not
  // become DeleteBucket.
  // Looked up once per request, not once per template (presigned URLs carry six parameters).
  std::vector<const std::string*> markers;
  for (const auto& [k, v] : params)
    if (table.marker_keys.count(k)) markers.push_back(&k);
  auto knows_subresources = [&](const Template& t) {
    if (t.any_query) return true;
    for (const std::string* k : markers)
      if (!t.known_query.count(*k)) return false;
    return true;
  };
  const Template* best = nullptr;
  Score best_score;
  std::map<std::string, std::string, std::less<>> best_labels;
  for (const Template& t : table.templates) {
    if (t.op->http_method != req.method || !knows_subresources(t)) continue;
    Score score;
    score.present = 0;
    bool ok = true;
    for (const QueryMarker& m : t.markers) {
      const std::string* v = find_param(m.key);
      if (!v || (m.value && *v != *m.value)) {
        ok = false;
        break;
      }
      ++score.present;
    }
    if (!ok) continue;
    std::map<std::string, std::string, std::less<>> labels;
    if (!MatchPath(t, segs, labels)) continue;
    for (const std::string& q : t.required_query) (find_param(q) ? score.present : score.missing)++;
    for (const std::string& h : t.required_headers)
      (req.FindHeader(h) ? score.present : score.missing)++;
    score.alias = t.alias;
    if (!best || score.BetterThan(best_score)) {
      best = &t;
      best_score = score;
      best_labels = std::move(labels);
    }
  }
  if (!best) return;
  route.operation = best->op;
  route.operation_name = best->op->name;
  route.labels = std::move(best_labels);
}

}  // namespace orgtrail::protocol::internal
