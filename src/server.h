// `orgtrail serve`: wires Env, store, identity, registry, gateway and the HTTP server together.
#pragma once

#include "gateway/env.h"

namespace orgtrail {

// Serves until SIGINT or SIGTERM. Returns the process exit code; prints start-up errors
// (port taken, unusable data directory) to stderr.
int RunServe(const gateway::Config& config, const std::string& version);

}  // namespace orgtrail
