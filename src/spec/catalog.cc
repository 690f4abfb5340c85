#include "spec/catalog.h"

#include <rapidjson/reader.h>

#include "spec/embedded.h"

namespace orgtrail::spec {

// What the index knows of one model without building it.
struct Catalog::Entry {
  std::string id;
  std::string name;  // registry name ("sqs" for sqs-query)
  std::string_view text;
  std::string signing_name, target_prefix, api_version;
  bool json = false, query = false;
  std::set<std::string, std::less<>> operations;

  mutable std::once_flag once;
  mutable std::unique_ptr<Service> full;
  mutable std::string error;
};

namespace {

// One SAX pass: top-level "metadata" fields and the keys of "operations"; everything else is
// skipped without building anything.
class IndexReader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, IndexReader> {
 public:
  IndexReader(std::string* signing, std::string* endpoint, std::string* target,
              std::string* version, std::string* protocol, std::vector<std::string>* protocols,
              std::set<std::string, std::less<>>* ops)
      : signing_(signing),
        endpoint_(endpoint),
        target_(target),
        version_(version),
        protocol_(protocol),
        protocols_(protocols),
        ops_(ops) {}

  bool Default() { return true; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 2 && section_ == kMetadata) {
      std::string v(s, n);
      if (key_ == "signingName")
        *signing_ = v;
      else if (key_ == "endpointPrefix")
        *endpoint_ = v;
      else if (key_ == "targetPrefix")
        *target_ = v;
      else if (key_ == "apiVersion")
        *version_ = v;
      else if (key_ == "protocol")
        *protocol_ = v;
    } else if (depth_ == 3 && section_ == kMetadata && key_ == "protocols") {
      protocols_->emplace_back(s, n);
    }
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) {
      std::string_view k(s, n);
      section_ = k == "metadata" ? kMetadata : k == "operations" ? kOperations : kOther;
    } else if (depth_ == 2) {
      key_.assign(s, n);
      if (section_ == kOperations) ops_->emplace(s, n);
    }
    return true;
  }
  bool StartObject() { return ++depth_ > 0; }
  bool EndObject(rapidjson::SizeType) {
    // The models put "metadata" and "operations" before "shapes": once both are read, stop, so
    // that start-up never touches the shapes (most of each model's text, and of idle memory).
    if (--depth_ == 1 && section_ == kOperations && seen_metadata_) {
      done_ = true;
      return false;
    }
    if (depth_ == 1 && section_ == kMetadata) seen_metadata_ = true;
    return depth_ >= 0;
  }
  bool done() const { return done_; }
  bool StartArray() { return ++depth_ > 0; }
  bool EndArray(rapidjson::SizeType) { return --depth_ >= 0; }

 private:
  enum Section { kOther, kMetadata, kOperations };
  int depth_ = 0;
  bool seen_metadata_ = false;
  bool done_ = false;
  Section section_ = kOther;
  std::string key_;
  std::string *signing_, *endpoint_, *target_, *version_, *protocol_;
  std::vector<std::string>* protocols_;
  std::set<std::string, std::less<>>* ops_;
};

}  // namespace

Catalog::Catalog() = default;
Catalog::~Catalog() = default;

Status Catalog::Add(std::string id, std::string_view json) {
  auto e = std::make_unique<Entry>();
  e->id = std::move(id);
  e->name = e->id.substr(0, e->id.find('-'));
  e->text = json;
  std::string endpoint, protocol;
  std::vector<std::string> protocols;
  IndexReader handler(&e->signing_name, &endpoint, &e->target_prefix, &e->api_version, &protocol,
                      &protocols, &e->operations);
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(json.data(), json.size());
  if (!reader.Parse(ms, handler) && !handler.done())
    return AwsError("InvalidModel", e->id + ": not valid JSON");
  if (e->signing_name.empty()) e->signing_name = endpoint;
  if (protocols.empty()) protocols.push_back(protocol);
  for (const std::string& p : protocols) {
    if (p == "json") e->json = true;
    if (p == "query") e->query = true;
  }
  entries_.push_back(std::move(e));
  return Ok();
}

Result<std::unique_ptr<Catalog>> Catalog::LoadEmbedded() {
  auto catalog = std::make_unique<Catalog>();
  for (size_t i = 0; i < kEmbeddedModelCount; ++i)
    ORGTRAIL_CHECK(catalog->Add(kEmbeddedModels[i].id, kEmbeddedModels[i].text()));
  return catalog;
}

const Catalog::Entry* Catalog::FindEntry(std::string_view id) const {
  for (const auto& e : entries_)
    if (e->id == id) return e.get();
  return nullptr;
}

const Service* Catalog::Build(const Entry& entry) const {
  std::call_once(entry.once, [&entry] {
    auto loaded = LoadService(entry.id, entry.text);
    if (loaded.ok())
      entry.full = std::move(loaded).value();
    else
      entry.error = loaded.error().message;
  });
  return entry.full.get();
}

const Service* Catalog::Find(std::string_view id) const {
  const Entry* e = FindEntry(id);
  return e ? Build(*e) : nullptr;
}

const Service* Catalog::FindBySigningName(std::string_view signing_name) const {
  const Entry* fallback = nullptr;
  for (const auto& e : entries_) {
    if (e->signing_name != signing_name) continue;
    if (e->id == e->name) return Build(*e);
    fallback = e.get();
  }
  return fallback ? Build(*fallback) : nullptr;
}

const Service* Catalog::FindByTargetPrefix(std::string_view prefix) const {
  for (const auto& e : entries_)
    if (e->json && !e->target_prefix.empty() && e->target_prefix == prefix) return Build(*e);
  return nullptr;
}

const Service* Catalog::FindQueryByVersion(std::string_view version) const {
  for (const auto& e : entries_)
    if (e->query && e->api_version == version) return Build(*e);
  return nullptr;
}

std::vector<std::string> Catalog::Ids() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e->id);
  return out;
}

bool Catalog::HasOperation(std::string_view id, std::string_view operation) const {
  const Entry* e = FindEntry(id);
  return e && e->operations.count(operation) > 0;
}

Status Catalog::LoadAll() const {
  for (const auto& e : entries_) {
    if (!Build(*e)) return AwsError("InvalidModel", e->error);
  }
  return Ok();
}

}  // namespace orgtrail::spec
