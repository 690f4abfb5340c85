"""The organization walkthrough's access rules, end to end with the real AWS CLI and boto3.

A management account creates an organization with a "log" and a "member" account; people reach
them through `orgtrail env` and `sts assume-role`; Organizations, IAM policies and SCPs are
enforced on every request.
"""
import json
import os
import subprocess
import unittest

import botocore.exceptions

from orgtrail_harness import OrgtrailTestCase, binary_path

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


class OrganizationAccessTest(OrgtrailTestCase):

    def create_organization(self, version=2):
        org = self.assertCliOk(self.aws(version, "organizations", "create-organization"))
        self.assertEqual(org["Organization"]["FeatureSet"], "ALL")
        accounts = {}
        for name in ("log", "member"):
            status = self.assertCliOk(self.aws(
                version, "organizations", "create-account", "--email",
                "%s@example.com" % name, "--account-name", name))["CreateAccountStatus"]
            self.assertEqual(status["State"], "IN_PROGRESS")
            accounts[name] = status["Id"]
        self.server.admin("POST", "clock", {"advanceSeconds": 2})
        for name, request_id in list(accounts.items()):
            status = self.assertCliOk(self.aws(
                version, "organizations", "describe-create-account-status",
                "--create-account-request-id", request_id))["CreateAccountStatus"]
            self.assertEqual(status["State"], "SUCCEEDED", status)
            accounts[name] = status["AccountId"]
        listed = self.assertCliOk(self.aws(version, "organizations", "list-accounts"))["Accounts"]
        by_id = {a["Id"]: a for a in listed}
        for name in ("log", "member"):
            self.assertEqual(by_id[accounts[name]]["Status"], "ACTIVE")
            self.assertEqual(by_id[accounts[name]]["Name"], name)
        return org["Organization"], accounts

    def orgtrail_env(self, account_id):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
        env.pop("AWS_SESSION_TOKEN", None)
        proc = subprocess.run([binary_path(), "env", "--account", account_id, "--endpoint",
                               self.endpoint], capture_output=True, text=True, timeout=30,
                              env=env, stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        exports = {}
        for line in proc.stdout.splitlines():
            if line.startswith("export "):
                name, _, value = line[len("export "):].partition("=")
                exports[name] = value.strip("'")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                     "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
            self.assertIn(name, exports, proc.stdout)
        return exports

    def assume(self, version, account_id, role="OrganizationAccountAccessRole"):
        creds = self.assertCliOk(self.aws(
            version, "sts", "assume-role", "--role-arn",
            "arn:aws:iam::%s:role/%s" % (account_id, role),
            "--role-session-name", "walkthrough"))["Credentials"]
        return creds

    def assertNoOutputOk(self, result):
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(result.stdout.strip(), "", result)

    def as_creds(self, creds):
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "session_token": creds["SessionToken"]}

    def test_accounts_become_active_and_reachable(self):
        for version in (2, 1):
            with self.subTest(cli=version):
                self.server.reset()
                _, accounts = self.create_organization(version)
                exports = self.orgtrail_env(accounts["log"])
                who = self.assertCliOk(self.aws(
                    version, "sts", "get-caller-identity",
                    access_key=exports["AWS_ACCESS_KEY_ID"],
                    secret_key=exports["AWS_SECRET_ACCESS_KEY"],
                    session_token=exports["AWS_SESSION_TOKEN"]))
                self.assertEqual(who["Account"], accounts["log"])
                self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/"
                                 "OrganizationAccountAccessRole/orgtrail-env" % accounts["log"])

                creds = self.assume(version, accounts["member"])
                self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
                who = self.assertCliOk(self.aws(version, "sts", "get-caller-identity",
                                                **self.as_creds(creds)))
                self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/"
                                 "OrganizationAccountAccessRole/walkthrough" % accounts["member"])
                self.assertTrue(who["UserId"].startswith("AROA"))
                self.assertTrue(who["UserId"].endswith(":walkthrough"))

    def test_member_cannot_list_accounts(self):
        _, accounts = self.create_organization()
        creds = self.assume(2, accounts["member"])
        result = self.aws(2, "organizations", "list-accounts", **self.as_creds(creds))
        self.assertCliError(result, "AccessDeniedException")
        self.assertIn("You don't have permissions to access this resource.", result.stderr)
        orgs = self.client("organizations", access_key=creds["AccessKeyId"],
                           secret_key=creds["SecretAccessKey"],
                           session_token=creds["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            orgs.list_accounts()
        self.assertClientError(ctx.exception, "AccessDeniedException", 400,
                               "You don't have permissions to access this resource.")
        # Members may describe their organization.
        org = orgs.describe_organization()["Organization"]
        self.assertEqual(org["MasterAccountId"], "000000000000")

    def test_assume_role_is_refused_without_trust_and_for_root(self):
        _, accounts = self.create_organization()
        arn = "arn:aws:iam::%s:role/NoSuchRole" % accounts["member"]
        sts = self.client("sts")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="session")
        self.assertClientError(
            ctx.exception, "AccessDenied", 403,
            "User: arn:aws:iam::000000000000:user/orgtrail-admin is not authorized to perform: "
            "sts:AssumeRole on resource: %s" % arn)
        root = self.server.root_keys()[0]
        root_sts = self.client("sts", access_key=root["AccessKeyId"],
                               secret_key=root["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            root_sts.assume_role(RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole"
                                 % accounts["member"], RoleSessionName="session")
        self.assertClientError(ctx.exception, "AccessDenied", 403,
                               "Roles may not be assumed by root accounts.")

    def test_iam_resources_are_the_entities(self):
        iam = self.client("iam")
        for name in ("dev-a", "prod-a", "reader"):
            iam.create_user(UserName=name)
        iam.put_user_policy(UserName="reader", PolicyName="dev-only", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "iam:GetUser",
                 "Resource": "arn:aws:iam::000000000000:user/dev-*"}]}))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        reader = self.client("iam", access_key=key["AccessKeyId"],
                             secret_key=key["SecretAccessKey"])
        self.assertEqual(reader.get_user(UserName="dev-a")["User"]["UserName"], "dev-a")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.get_user(UserName="prod-a")
        self.assertClientError(
            ctx.exception, "AccessDenied", 403,
            "User: arn:aws:iam::000000000000:user/reader is not authorized to perform: "
            "iam:GetUser on resource: arn:aws:iam::000000000000:user/prod-a because no "
            "identity-based policy allows the iam:GetUser action")

    def test_session_policies_and_external_id(self):
        iam = self.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "secret-42"}}}]}
        iam.create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps(trust))
        iam.attach_role_policy(RoleName="ops", PolicyArn=ADMIN_POLICY_ARN)
        arn = "arn:aws:iam::000000000000:role/ops"
        sts = self.client("sts")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="no-id")
        self.assertClientError(ctx.exception, "AccessDenied", 403)

        only_list_roles = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]})
        out = sts.assume_role(RoleArn=arn, RoleSessionName="narrow", ExternalId="secret-42",
                              Policy=only_list_roles)
        self.assertGreater(out["PackedPolicySize"], 0)
        creds = self.as_creds(out["Credentials"])
        self.assertCliOk(self.aws(2, "iam", "list-roles", **creds))
        denied = self.aws(2, "iam", "list-users", **creds)
        self.assertCliError(denied, "AccessDenied")
        self.assertIn("arn:aws:sts::000000000000:assumed-role/ops/narrow", denied.stderr)
        self.assertIn("because no session policy allows the iam:ListUsers action", denied.stderr)

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="bad", ExternalId="secret-42",
                            Policy='{"Statement": "nope"}')
        self.assertClientError(ctx.exception, "MalformedPolicyDocument", 400)

        # The narrow session may not assume roles at all; a full session may, for one hour.
        narrow = self.client("sts", access_key=creds["access_key"],
                             secret_key=creds["secret_key"], session_token=creds["session_token"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            narrow.assume_role(RoleArn=arn, RoleSessionName="chain", ExternalId="secret-42")
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        full = self.as_creds(sts.assume_role(RoleArn=arn, RoleSessionName="full",
                                             ExternalId="secret-42")["Credentials"])
        wide = self.client("sts", access_key=full["access_key"], secret_key=full["secret_key"],
                           session_token=full["session_token"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            wide.assume_role(RoleArn=arn, RoleSessionName="chain", ExternalId="secret-42",
                             DurationSeconds=7200)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationError")

    def test_session_tags_are_principal_tags(self):
        iam = self.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
        iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=json.dumps(trust),
                        Tags=[{"Key": "team", "Value": "blue"}])
        iam.put_role_policy(RoleName="tagged", PolicyName="by-team", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}}]}))
        arn = "arn:aws:iam::000000000000:role/tagged"
        sts = self.client("sts")
        blue = self.as_creds(sts.assume_role(RoleArn=arn, RoleSessionName="blue")["Credentials"])
        self.assertCliError(self.aws(2, "iam", "list-roles", **blue), "AccessDenied")
        red = self.as_creds(sts.assume_role(RoleArn=arn, RoleSessionName="red",
                                            Tags=[{"Key": "team", "Value": "red"}])["Credentials"])
        self.assertCliOk(self.aws(2, "iam", "list-roles", **red))

    def test_identity_policies_allow_and_explicit_deny_wins(self):
        iam = self.client("iam")
        iam.create_user(UserName="auditor")
        iam.put_user_policy(UserName="auditor", PolicyName="list-roles", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="auditor")["AccessKey"]
        creds = {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}

        self.assertCliOk(self.aws(2, "iam", "list-roles", **creds))
        denied = self.aws(2, "iam", "list-users", **creds)
        self.assertCliError(denied, "AccessDenied")
        self.assertIn("User: arn:aws:iam::000000000000:user/auditor is not authorized to "
                      "perform: iam:ListUsers", denied.stderr)
        self.assertIn("because no identity-based policy allows the iam:ListUsers action",
                      denied.stderr)

        iam.put_user_policy(UserName="auditor", PolicyName="deny", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Deny", "Action": "iam:List*", "Resource": "*"}]}))
        refused = self.aws(2, "iam", "list-roles", **creds)
        self.assertCliError(refused, "AccessDenied")
        self.assertIn("with an explicit deny in an identity-based policy", refused.stderr)

    def test_simulation_answers_from_the_enforcing_engine(self):
        iam = self.client("iam")
        iam.create_user(UserName="writer")
        iam.put_user_policy(UserName="writer", PolicyName="logs", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "logs:CreateLogStream",
                 "Resource": "arn:aws:logs:us-east-1:000000000000:log-group:app:*"},
                {"Effect": "Deny", "Action": "logs:DeleteLogGroup", "Resource": "*"}]}))
        arn = "arn:aws:iam::000000000000:user/writer"
        results = iam.simulate_principal_policy(
            PolicySourceArn=arn,
            ActionNames=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DeleteLogGroup"],
            ResourceArns=["arn:aws:logs:us-east-1:000000000000:log-group:app:log-stream:s1"],
        )["EvaluationResults"]
        decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
        self.assertEqual(decisions, {"logs:CreateLogStream": "allowed",
                                     "logs:PutLogEvents": "implicitDeny",
                                     "logs:DeleteLogGroup": "explicitDeny"})
        custom = iam.simulate_custom_policy(
            PolicyInputList=[json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})],
            ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::b/k", "arn:aws:s3:::c/k"],
        )["EvaluationResults"]
        self.assertEqual([r["EvalDecision"] for r in custom], ["allowed", "implicitDeny"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::000000000000:user/nobody",
                                          ActionNames=["s3:GetObject"])
        self.assertClientError(ctx.exception, "NoSuchEntity", 404)

    def test_scp_on_member_ou_stops_root_and_admin_role_not_management(self):
        org, accounts = self.create_organization()
        orgs = self.client("organizations")
        root_id = orgs.list_roots()["Roots"][0]["Id"]
        ou = orgs.create_organizational_unit(ParentId=root_id, Name="workloads")
        ou_id = ou["OrganizationalUnit"]["Id"]
        orgs.move_account(AccountId=accounts["member"], SourceParentId=root_id,
                          DestinationParentId=ou_id)
        policy = orgs.create_policy(
            Name="no-roles", Description="deny CreateRole", Type="SERVICE_CONTROL_POLICY",
            Content=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "iam:CreateRole", "Resource": "*"}]}))
        orgs.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=ou_id)

        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"}]})
        status, minted = self.server.admin(
            "POST", "accounts/%s/root-access-key" % accounts["member"])
        self.assertEqual(status, 200, minted)
        member_root = {"access_key": minted["AccessKeyId"],
                       "secret_key": minted["SecretAccessKey"]}
        refused = self.aws(2, "iam", "create-role", "--role-name", "r1",
                           "--assume-role-policy-document", trust, **member_root)
        self.assertCliError(refused, "AccessDenied")
        self.assertIn("with an explicit deny in a service control policy", refused.stderr)

        session = self.as_creds(self.assume(2, accounts["member"]))
        refused = self.aws(2, "iam", "create-role", "--role-name", "r2",
                           "--assume-role-policy-document", trust, **session)
        self.assertCliError(refused, "AccessDenied")
        self.assertIn("with an explicit deny in a service control policy", refused.stderr)
        # Other calls still work for the member's admin role.
        self.assertCliOk(self.aws(2, "iam", "list-roles", **session))

        # The log account is not under the OU; the management account is never limited by SCPs.
        created = self.assertCliOk(self.aws(2, "iam", "create-role", "--role-name", "r3",
                                            "--assume-role-policy-document", trust))
        self.assertEqual(created["Role"]["Arn"], "arn:aws:iam::000000000000:role/r3")

    def test_delegated_administrator_needs_trusted_access(self):
        _, accounts = self.create_organization()
        before = self.aws(2, "organizations", "register-delegated-administrator",
                          "--account-id", accounts["log"],
                          "--service-principal", "cloudtrail.amazonaws.com")
        self.assertCliError(before, "ConstraintViolationException")
        self.assertNoOutputOk(self.aws(2, "organizations", "enable-aws-service-access",
                                       "--service-principal", "cloudtrail.amazonaws.com"))
        self.assertNoOutputOk(self.aws(2, "organizations", "register-delegated-administrator",
                                       "--account-id", accounts["log"],
                                       "--service-principal", "cloudtrail.amazonaws.com"))
        admins = self.assertCliOk(self.aws(
            2, "organizations", "list-delegated-administrators",
            "--service-principal", "cloudtrail.amazonaws.com"))["DelegatedAdministrators"]
        self.assertEqual([a["Id"] for a in admins], [accounts["log"]])
        again = self.aws(2, "organizations", "register-delegated-administrator",
                         "--account-id", accounts["log"],
                         "--service-principal", "cloudtrail.amazonaws.com")
        self.assertCliError(again, "AccountAlreadyRegisteredException")
        # The service-linked role of CloudTrail exists in the management account.
        role = self.client("iam").get_role(RoleName="AWSServiceRoleForCloudTrail")["Role"]
        self.assertEqual(role["Path"], "/aws-service-role/cloudtrail.amazonaws.com/")


if __name__ == "__main__":
    unittest.main()
