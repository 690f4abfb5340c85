// Micro benchmarks of the hot paths a request takes (make bench; figures in docs/performance.md).
#include <benchmark/benchmark.h>

#include "auth/verify.h"
#include "core/json.h"
#include "core/time_format.h"
#include "spec/catalog.h"
#include "spec/embedded.h"

namespace orgtrail {
namespace {

constexpr int64_t kNow = 1767225600000;

http::Request SignedQuery() {
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"Host", "127.0.0.1:4566"},
                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  auth::SignRequest(req, "test", "test", "us-east-1", "sts", kNow);
  return req;
}

void BM_VerifySigV4Query(benchmark::State& state) {
  const http::Request signed_req = SignedQuery();
  auth::VerifyOptions opts;
  opts.service = "sts";
  opts.wall_now_ms = kNow;
  auth::KeyLookup lookup = [](std::string_view) {
    return std::optional<auth::KeySecret>(auth::KeySecret{"test", "", false});
  };
  for (auto _ : state) {
    http::Request req = signed_req;
    auto result = auth::Verify(req, opts, lookup);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_VerifySigV4Query);

void BM_CatalogIndexAllModels(benchmark::State& state) {
  for (auto _ : state) {
    auto catalog = spec::Catalog::LoadEmbedded();
    benchmark::DoNotOptimize(catalog);
  }
}
BENCHMARK(BM_CatalogIndexAllModels)->Unit(benchmark::kMillisecond);

void BM_BuildStsModel(benchmark::State& state) {
  for (auto _ : state) {
    auto catalog = spec::Catalog::LoadEmbedded();
    benchmark::DoNotOptimize(catalog.value()->Find("sts"));
  }
}
BENCHMARK(BM_BuildStsModel)->Unit(benchmark::kMillisecond);

void BM_ParseJsonModel(benchmark::State& state) {
  std::string_view logs;
  for (size_t i = 0; i < spec::kEmbeddedModelCount; ++i)
    if (std::string_view(spec::kEmbeddedModels[i].id) == "logs")
      logs = spec::kEmbeddedModels[i].text();
  for (auto _ : state) {
    auto v = ParseJson(logs);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * logs.size()));
}
BENCHMARK(BM_ParseJsonModel)->Unit(benchmark::kMillisecond);

void BM_FormatIso8601(benchmark::State& state) {
  int64_t t = kNow;
  for (auto _ : state) benchmark::DoNotOptimize(FormatIso8601Millis(t++));
}
BENCHMARK(BM_FormatIso8601);

}  // namespace
}  // namespace orgtrail
