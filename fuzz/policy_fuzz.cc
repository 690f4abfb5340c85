// libFuzzer target for the policy engine (src/policy). The input is read as
//   <document JSON>\0<action>\n<resource>\n(<context key>=<value>\n)*
// The document is parsed as every policy kind; whatever parses is evaluated in every role
// (identity, boundary, session, resource, trust, SCP) for each kind of principal, and the denial
// message is rendered. Nothing may crash, hang or read out of bounds.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "policy/document.h"
#include "policy/evaluate.h"

namespace {

using namespace orgtrail::policy;  // NOLINT

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view doc = in.substr(0, nul);
  std::string_view rest = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);

  Request req;
  req.action = std::string(orgtrail::fuzz::NextLine(rest));
  if (req.action.empty()) req.action = "s3:GetObject";
  std::string resource(orgtrail::fuzz::NextLine(rest));
  if (!resource.empty()) req.resources.push_back(resource);
  req.resources.push_back("arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:");
  while (!rest.empty()) {
    std::string_view line = orgtrail::fuzz::NextLine(rest);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    req.context.Add(line.substr(0, eq), std::string(line.substr(eq + 1)));
  }

  std::vector<Policy> parsed;
  for (PolicyKind kind :
       {PolicyKind::kIdentity, PolicyKind::kResource, PolicyKind::kTrust, PolicyKind::kScp}) {
    orgtrail::Result<Policy> p = ParsePolicy(doc, kind);
    if (p.ok()) parsed.push_back(std::move(p).value());
  }
  if (parsed.empty()) return 0;

  const PrincipalType types[] = {PrincipalType::kRoot, PrincipalType::kIAMUser,
                                 PrincipalType::kAssumedRole, PrincipalType::kAWSService,
                                 PrincipalType::kAnonymous};
  for (const Policy& policy : parsed) {
    for (PrincipalType t : types) {
      req.principal = RequestPrincipal{};
      req.principal.type = t;
      req.principal.account = "111111111111";
      req.principal.arn = "arn:aws:sts::111111111111:assumed-role/r/s";
      req.principal.role_arn = "arn:aws:iam::111111111111:role/r";
      req.principal.service = "cloudtrail.amazonaws.com";
      for (int variant = 0; variant < 3; ++variant) {
        Inputs inputs;
        inputs.identity = {&policy};
        inputs.boundary = variant == 1 ? &policy : nullptr;
        if (variant == 2) inputs.session = {&policy};
        inputs.resource = &policy;
        inputs.resource_is_trust_policy = variant == 2;
        if (variant > 0) inputs.scp_levels = {{&policy}, {&policy}};
        req.resource_account = variant == 1 ? "222222222222" : "";
        Evaluation e = Evaluate(req, inputs);
        std::string message = DenialMessage(req, e);
        if (message.empty()) __builtin_trap();
      }
    }
  }
  return 0;
}
