// IAM groups and membership: CreateGroup, GetGroup, ListGroups, DeleteGroup, AddUserToGroup,
// RemoveUserFromGroup, ListGroupsForUser (spec/org-iam.md §4.1).
// https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;

// API_CreateGroup.html
Result<Value> CreateGroup(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::Group g,
               Model(call).CreateGroup(call.account_id(), input.GetString("GroupName"),
                                       input.GetString("Path", "/")));
  return Value::MakeMap().Set("Group", GroupValue(g));
}

// API_GetGroup.html: the group and its users, paged.
Result<Value> GetGroup(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::Group g,
               Model(call).GetGroup(call.account_id(), input.GetString("GroupName")));
  Value::List users;
  for (const identity::User& u : Model(call).GroupMembers(call.account_id(), g.name))
    users.push_back(UserValue(u));
  return Page(Value::MakeMap().Set("Group", GroupValue(g)), "Users", std::move(users), input);
}

// API_ListGroups.html
Result<Value> ListGroups(Call& call, const Value& input) {
  Value::List items;
  for (const identity::Group& g :
       Model(call).ListGroups(call.account_id(), input.GetString("PathPrefix", "/")))
    items.push_back(GroupValue(g));
  return Page(Value::MakeMap(), "Groups", std::move(items), input);
}

// API_DeleteGroup.html
Result<Value> DeleteGroup(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeleteGroup(call.account_id(), input.GetString("GroupName")));
  return Value::MakeMap();
}

// API_AddUserToGroup.html
Result<Value> AddUserToGroup(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).AddUserToGroup(call.account_id(), input.GetString("GroupName"),
                                            input.GetString("UserName")));
  return Value::MakeMap();
}

// API_RemoveUserFromGroup.html
Result<Value> RemoveUserFromGroup(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).RemoveUserFromGroup(call.account_id(), input.GetString("GroupName"),
                                                 input.GetString("UserName")));
  return Value::MakeMap();
}

// API_ListGroupsForUser.html
Result<Value> ListGroupsForUser(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::User user,
               Model(call).GetUser(call.account_id(), input.GetString("UserName")));
  Value::List items;
  for (const identity::Group& g : Model(call).GroupsForUser(call.account_id(), user.name))
    items.push_back(GroupValue(g));
  return Page(Value::MakeMap(), "Groups", std::move(items), input);
}

constexpr gateway::OperationRow kGroupOps[] = {
    {"CreateGroup", CreateGroup},
    {"GetGroup", GetGroup},
    {"ListGroups", ListGroups},
    {"DeleteGroup", DeleteGroup},
    {"AddUserToGroup", AddUserToGroup},
    {"RemoveUserFromGroup", RemoveUserFromGroup},
    {"ListGroupsForUser", ListGroupsForUser},
};

}  // namespace

void RegisterGroupOps(gateway::Registry& registry) { registry.Register("iam", kGroupOps); }

}  // namespace orgtrail::services::iam
