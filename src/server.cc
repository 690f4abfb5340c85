#include "server.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/ids.h"
#include "core/log.h"
#include "events/journal.h"
#include "gateway/admin.h"
#include "gateway/audit.h"
#include "gateway/gateway.h"
#include "gateway/registry.h"
#include "http/server.h"
#include "identity/bootstrap.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "identity/organizations.h"
#include "services/cloudtrail/delivery.h"
#include "services/register_all.h"
#include "spec/catalog.h"
#include "store/store.h"

namespace orgtrail {
namespace {

// Where request bodies too large for memory are spooled: <data-dir>/tmp (emptied at start: what
// is there belongs to requests that never finished), or with --in-memory a private directory
// under $TMPDIR removed at exit.
class SpoolDir {
 public:
  explicit SpoolDir(const gateway::Config& config) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!config.in_memory) {
      path_ = (fs::path(config.data_dir) / "tmp").string();
      fs::create_directories(path_, ec);
      for (const auto& e : fs::directory_iterator(path_, ec)) fs::remove_all(e.path(), ec);
      ok_ = fs::is_directory(path_, ec);
      return;
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/orgtrail-bodies-XXXXXX";
    ok_ = ::mkdtemp(tmpl.data()) != nullptr;
    path_ = tmpl;
    owned_ = ok_;
  }
  ~SpoolDir() {
    std::error_code ec;
    if (owned_) std::filesystem::remove_all(path_, ec);
  }
  SpoolDir(const SpoolDir&) = delete;
  SpoolDir& operator=(const SpoolDir&) = delete;
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool ok_ = false;
  bool owned_ = false;
};

identity::BootstrapConfig BootstrapFrom(const gateway::Config& c) {
  return {c.account_id, c.account_email,      c.access_key,
          c.secret_key, c.root_access_key_id, c.root_secret_access_key};
}

}  // namespace

int RunServe(const gateway::Config& config, const std::string& version) {
  // Signals are handled by this thread alone (sigwait below); block them before any thread
  // starts so workers inherit the mask.
  log::SetLevel(log::ParseLevel(config.log_level));
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Request-sized buffers (a 1 MB PutLogEvents body, the block it becomes, SQLite's record of
  // it) come from the heap and go back to it, instead of each being mapped afresh and faulted
  // in page by page: allocations under 4 MiB never get a mapping of their own, and a heap
  // keeps up to 8 MiB free at its top. (The defaults move both thresholds with the sizes
  // freed, so a server handling such requests kept paying the page faults.)
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  // A GetObject of an object stored as its multipart parts holds one descriptor per part while
  // it streams: allow as many descriptors as the hard limit does.
  if (struct rlimit lim; getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }

  auto catalog = spec::Catalog::LoadEmbedded();
  if (!catalog.ok()) {
    std::fprintf(stderr, "orgtrail: cannot load service models: %s\n",
                 catalog.error().message.c_str());
    return 1;
  }
  std::unique_ptr<store::Store> store;
  if (config.in_memory) {
    store = store::MakeMemoryStore();
  } else {
    auto opened = store::OpenSqliteStore(config.data_dir);
    if (!opened.ok()) {
      std::fprintf(stderr, "orgtrail: %s\n", opened.error().message.c_str());
      return 1;
    }
    store = std::move(opened).value();
  }

  SystemClock clock;
  IdSource ids = IdSource::FromEntropy();
  identity::Directory directory(*store, ids, clock);
  identity::Iam iam(*store, ids, clock);
  identity::Organizations orgs(*store, ids, clock, directory, iam);
  gateway::AuditBus audit;
  gateway::Env env{clock, ids, *store, directory, iam, orgs, audit, config};
  // CloudTrail: every audited call becomes a journaled record (src/events/journal.h).
  events::Journal journal(*store, ids);
  journal.Attach(audit);
  env.journal = &journal;
  journal.Start();
  if (Status st = identity::Bootstrap(directory, iam, BootstrapFrom(config)); !st.ok()) {
    std::fprintf(stderr, "orgtrail: cannot bootstrap the first account: %s\n",
                 st.error().message.c_str());
    return 1;
  }

  gateway::Registry registry;
  // Every handler row names an operation of its model: checked by the tests (Registry::SelfCheck
  // in the in-process fixture), not at each start, which would read every model's operations.
  services::RegisterAll(registry);

  // CloudTrail delivery of the journal to S3 and CloudWatch Logs (spec/cloudtrail.md §3-§4, §9).
  services::cloudtrail::Delivery delivery(
      env, registry,
      {static_cast<int64_t>(config.trail_delivery_interval_seconds * 1000),
       static_cast<int64_t>(config.cwl_delivery_interval_seconds * 1000)});
  // Data events are recorded only while some stored trail can select them.
  services::cloudtrail::RefreshDataEventGate(env);

  gateway::AdminApi::Hooks hooks;
  hooks.version = version;
  hooks.reset = [&]() -> Status {
    journal.Reset();
    delivery.Reset();
    ORGTRAIL_CHECK(store->Clear());
    services::cloudtrail::RefreshDataEventGate(env);
    clock.Reset();
    audit.Clear();
    return identity::Bootstrap(directory, iam, BootstrapFrom(config));
  };
  hooks.flush = [&delivery](bool digests) { return delivery.Flush(digests); };
  gateway::AdminApi admin(env, registry, std::move(hooks));
  gateway::Gateway gw(env, registry, **catalog, admin);

  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  // Large S3 bodies are spooled beside the blob store, so that adopting one is a rename.
  SpoolDir spool(config);
  if (!spool.ok()) {
    std::fprintf(stderr, "orgtrail: cannot create a directory for request bodies in %s\n",
                 spool.path().c_str());
    return 1;
  }
  options.spool_dir = spool.path();
  options.body_planner = [&gw](const http::Request& head) { return gw.PlanBody(head); };
  http::Server server(options, [&gw](http::Request& req) { return gw.Handle(req); });
  if (Status st = server.Listen(); !st.ok()) {
    std::fprintf(stderr, "orgtrail: %s\n", st.error().message.c_str());
    return 1;
  }
  log::Info("orgtrail " + version + " listening on http://" + config.host + ":" +
            std::to_string(server.port()) +
            (config.in_memory ? " (in memory)" : " (data in " + config.data_dir + ")"));

  delivery.Start();
  std::thread serving([&server] { server.Run(); });
  int sig = 0;
  sigwait(&signals, &sig);
  log::Info(std::string(sig == SIGINT ? "SIGINT" : "SIGTERM") + " received, shutting down");
  server.Stop();
  serving.join();
  delivery.Stop();
  journal.Stop();
  log::Info("stopped");
  return 0;
}

}  // namespace orgtrail
