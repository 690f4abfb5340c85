#include "gateway/registry.h"

#include "gateway/stages.h"
#include "spec/catalog.h"

namespace orgtrail::gateway {

void Registry::Register(std::string_view service, std::span<const OperationRow> rows) {
  auto& table = rows_[std::string(service)];
  for (const OperationRow& row : rows) table.emplace(std::string(row.name), row);
}

const OperationRow* Registry::Find(std::string_view service, std::string_view operation) const {
  auto s = rows_.find(service);
  if (s == rows_.end()) return nullptr;
  auto o = s->second.find(operation);
  return o == s->second.end() ? nullptr : &o->second;
}

void Registry::SetDefaultTarget(std::string_view service, TargetFn target) {
  default_targets_[std::string(service)] = target;
}

TargetFn Registry::DefaultTarget(std::string_view service) const {
  auto it = default_targets_.find(service);
  return it == default_targets_.end() ? nullptr : it->second;
}

std::vector<std::string> Registry::Services() const {
  std::vector<std::string> out;
  for (const auto& [name, table] : rows_)
    if (!table.empty()) out.push_back(name);
  return out;
}

Status Registry::SelfCheck(const spec::Catalog& catalog) const {
  for (const auto& [service, table] : rows_) {
    for (const auto& [op, row] : table) {
      if (!catalog.HasOperation(service, op))
        return InternalFailure("registry: " + service + " has no operation '" + op + "'");
      if (row.handler == nullptr)
        return InternalFailure("registry: " + service + "." + op + " has no handler");
    }
  }
  return Ok();
}

namespace {

AwsError NotImplementedInternally(std::string_view service, std::string_view operation) {
  return AwsError(
      "NotImplemented",
      "orgtrail does not implement " + std::string(service) + "." + std::string(operation), 501,
      false);
}

// A call one service makes to another (CallInternal), as it is authorized and served.
Call InternalCall(Env& env, Registry& registry, const auth::Principal& principal,
                  std::string_view service, std::string_view operation, std::string_view region) {
  return Call{env,
              registry,
              principal,
              std::string(service),
              std::string(operation),
              std::string(region),
              env.ids.Uuid(),
              /*http=*/nullptr,
              /*internal=*/true};
}

}  // namespace

Status Registry::AuthorizeInternal(Env& env, const auth::Principal& principal,
                                   std::string_view service, std::string_view operation,
                                   const Value& input, std::string_view region) {
  const OperationRow* row = Find(service, operation);
  if (!row) return NotImplementedInternally(service, operation);
  Call call = InternalCall(env, *this, principal, service, operation, region);
  protocol::Route route;
  route.service = catalog_ ? catalog_->Find(service) : nullptr;
  if (!route.service) return InternalFailure("registry: no model for " + std::string(service));
  route.operation_name = std::string(operation);
  return Authorize(call, route, *row, input);
}

Result<Value> Registry::CallInternal(Env& env, const auth::Principal& principal,
                                     std::string_view service, std::string_view operation,
                                     const Value& input, std::string_view region, bool authorize) {
  const OperationRow* row = Find(service, operation);
  if (!row) return NotImplementedInternally(service, operation);
  if (authorize)
    ORGTRAIL_CHECK(AuthorizeInternal(env, principal, service, operation, input, region));
  Call call = InternalCall(env, *this, principal, service, operation, region);
  return row->handler(call, input);
}

}  // namespace orgtrail::gateway
