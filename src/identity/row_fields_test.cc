// The identity rows described once (identity/row_fields.h): the text written, defaults of
// absent fields, optional fields, enums and round trips.
#include "identity/row_fields.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "identity/iam_internal.h"
#include "identity/organizations_rows.h"

namespace orgtrail::identity {
namespace {

using row_fields::ReadRow;
using row_fields::WriteRow;

enum class Color { kRed, kBlue };
const char* ColorName(Color c) { return c == Color::kRed ? "red" : "blue"; }
Color ColorFrom(std::string_view s) { return s == "blue" ? Color::kBlue : Color::kRed; }

struct Sample {
  std::string name;
  std::string path = "/";
  int64_t big = 0;
  int small = 2;
  bool flag = false;
  Color color = Color::kRed;
  std::vector<Tag> tags;
  std::vector<std::string> docs;
  std::string note;
};

constexpr auto kSampleFields = [](auto& io, auto& s) {
  io("Name", s.name);
  io("Path", s.path, "/");
  io("Big", s.big, 7);
  io("Small", s.small, 2);
  io("Flag", s.flag);
  io.Enum("Color", s.color, ColorName, ColorFrom);
  io("Tags", s.tags);
  io("Docs", s.docs);
  io.Optional("Note", s.note);
};

Value Parse(std::string_view text) { return ParseJson(text).value(); }

TEST(RowFields, WritesEveryFieldInOrderAndOptionalOnesWhenSet) {
  Sample s{"n", "/p/", 1 << 20, 3, true, Color::kBlue, {{"k", "v"}}, {"d1", "d2"}, ""};
  EXPECT_EQ(WriteRow(s, kSampleFields).ToJson(),
            R"({"Name":"n","Path":"/p/","Big":1048576,"Small":3,"Flag":true,"Color":"blue",)"
            R"("Tags":[{"Key":"k","Value":"v"}],"Docs":["d1","d2"]})");
  s.note = "x";
  Sample back = ReadRow<Sample>(WriteRow(s, kSampleFields), kSampleFields);
  EXPECT_EQ(back.name, "n");
  EXPECT_EQ(back.path, "/p/");
  EXPECT_EQ(back.big, 1 << 20);
  EXPECT_EQ(back.small, 3);
  EXPECT_TRUE(back.flag);
  EXPECT_EQ(back.color, Color::kBlue);
  EXPECT_EQ(back.tags, (std::vector<Tag>{{"k", "v"}}));
  EXPECT_EQ(back.docs, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(back.note, "x");
}

TEST(RowFields, AbsentFieldsReadAsTheirDefaults) {
  Sample s = ReadRow<Sample>(Parse(R"({"Name":"only"})"), kSampleFields);
  EXPECT_EQ(s.name, "only");
  EXPECT_EQ(s.path, "/");
  EXPECT_EQ(s.big, 7);
  EXPECT_EQ(s.small, 2);
  EXPECT_FALSE(s.flag);
  EXPECT_EQ(s.color, Color::kRed);
  EXPECT_TRUE(s.tags.empty());
  EXPECT_TRUE(s.docs.empty());
  EXPECT_EQ(s.note, "");
}

// The stored text of the IAM and Organizations rows (docs/persistence.md) is unchanged.
TEST(RowFields, IamAndOrganizationsRowsKeepTheirText) {
  Role r;
  r.account_id = "111122223333";
  r.name = "R";
  r.role_id = "AROAEXAMPLE";
  r.assume_role_policy = "{}";
  r.created_ms = 5;
  r.tags = {{"a", "b"}};
  EXPECT_EQ(iam_internal::RoleToRow(r).ToJson(),
            R"({"AccountId":"111122223333","RoleName":"R","Path":"/","RoleId":"AROAEXAMPLE",)"
            R"("AssumeRolePolicyDocument":"{}","Description":"","MaxSessionDuration":3600,)"
            R"("CreatedMs":5,"PermissionsBoundary":"","Tags":[{"Key":"a","Value":"b"}]})");
  Role old = iam_internal::RoleFromRow(Parse(R"({"AccountId":"1","RoleName":"R"})"));
  EXPECT_EQ(old.path, "/");
  EXPECT_EQ(old.max_session_seconds, 3600);
  ManagedPolicy p = iam_internal::PolicyFromRow(Parse(R"({"PolicyName":"P"})"));
  EXPECT_EQ(p.default_version, "v1");
  EXPECT_EQ(p.next_version, 2);

  OrgInfo o = org_rows::OrgFromValue(
      Parse(R"({"Id":"o-abc","ManagementAccountId":"000000000000","RootId":"r-1","CreatedMs":9})"));
  EXPECT_EQ(o.feature_set, "ALL");
  EXPECT_TRUE(o.scp_enabled == false);  // absent: false
  EXPECT_EQ(o.arn, "arn:aws:organizations::000000000000:organization/o-abc");
  EXPECT_EQ(org_rows::OrgToValue(o).ToJson(),
            R"({"Id":"o-abc","ManagementAccountId":"000000000000","ManagementAccountEmail":"",)"
            R"("FeatureSet":"ALL","RootId":"r-1","CreatedMs":9,"ScpEnabled":false})");
  OrgTags tags{{"k", "v"}};
  EXPECT_EQ(org_rows::TagsRow(tags).ToJson(), R"({"Tags":[{"Key":"k","Value":"v"}]})");
  EXPECT_EQ(org_rows::TagsFromRow(org_rows::TagsRow(tags)), tags);
}

}  // namespace
}  // namespace orgtrail::identity
