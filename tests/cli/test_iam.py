"""IAM through the AWS CLI v2, the AWS CLI v1 and boto3: users and access keys, roles and trust
policies, managed policies and versions, inline policies, attachments, errors (org-iam.md §4)."""

import json
import re
import unittest

import botocore.exceptions

from orgtrail_harness import ACCOUNT_ID, OrgtrailTestCase

AKIA_KEY = re.compile(r"^AKIA[A-Z2-7]{16}$")
ROLE_ID = re.compile(r"^AROA[A-Z0-9]{17}$")
POLICY_ID = re.compile(r"^ANPA[A-Z0-9]{17}$")

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
                   "Action": "sts:AssumeRole"}],
}
ALLOW_S3 = {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
ALLOW_LOGS = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
WITH_PRINCIPAL = {"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                 "Resource": "*"}]}
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def policy_arn(name):
    return "arn:aws:iam::%s:policy/%s" % (ACCOUNT_ID, name)


class CliUsersAndKeysTest(OrgtrailTestCase):

    def check_new_key_signs(self, version):
        user = self.assertCliOk(self.aws(version, "iam", "create-user", "--user-name", "alice"))
        self.assertEqual(user["User"]["Arn"], "arn:aws:iam::%s:user/alice" % ACCOUNT_ID)
        key = self.assertCliOk(self.aws(version, "iam", "create-access-key",
                                        "--user-name", "alice"))["AccessKey"]
        self.assertRegex(key["AccessKeyId"], AKIA_KEY)
        self.assertEqual(key["Status"], "Active")
        ident = self.assertCliOk(self.aws(version, "sts", "get-caller-identity",
                                          access_key=key["AccessKeyId"],
                                          secret_key=key["SecretAccessKey"]))
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/alice" % ACCOUNT_ID)
        self.assertEqual(ident["UserId"], user["User"]["UserId"])
        listed = self.assertCliOk(self.aws(version, "iam", "list-access-keys",
                                           "--user-name", "alice"))
        self.assertEqual([k["AccessKeyId"] for k in listed["AccessKeyMetadata"]],
                         [key["AccessKeyId"]])

    def test_cli_v2_new_key_signs_as_the_user(self):
        self.check_new_key_signs(2)

    def test_cli_v1_new_key_signs_as_the_user(self):
        self.check_new_key_signs(1)

    def test_cli_v2_errors(self):
        self.assertCliOk(self.aws(2, "iam", "create-user", "--user-name", "bob"))
        self.assertCliError(self.aws(2, "iam", "create-user", "--user-name", "bob"),
                            "EntityAlreadyExists")
        self.assertCliError(self.aws(2, "iam", "get-user", "--user-name", "nobody"),
                            "NoSuchEntity")
        self.assertCliOk(self.aws(2, "iam", "create-access-key", "--user-name", "bob"))
        self.assertCliOk(self.aws(2, "iam", "create-access-key", "--user-name", "bob"))
        self.assertCliError(self.aws(2, "iam", "create-access-key", "--user-name", "bob"),
                            "LimitExceeded")
        self.assertCliError(self.aws(2, "iam", "delete-user", "--user-name", "bob"),
                            "DeleteConflict")

    def test_get_user_without_name_is_the_caller(self):
        out = self.assertCliOk(self.aws(2, "iam", "get-user"))
        self.assertEqual(out["User"]["UserName"], "orgtrail-admin")


class Boto3UsersGroupsTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.iam = self.client("iam")

    def assertIamError(self, call, code, status, message=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        self.assertClientError(cm.exception, code, status, message)

    def test_user_lifecycle_and_delete_conflicts(self):
        self.iam.create_user(UserName="carol", Tags=[{"Key": "team", "Value": "audit"}])
        self.assertEqual(self.iam.list_user_tags(UserName="carol")["Tags"],
                         [{"Key": "team", "Value": "audit"}])
        self.assertIamError(lambda: self.iam.create_user(UserName="carol"), "EntityAlreadyExists",
                            409, "User with name carol already exists.")
        key = self.iam.create_access_key(UserName="carol")["AccessKey"]
        self.iam.create_access_key(UserName="carol")
        self.assertIamError(lambda: self.iam.create_access_key(UserName="carol"), "LimitExceeded",
                            409, "Cannot exceed quota for AccessKeysPerUser: 2")
        self.assertIamError(lambda: self.iam.delete_user(UserName="carol"), "DeleteConflict", 409,
                            "Cannot delete entity, must delete access keys first.")
        for k in self.iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]:
            self.iam.delete_access_key(UserName="carol", AccessKeyId=k["AccessKeyId"])
        self.assertIamError(
            lambda: self.iam.delete_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"]),
            "NoSuchEntity", 404, "The Access Key with id %s cannot be found." % key["AccessKeyId"])

        self.iam.attach_user_policy(UserName="carol", PolicyArn=ADMIN_ARN)
        self.assertIamError(lambda: self.iam.delete_user(UserName="carol"), "DeleteConflict", 409,
                            "Cannot delete entity, must detach all policies first.")
        self.iam.detach_user_policy(UserName="carol", PolicyArn=ADMIN_ARN)
        self.iam.put_user_policy(UserName="carol", PolicyName="s3",
                                 PolicyDocument=json.dumps(ALLOW_S3))
        self.assertIamError(lambda: self.iam.delete_user(UserName="carol"), "DeleteConflict", 409,
                            "Cannot delete entity, must delete policies first.")
        self.iam.delete_user_policy(UserName="carol", PolicyName="s3")
        self.iam.delete_user(UserName="carol")
        self.assertIamError(lambda: self.iam.get_user(UserName="carol"), "NoSuchEntity", 404,
                            "The user with name carol cannot be found.")

    def test_inactive_key_does_not_sign(self):
        self.iam.create_user(UserName="dave")
        key = self.iam.create_access_key(UserName="dave")["AccessKey"]
        sts = self.client("sts", access_key=key["AccessKeyId"],
                          secret_key=key["SecretAccessKey"])
        self.assertTrue(sts.get_caller_identity()["Arn"].endswith(":user/dave"))
        self.iam.update_access_key(UserName="dave", AccessKeyId=key["AccessKeyId"],
                                   Status="Inactive")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_groups(self):
        self.iam.create_group(GroupName="devs")
        self.iam.create_user(UserName="erin")
        self.iam.add_user_to_group(GroupName="devs", UserName="erin")
        group = self.iam.get_group(GroupName="devs")
        self.assertEqual([u["UserName"] for u in group["Users"]], ["erin"])
        self.assertEqual(group["Group"]["Arn"], "arn:aws:iam::%s:group/devs" % ACCOUNT_ID)
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups_for_user(UserName="erin")["Groups"]], ["devs"])
        self.iam.put_group_policy(GroupName="devs", PolicyName="logs",
                                  PolicyDocument=json.dumps(ALLOW_LOGS))
        self.assertEqual(self.iam.get_group_policy(GroupName="devs", PolicyName="logs")
                         ["PolicyDocument"], ALLOW_LOGS)
        self.assertIamError(lambda: self.iam.delete_group(GroupName="devs"), "DeleteConflict",
                            409, "Cannot delete entity, must remove users from group first.")
        self.iam.remove_user_from_group(GroupName="devs", UserName="erin")
        self.iam.delete_group_policy(GroupName="devs", PolicyName="logs")
        self.iam.delete_group(GroupName="devs")
        self.assertEqual(self.iam.list_groups()["Groups"], [])

    def test_paging_users(self):
        for i in range(5):
            self.iam.create_user(UserName="page%d" % i)
        first = self.iam.list_users(MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        names = [u["UserName"] for u in first["Users"]]
        marker = first["Marker"]
        while marker:
            page = self.iam.list_users(MaxItems=2, Marker=marker)
            names += [u["UserName"] for u in page["Users"]]
            marker = page.get("Marker")
        self.assertEqual(sorted(names), ["orgtrail-admin"] + ["page%d" % i for i in range(5)])
        paginated = [u["UserName"] for p in self.iam.get_paginator("list_users").paginate(
            PaginationConfig={"PageSize": 2}) for u in p["Users"]]
        self.assertEqual(sorted(paginated), sorted(names))


class RolesTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.iam = self.client("iam")

    def test_cli_v2_trust_policy_round_trip(self):
        out = self.assertCliOk(self.aws(
            2, "iam", "create-role", "--role-name", "app", "--path", "/svc/",
            "--assume-role-policy-document", json.dumps(TRUST), "--max-session-duration", "7200",
            "--description", "the app"))
        role = out["Role"]
        self.assertRegex(role["RoleId"], ROLE_ID)
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/svc/app" % ACCOUNT_ID)
        self.assertEqual(role["AssumeRolePolicyDocument"], TRUST)  # decoded by the CLI
        got = self.assertCliOk(self.aws(2, "iam", "get-role", "--role-name", "app"))["Role"]
        self.assertEqual(got["AssumeRolePolicyDocument"], TRUST)
        self.assertEqual(got["MaxSessionDuration"], 7200)
        self.assertEqual(got["Description"], "the app")
        listed = self.assertCliOk(self.aws(2, "iam", "list-roles"))["Roles"]
        self.assertIn("app", [r["RoleName"] for r in listed])
        self.assertCliError(self.aws(2, "iam", "create-role", "--role-name", "app",
                                     "--assume-role-policy-document", json.dumps(TRUST)),
                            "EntityAlreadyExists")

    def test_cli_v1_trust_policy_round_trip(self):
        out = self.assertCliOk(self.aws(1, "iam", "create-role", "--role-name", "v1role",
                                        "--assume-role-policy-document", json.dumps(TRUST)))
        self.assertEqual(out["Role"]["AssumeRolePolicyDocument"], TRUST)
        got = self.assertCliOk(self.aws(1, "iam", "get-role", "--role-name", "v1role"))
        self.assertEqual(got["Role"]["AssumeRolePolicyDocument"], TRUST)

    def test_update_role_and_trust(self):
        self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
        self.iam.update_role(RoleName="r", MaxSessionDuration=43200)
        self.assertEqual(self.iam.get_role(RoleName="r")["Role"]["MaxSessionDuration"], 43200)
        lambda_trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"}]}
        self.iam.update_assume_role_policy(RoleName="r", PolicyDocument=json.dumps(lambda_trust))
        self.assertEqual(self.iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"],
                         lambda_trust)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.update_assume_role_policy(RoleName="r", PolicyDocument="{not json")
        self.assertClientError(cm.exception, "MalformedPolicyDocument", 400)

    def test_role_inline_policies_tags_and_delete(self):
        self.iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps(TRUST))
        self.iam.put_role_policy(RoleName="worker", PolicyName="s3",
                                 PolicyDocument=json.dumps(ALLOW_S3))
        self.assertEqual(self.iam.list_role_policies(RoleName="worker")["PolicyNames"], ["s3"])
        got = self.iam.get_role_policy(RoleName="worker", PolicyName="s3")
        self.assertEqual(got["PolicyDocument"], ALLOW_S3)  # URL-decoded and parsed by botocore
        self.iam.tag_role(RoleName="worker", Tags=[{"Key": "env", "Value": "ci"}])
        self.assertEqual(self.iam.list_role_tags(RoleName="worker")["Tags"],
                         [{"Key": "env", "Value": "ci"}])
        self.iam.untag_role(RoleName="worker", TagKeys=["env"])
        self.assertEqual(self.iam.list_role_tags(RoleName="worker")["Tags"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.delete_role(RoleName="worker")
        self.assertClientError(cm.exception, "DeleteConflict", 409,
                               "Cannot delete entity, must delete policies first.")
        self.iam.delete_role_policy(RoleName="worker", PolicyName="s3")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.get_role_policy(RoleName="worker", PolicyName="s3")
        self.assertClientError(cm.exception, "NoSuchEntity", 404,
                               "The role policy with name s3 cannot be found.")
        self.iam.delete_role(RoleName="worker")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.get_role(RoleName="worker")
        self.assertClientError(cm.exception, "NoSuchEntity", 404,
                               "The role with name worker cannot be found.")

    def test_service_linked_role(self):
        role = self.iam.create_service_linked_role(
            AWSServiceName="cloudtrail.amazonaws.com")["Role"]
        self.assertEqual(role["RoleName"], "AWSServiceRoleForCloudTrail")
        self.assertEqual(role["Path"], "/aws-service-role/cloudtrail.amazonaws.com/")
        attached = self.iam.list_attached_role_policies(
            RoleName="AWSServiceRoleForCloudTrail")["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in attached], ["CloudTrailServiceRolePolicy"])
        message = ("Cannot perform the operation on the protected role "
                   "'AWSServiceRoleForCloudTrail' - this role is only modifiable by AWS")
        for call in (lambda: self.iam.delete_role(RoleName="AWSServiceRoleForCloudTrail"),
                     lambda: self.iam.update_assume_role_policy(
                         RoleName="AWSServiceRoleForCloudTrail",
                         PolicyDocument=json.dumps(TRUST)),
                     lambda: self.iam.attach_role_policy(
                         RoleName="AWSServiceRoleForCloudTrail", PolicyArn=ADMIN_ARN)):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call()
            self.assertClientError(cm.exception, "UnmodifiableEntity", 400, message)


class ManagedPoliciesTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.iam = self.client("iam")

    def test_cli_v2_versions(self):
        created = self.assertCliOk(self.aws(2, "iam", "create-policy", "--policy-name", "s3",
                                            "--policy-document", json.dumps(ALLOW_S3)))["Policy"]
        self.assertRegex(created["PolicyId"], POLICY_ID)
        self.assertEqual(created["Arn"], policy_arn("s3"))
        self.assertEqual(created["DefaultVersionId"], "v1")
        v2 = self.assertCliOk(self.aws(2, "iam", "create-policy-version", "--policy-arn",
                                       policy_arn("s3"), "--policy-document",
                                       json.dumps(ALLOW_LOGS), "--set-as-default"))
        self.assertEqual(v2["PolicyVersion"]["VersionId"], "v2")
        self.assertTrue(v2["PolicyVersion"]["IsDefaultVersion"])
        got = self.assertCliOk(self.aws(2, "iam", "get-policy-version", "--policy-arn",
                                        policy_arn("s3"), "--version-id", "v2"))
        self.assertEqual(got["PolicyVersion"]["Document"], ALLOW_LOGS)
        versions = self.assertCliOk(self.aws(2, "iam", "list-policy-versions", "--policy-arn",
                                             policy_arn("s3")))["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["v2", "v1"])
        result = self.aws(2, "iam", "set-default-policy-version", "--policy-arn",
                          policy_arn("s3"), "--version-id", "v1")
        self.assertEqual(result.returncode, 0, result)
        policy = self.assertCliOk(self.aws(2, "iam", "get-policy", "--policy-arn",
                                           policy_arn("s3")))["Policy"]
        self.assertEqual(policy["DefaultVersionId"], "v1")
        self.assertCliError(self.aws(2, "iam", "delete-policy-version", "--policy-arn",
                                     policy_arn("s3"), "--version-id", "v1"), "DeleteConflict")
        self.assertCliError(self.aws(2, "iam", "create-policy", "--policy-name", "bad",
                                     "--policy-document", json.dumps(WITH_PRINCIPAL)),
                            "MalformedPolicyDocument")

    def test_version_limit_and_delete(self):
        arn = self.iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3))[
            "Policy"]["Arn"]
        for _ in range(4):
            self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_LOGS))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_LOGS))
        self.assertClientError(cm.exception, "LimitExceeded", 409)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3))
        self.assertClientError(cm.exception, "EntityAlreadyExists", 409,
                               "A policy called p already exists. Duplicate names are not "
                               "allowed.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.delete_policy(PolicyArn=arn)
        self.assertClientError(cm.exception, "DeleteConflict", 409)
        for v in ("v2", "v3", "v4", "v5"):
            self.iam.delete_policy_version(PolicyArn=arn, VersionId=v)
        self.iam.delete_policy(PolicyArn=arn)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.get_policy(PolicyArn=arn)
        self.assertClientError(cm.exception, "NoSuchEntity", 404,
                               "Policy %s was not found." % arn)

    def test_attach_detach_list(self):
        arn = self.iam.create_policy(PolicyName="s3", PolicyDocument=json.dumps(ALLOW_S3))[
            "Policy"]["Arn"]
        self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
        self.iam.attach_role_policy(RoleName="r", PolicyArn=arn)
        self.iam.attach_role_policy(RoleName="r", PolicyArn=ADMIN_ARN)
        attached = self.iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
        self.assertEqual(sorted(p["PolicyArn"] for p in attached), sorted([arn, ADMIN_ARN]))
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 1)
        only = self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
        self.assertEqual([p["PolicyName"] for p in only], ["s3"])
        aws = [p["PolicyName"] for p in self.iam.list_policies(Scope="AWS")["Policies"]]
        self.assertIn("AdministratorAccess", aws)
        self.assertIn("AWSLambdaBasicExecutionRole", aws)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.delete_policy(PolicyArn=arn)
        self.assertClientError(cm.exception, "DeleteConflict", 409,
                               "Cannot delete a policy attached to entities.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.delete_role(RoleName="r")
        self.assertClientError(cm.exception, "DeleteConflict", 409,
                               "Cannot delete entity, must detach all policies first.")
        missing = "arn:aws:iam::aws:policy/NoSuchPolicy"
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.iam.attach_role_policy(RoleName="r", PolicyArn=missing)
        self.assertClientError(cm.exception, "NoSuchEntity", 404,
                               "Policy %s does not exist or is not attachable." % missing)
        self.iam.detach_role_policy(RoleName="r", PolicyArn=arn)
        self.iam.detach_role_policy(RoleName="r", PolicyArn=ADMIN_ARN)
        self.assertEqual(self.iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"],
                         [])
        self.iam.delete_role(RoleName="r")
        self.iam.delete_policy(PolicyArn=arn)

    def test_admin_user_has_administrator_access(self):
        attached = self.iam.list_attached_user_policies(
            UserName="orgtrail-admin")["AttachedPolicies"]
        self.assertEqual([p["PolicyArn"] for p in attached], [ADMIN_ARN])
        doc = self.iam.get_policy_version(PolicyArn=ADMIN_ARN, VersionId="v1")
        self.assertEqual(doc["PolicyVersion"]["Document"]["Statement"][0]["Action"], "*")

    def test_permissions_boundary(self):
        arn = self.iam.create_policy(PolicyName="b", PolicyDocument=json.dumps(ALLOW_S3))[
            "Policy"]["Arn"]
        self.iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=json.dumps(TRUST),
                             PermissionsBoundary=arn)
        role = self.iam.get_role(RoleName="bounded")["Role"]
        self.assertEqual(role["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn})
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"][
            "PermissionsBoundaryUsageCount"], 1)
        self.iam.delete_role_permissions_boundary(RoleName="bounded")
        self.assertNotIn("PermissionsBoundary", self.iam.get_role(RoleName="bounded")["Role"])
        self.iam.create_user(UserName="u")
        self.iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=arn)
        self.assertEqual(self.iam.get_user(UserName="u")["User"]["PermissionsBoundary"][
            "PermissionsBoundaryArn"], arn)


if __name__ == "__main__":
    unittest.main()
