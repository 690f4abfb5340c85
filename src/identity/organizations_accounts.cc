// Create-account requests (org-iam.md §2.2): asynchronous on AWS, completed lazily here one
// second of orgtrail time after the request, at the next read.
#include <algorithm>
#include <cctype>

#include "core/log.h"
#include "identity/organizations.h"
#include "identity/organizations_rows.h"

namespace orgtrail::identity {

using namespace org_rows;  // NOLINT(google-build-using-namespace)

namespace {

constexpr std::string_view kAdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";

// org-iam.md §2.2 (decision: exact document).
std::string AccessRoleTrust(std::string_view management_account_id) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" +
         std::string(management_account_id) + R"(:root"},"Action":"sts:AssumeRole"}]})";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Status Organizations::PutRequest(const CreateAccountRequest& r) {
  return store_.Put(kRequests, r.id, RequestToValue(r).ToJson());
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
Result<CreateAccountRequest> Organizations::CreateAccount(const OrgInfo& org,
                                                          std::string_view email,
                                                          std::string_view name,
                                                          std::string_view role_name,
                                                          OrgTags tags) {
  std::lock_guard lock(mu_);
  CreateAccountRequest r;
  do {
    r.id = "car-" + ids_.Chars(32, IdSource::kLowerDigits);
  } while (Get(store_, kRequests, r.id));
  r.org_id = org.id;
  r.account_name = std::string(name);
  r.email = std::string(email);
  if (!role_name.empty()) r.role_name = std::string(role_name);
  r.requested_ms = clock_.NowMillis();
  r.tags = std::move(tags);
  ORGTRAIL_CHECK(PutRequest(r));
  return r;
}

Result<CreateAccountRequest> Organizations::CreateAccountStatus(const OrgInfo& org,
                                                                std::string_view id) {
  std::lock_guard lock(mu_);
  SettleCreateAccounts(org);
  auto v = Get(store_, kRequests, id);
  if (!v || v->GetString("OrgId") != org.id)
    return AwsError("CreateAccountStatusNotFoundException", "");
  return RequestFromValue(*v);
}

std::vector<CreateAccountRequest> Organizations::CreateAccountStatuses(const OrgInfo& org) {
  std::lock_guard lock(mu_);
  SettleCreateAccounts(org);
  std::vector<CreateAccountRequest> out;
  for (const Value& v : Scan(store_, kRequests))
    if (v.GetString("OrgId") == org.id) out.push_back(RequestFromValue(v));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.requested_ms != b.requested_ms ? a.requested_ms < b.requested_ms : a.id < b.id;
  });
  return out;
}

void Organizations::SettleCreateAccounts(const OrgInfo& org) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMillis();
  std::vector<CreateAccountRequest> due;
  for (const Value& v : Scan(store_, kRequests)) {
    if (v.GetString("OrgId") != org.id || v.GetString("State") != "IN_PROGRESS") continue;
    CreateAccountRequest r = RequestFromValue(v);
    if (now >= r.requested_ms + kCreateAccountDelayMs) due.push_back(std::move(r));
  }
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
    return a.requested_ms != b.requested_ms ? a.requested_ms < b.requested_ms : a.id < b.id;
  });
  for (CreateAccountRequest& r : due) CompleteRequest(org, r);
}

// §2.2 steps 2 and 3: the account, its membership under the root, FullAWSAccess when SCPs are
// on, and the access role trusted by the management account.
void Organizations::CompleteRequest(const OrgInfo& org, CreateAccountRequest& r) {
  r.completed_ms = r.requested_ms + kCreateAccountDelayMs;
  const std::string email = Lower(r.email);
  for (const Account& a : directory_.ListAccounts()) {
    if (Lower(a.email) == email) {
      r.state = "FAILED";
      r.failure_reason = "EMAIL_ALREADY_EXISTS";
      if (!PutRequest(r).ok()) log::Warn("create-account request " + r.id + " not saved");
      return;
    }
  }
  Account account{directory_.NewAccountId(), r.email, r.account_name, r.completed_ms};
  OrgMember member{account.id, org.id, org.root_id, "CREATED", r.completed_ms};
  bool ok = directory_.PutAccount(account).ok() && PutMember(member).ok();
  if (ok && org.scp_enabled) ok = Attach(org, kFullAwsAccessId, account.id).ok();
  if (ok && !r.tags.empty()) ok = PutTags(account.id, r.tags).ok();
  if (!ok) {
    r.state = "FAILED";
    r.failure_reason = "INTERNAL_FAILURE";
    if (!PutRequest(r).ok()) log::Warn("create-account request " + r.id + " not saved");
    return;
  }
  auto role =
      iam_.CreateRole(account.id, r.role_name, "/", AccessRoleTrust(org.management_account_id));
  if (!role.ok()) {
    log::Warn("create-account " + r.id + ": role " + r.role_name + ": " + role.error().message);
  } else if (Status st = iam_.AttachRolePolicy(account.id, r.role_name, kAdministratorAccess);
             !st.ok()) {
    log::Warn("create-account " + r.id + ": AdministratorAccess: " + st.error().message);
  }
  r.state = "SUCCEEDED";
  r.account_id = account.id;
  if (!PutRequest(r).ok()) log::Warn("create-account request " + r.id + " not saved");
}

}  // namespace orgtrail::identity
