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

  // Operation names, indexed from the text on first use (the registry's self-check, tests).
  mutable std::once_flag operations_once;
  mutable std::set<std::string, std::less<>> operations;

  mutable std::once_flag once;
  mutable std::unique_ptr<Service> full;
  mutable std::string error;
};

namespace {

// One SAX pass over the head of a model: the top-level "metadata" fields (when `ops` is null) or
// the keys of "operations"; it stops as soon as that object ends, and builds nothing else.
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
      if (section_ == kOperations && ops_) ops_->emplace(s, n);
    }
    return true;
  }
  bool StartObject() { return ++depth_ > 0; }
  bool EndObject(rapidjson::SizeType) {
    // The models put "metadata" and "operations" before "shapes": once the section asked for is
    // read, stop, so that the shapes (most of each model's text) stay untouched.
    if (--depth_ == 1 && section_ == (ops_ ? kOperations : kMetadata)) {
      done_ = true;
      return false;
    }
    return depth_ >= 0;
  }
  bool done() const { return done_; }
  bool StartArray() { return ++depth_ > 0; }
  bool EndArray(rapidjson::SizeType) { return --depth_ >= 0; }

 private:
  enum Section { kOther, kMetadata, kOperations };
  int depth_ = 0;
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

namespace {

struct Metadata {
  std::string signing_name, endpoint_prefix, target_prefix, api_version, protocol;
  std::vector<std::string> protocols;
};

std::unique_ptr<Catalog::Entry> MakeEntry(std::string id, std::string_view text,
                                          const Metadata& m) {
  auto e = std::make_unique<Catalog::Entry>();
  e->id = std::move(id);
  e->name = e->id.substr(0, e->id.find('-'));
  e->text = text;
  e->signing_name = m.signing_name.empty() ? m.endpoint_prefix : m.signing_name;
  e->target_prefix = m.target_prefix;
  e->api_version = m.api_version;
  for (const std::string& p : m.protocols.empty() ? std::vector{m.protocol} : m.protocols) {
    if (p == "json") e->json = true;
    if (p == "query") e->query = true;
  }
  return e;
}

// Runs the SAX reader over the head of a model; false when the text is not JSON.
bool ReadHead(std::string_view json, IndexReader& handler) {
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(json.data(), json.size());
  return reader.Parse(ms, handler) || handler.done();
}

}  // namespace

Status Catalog::Add(std::string id, std::string_view json) {
  Metadata m;
  IndexReader handler(&m.signing_name, &m.endpoint_prefix, &m.target_prefix, &m.api_version,
                      &m.protocol, &m.protocols, nullptr);
  if (!ReadHead(json, handler)) return AwsError("InvalidModel", id + ": not valid JSON");
  entries_.push_back(MakeEntry(std::move(id), json, m));
  return Ok();
}

Result<std::unique_ptr<Catalog>> Catalog::LoadEmbedded() {
  auto catalog = std::make_unique<Catalog>();
  for (size_t i = 0; i < kEmbeddedModelCount; ++i) {
    // The build extracted the metadata (cmake/EmbedModels.cmake): start-up reads no model text.
    const EmbeddedModel& model = kEmbeddedModels[i];
    Metadata m{model.signing_name, model.endpoint_prefix, model.target_prefix,
               model.api_version,  model.protocol,        {}};
    for (std::string_view rest = model.protocols; !rest.empty();) {
      size_t comma = rest.find(',');
      m.protocols.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    catalog->entries_.push_back(MakeEntry(model.id, model.text(), m));
  }
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
  if (!e) return false;
  std::call_once(e->operations_once, [e] {
    std::string ignored;
    std::vector<std::string> ignored_list;
    IndexReader handler(&ignored, &ignored, &ignored, &ignored, &ignored, &ignored_list,
                        &e->operations);
    ReadHead(e->text, handler);
  });
  return e->operations.count(operation) > 0;
}

Status Catalog::LoadAll() const {
  for (const auto& e : entries_) {
    if (!Build(*e)) return AwsError("InvalidModel", e->error);
  }
  return Ok();
}

}  // namespace orgtrail::spec
