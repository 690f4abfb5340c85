#include "spec/catalog.h"

#include <thread>

#include "spec/embedded.h"

namespace orgtrail::spec {

Result<std::unique_ptr<Catalog>> Catalog::LoadEmbedded() {
  auto catalog = std::make_unique<Catalog>();
  // Models are independent: parse them on two threads to halve start-up time.
  std::vector<Result<std::unique_ptr<Service>>> loaded;
  loaded.reserve(kEmbeddedModelCount);
  for (size_t i = 0; i < kEmbeddedModelCount; ++i) loaded.emplace_back(AwsError());
  auto work = [&](size_t start, size_t step) {
    for (size_t i = start; i < kEmbeddedModelCount; i += step)
      loaded[i] = LoadService(kEmbeddedModels[i].id, kEmbeddedModels[i].text());
  };
  std::thread helper(work, 1, 2);
  work(0, 2);
  helper.join();
  for (auto& r : loaded) {
    if (!r.ok()) return std::move(r).error();
    catalog->services_.push_back(std::move(r).value());
  }
  return catalog;
}

Status Catalog::Add(std::string id, std::string_view json) {
  ORGTRAIL_TRY(auto svc, LoadService(std::move(id), json));
  services_.push_back(std::move(svc));
  return Ok();
}

const Service* Catalog::Find(std::string_view id) const {
  for (const auto& s : services_)
    if (s->id == id) return s.get();
  return nullptr;
}

const Service* Catalog::FindBySigningName(std::string_view signing_name) const {
  const Service* fallback = nullptr;
  for (const auto& s : services_) {
    if (s->signing_name != signing_name) continue;
    if (s->id.find('-') == std::string::npos) return s.get();
    fallback = s.get();
  }
  return fallback;
}

const Service* Catalog::FindByTargetPrefix(std::string_view prefix) const {
  for (const auto& s : services_)
    if (!s->target_prefix.empty() && s->target_prefix == prefix && s->Speaks(Protocol::kJson))
      return s.get();
  return nullptr;
}

const Service* Catalog::FindQueryByVersion(std::string_view version) const {
  for (const auto& s : services_)
    if (s->api_version == version && s->Speaks(Protocol::kQuery)) return s.get();
  return nullptr;
}

}  // namespace orgtrail::spec
