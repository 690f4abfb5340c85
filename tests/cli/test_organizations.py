"""Organizations through the AWS CLI v2, the AWS CLI v1 and boto3 (spec/org-iam.md §2):
organization, asynchronous CreateAccount, who may call what, OUs, trusted access, delegated
administrators, SCPs and errors."""

import json
import re
import unittest

import botocore.exceptions

from orgtrail_harness import ACCOUNT_ID, OrgtrailTestCase

ORG_ID = re.compile(r"^o-[a-z0-9]{10}$")
ROOT_ID = re.compile(r"^r-[0-9a-z]{4}$")
OU_ID = re.compile(r"^ou-[0-9a-z]{4}-[a-z0-9]{8}$")
CAR_ID = re.compile(r"^car-[a-z0-9]{32}$")
POLICY_ID = re.compile(r"^p-[0-9a-z]{8}$")
ACCOUNT = re.compile(r"^[1-9][0-9]{11}$")

DENIED = "You don't have permissions to access this resource."
NOT_IN_USE = "Your account is not a member of an organization."
CLOUDTRAIL = "cloudtrail.amazonaws.com"
DENY_LEAVE = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization",
                   "Resource": "*"}],
})


class OrganizationsCase(OrgtrailTestCase):

    def assertCliDone(self, result):
        """A command without output (enable-aws-service-access, attach-policy, ...)."""
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(result.stdout.strip(), "", result)

    def advance(self, seconds=2):
        status, body = self.server.admin("POST", "clock", {"advanceSeconds": seconds})
        self.assertEqual(status, 200, body)

    def root_client_of(self, account_id, service="organizations"):
        status, body = self.server.admin("POST", "accounts/%s/root-access-key" % account_id)
        self.assertEqual(status, 200, body)
        return self.client(service, access_key=body["AccessKeyId"],
                           secret_key=body["SecretAccessKey"])

    def create_accounts_boto3(self, *names):
        org = self.client("organizations")
        requests = [org.create_account(Email="%s@example.com" % n, AccountName=n)
                    ["CreateAccountStatus"]["Id"] for n in names]
        self.advance()
        ids = []
        for r in requests:
            status = org.describe_create_account_status(CreateAccountRequestId=r)
            self.assertEqual(status["CreateAccountStatus"]["State"], "SUCCEEDED", status)
            ids.append(status["CreateAccountStatus"]["AccountId"])
        return ids

    def assertBotoError(self, call, code, message=None, reason=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        err = self.assertClientError(cm.exception, code, 400, message)
        if reason is not None:
            self.assertEqual(cm.exception.response.get("Reason", err.get("Reason")), reason,
                             cm.exception.response)
        return cm.exception.response


class OrganizationLifecycleTest(OrganizationsCase):

    def flow(self, version):
        created = self.assertCliOk(self.aws(version, "organizations", "create-organization"))
        org = created["Organization"]
        self.assertRegex(org["Id"], ORG_ID)
        self.assertEqual(org["FeatureSet"], "ALL")
        self.assertEqual(org["MasterAccountId"], ACCOUNT_ID)
        self.assertEqual(org["Arn"], "arn:aws:organizations::%s:organization/%s"
                         % (ACCOUNT_ID, org["Id"]))

        requests = {}
        for name in ("log", "member"):
            out = self.assertCliOk(self.aws(
                version, "organizations", "create-account", "--email", "%s@example.com" % name,
                "--account-name", name))
            status = out["CreateAccountStatus"]
            self.assertEqual(status["State"], "IN_PROGRESS")
            self.assertRegex(status["Id"], CAR_ID)
            requests[name] = status["Id"]

        self.advance()
        for name, request in requests.items():
            out = self.assertCliOk(self.aws(
                version, "organizations", "describe-create-account-status",
                "--create-account-request-id", request))
            self.assertEqual(out["CreateAccountStatus"]["State"], "SUCCEEDED", out)
            self.assertRegex(out["CreateAccountStatus"]["AccountId"], ACCOUNT)

        accounts = self.assertCliOk(self.aws(version, "organizations", "list-accounts"))
        self.assertEqual(sorted(a["Name"] for a in accounts["Accounts"]),
                         sorted(["log", "member", accounts["Accounts"][0]["Name"]]))
        self.assertEqual(len(accounts["Accounts"]), 3)
        for a in accounts["Accounts"]:
            self.assertEqual(a["Status"], "ACTIVE")
            self.assertEqual(a["Arn"], "arn:aws:organizations::%s:account/%s/%s"
                             % (ACCOUNT_ID, org["Id"], a["Id"]))
        described = self.assertCliOk(self.aws(version, "organizations", "describe-organization"))
        self.assertEqual(described["Organization"]["Id"], org["Id"])
        statuses = self.assertCliOk(self.aws(
            version, "organizations", "list-create-account-status", "--states", "SUCCEEDED"))
        self.assertEqual(len(statuses["CreateAccountStatuses"]), 2)

    def test_cli_v2(self):
        self.flow(2)

    def test_cli_v1(self):
        self.flow(1)

    def test_boto3(self):
        org = self.client("organizations")
        created = org.create_organization(FeatureSet="ALL")["Organization"]
        self.assertEqual(created["AvailablePolicyTypes"],
                         [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
        log, member = self.create_accounts_boto3("log", "member")
        accounts = {a["Id"]: a for a in org.list_accounts()["Accounts"]}
        self.assertEqual(set(accounts), {ACCOUNT_ID, log, member})
        self.assertEqual(accounts[ACCOUNT_ID]["JoinedMethod"], "INVITED")
        self.assertEqual(accounts[log]["JoinedMethod"], "CREATED")
        self.assertEqual(accounts[log]["State"], "ACTIVE")
        self.assertEqual(org.describe_account(AccountId=member)["Account"]["Email"],
                         "member@example.com")
        roots = org.list_roots()["Roots"]
        self.assertEqual(len(roots), 1)
        self.assertRegex(roots[0]["Id"], ROOT_ID)
        pages = org.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 1})
        self.assertEqual(sum(len(p["Accounts"]) for p in pages), 3)

    def test_in_progress_until_the_clock_moves(self):
        org = self.client("organizations")
        org.create_organization()
        request = org.create_account(Email="a@example.com", AccountName="a")
        request_id = request["CreateAccountStatus"]["Id"]
        self.assertEqual(len(org.list_accounts()["Accounts"]), 1)
        in_progress = org.list_create_account_status(States=["IN_PROGRESS"])
        self.assertEqual(len(in_progress["CreateAccountStatuses"]), 1)
        self.advance()
        self.assertEqual(len(org.list_accounts()["Accounts"]), 2)
        org.create_account(Email="a@example.com", AccountName="again")
        self.advance()
        failed = org.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["FailureReason"], "EMAIL_ALREADY_EXISTS")
        self.assertEqual(org.describe_create_account_status(
            CreateAccountRequestId=request_id)["CreateAccountStatus"]["State"], "SUCCEEDED")

    def test_new_account_has_the_access_role(self):
        self.client("organizations").create_organization()
        (member,) = self.create_accounts_boto3("member")
        status, body = self.server.admin("GET", "accounts")
        self.assertEqual(status, 200)
        self.assertIn(member, [a["Id"] for a in body["accounts"]])
        iam = self.root_client_of(member, "iam")
        role = iam.get_role(RoleName="OrganizationAccountAccessRole")["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % member)
        attached = iam.list_attached_role_policies(RoleName="OrganizationAccountAccessRole")
        self.assertEqual([p["PolicyName"] for p in attached["AttachedPolicies"]],
                         ["AdministratorAccess"])


class WhoMayCallTest(OrganizationsCase):

    def test_standalone_account(self):
        org = self.client("organizations")
        self.assertBotoError(org.describe_organization, "AWSOrganizationsNotInUseException",
                             NOT_IN_USE)
        self.assertCliError(self.aws(2, "organizations", "list-accounts"),
                            "AWSOrganizationsNotInUseException")

    def test_member_root_is_denied_management_calls(self):
        self.client("organizations").create_organization()
        (member,) = self.create_accounts_boto3("member")
        as_member = self.root_client_of(member)
        self.assertEqual(as_member.describe_organization()["Organization"]["MasterAccountId"],
                         ACCOUNT_ID)
        self.assertBotoError(as_member.list_accounts, "AccessDeniedException", DENIED)
        self.assertBotoError(lambda: as_member.create_account(Email="x@example.com",
                                                              AccountName="x"),
                             "AccessDeniedException", DENIED)
        self.assertBotoError(as_member.create_organization, "AlreadyInOrganizationException")

    def test_member_root_cli_v2(self):
        self.client("organizations").create_organization()
        (member,) = self.create_accounts_boto3("member")
        status, key = self.server.admin("POST", "accounts/%s/root-access-key" % member)
        self.assertEqual(status, 200)
        result = self.aws(2, "organizations", "list-accounts", access_key=key["AccessKeyId"],
                          secret_key=key["SecretAccessKey"])
        self.assertCliError(result, "AccessDeniedException")
        self.assertIn(DENIED, result.stderr)

    def test_duplicate_organization(self):
        self.assertCliOk(self.aws(2, "organizations", "create-organization"))
        self.assertCliError(self.aws(2, "organizations", "create-organization"),
                            "AlreadyInOrganizationException")


class OrganizationalUnitsTest(OrganizationsCase):

    def test_ous_and_move_account(self):
        org = self.client("organizations")
        org.create_organization()
        (member,) = self.create_accounts_boto3("member")
        root = org.list_roots()["Roots"][0]["Id"]
        ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]
        self.assertRegex(ou["Id"], OU_ID)
        self.assertTrue(ou["Id"].startswith("ou-%s-" % root[2:]))
        self.assertBotoError(lambda: org.create_organizational_unit(ParentId=root,
                                                                    Name="Workloads"),
                             "DuplicateOrganizationalUnitException")
        org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou["Id"])
        self.assertBotoError(lambda: org.move_account(AccountId=member, SourceParentId=root,
                                                      DestinationParentId=ou["Id"]),
                             "DuplicateAccountException")
        self.assertBotoError(lambda: org.move_account(AccountId=member, SourceParentId="r-zzzz",
                                                      DestinationParentId=root),
                             "SourceParentNotFoundException")
        self.assertEqual(org.list_parents(ChildId=member)["Parents"],
                         [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual([a["Id"] for a in
                          org.list_accounts_for_parent(ParentId=ou["Id"])["Accounts"]], [member])
        children = org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")["Children"]
        self.assertEqual(children, [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertBotoError(lambda: org.delete_organizational_unit(
            OrganizationalUnitId=ou["Id"]), "OrganizationalUnitNotEmptyException")
        renamed = org.update_organizational_unit(OrganizationalUnitId=ou["Id"], Name="Prod")
        self.assertEqual(renamed["OrganizationalUnit"]["Name"], "Prod")
        self.assertBotoError(lambda: org.describe_organizational_unit(
            OrganizationalUnitId="ou-abcd-abcdefgh"), "OrganizationalUnitNotFoundException")

    def test_cli_v2_ous(self):
        self.assertCliOk(self.aws(2, "organizations", "create-organization"))
        roots = self.assertCliOk(self.aws(2, "organizations", "list-roots"))
        root = roots["Roots"][0]["Id"]
        parent = root
        for depth in range(5):
            out = self.assertCliOk(self.aws(2, "organizations", "create-organizational-unit",
                                            "--parent-id", parent, "--name", "l%d" % depth))
            parent = out["OrganizationalUnit"]["Id"]
        result = self.aws(2, "organizations", "create-organizational-unit", "--parent-id",
                          parent, "--name", "too-deep")
        self.assertCliError(result, "ConstraintViolationException")
        listed = self.assertCliOk(self.aws(2, "organizations",
                                           "list-organizational-units-for-parent",
                                           "--parent-id", root))
        self.assertEqual([o["Name"] for o in listed["OrganizationalUnits"]], ["l0"])


class TrustedAccessTest(OrganizationsCase):

    def test_delegated_administrator_cli_v2(self):
        self.assertCliOk(self.aws(2, "organizations", "create-organization"))
        log, = self.create_accounts_boto3("log")
        register = ("organizations", "register-delegated-administrator", "--account-id", log,
                    "--service-principal", CLOUDTRAIL)
        refused = self.aws(2, *register)
        self.assertCliError(refused, "ConstraintViolationException")
        self.assertCliDone(self.aws(2, "organizations", "enable-aws-service-access",
                                    "--service-principal", CLOUDTRAIL))
        enabled = self.assertCliOk(self.aws(2, "organizations",
                                            "list-aws-service-access-for-organization"))
        self.assertEqual([s["ServicePrincipal"] for s in enabled["EnabledServicePrincipals"]],
                         [CLOUDTRAIL])
        self.assertCliDone(self.aws(2, *register))
        self.assertCliError(self.aws(2, *register), "AccountAlreadyRegisteredException")
        admins = self.assertCliOk(self.aws(2, "organizations", "list-delegated-administrators",
                                           "--service-principal", CLOUDTRAIL))
        self.assertEqual([a["Id"] for a in admins["DelegatedAdministrators"]], [log])

    def test_delegated_administrator_boto3(self):
        org = self.client("organizations")
        org.create_organization()
        log, member = self.create_accounts_boto3("log", "member")
        response = self.assertBotoError(
            lambda: org.register_delegated_administrator(AccountId=log,
                                                         ServicePrincipal=CLOUDTRAIL),
            "ConstraintViolationException", reason="SERVICE_ACCESS_NOT_ENABLED")
        self.assertIn("Error", response)
        self.assertBotoError(lambda: org.enable_aws_service_access(
            ServicePrincipal="nothing.amazonaws.com"), "InvalidInputException",
            reason="UNRECOGNIZED_SERVICE_PRINCIPAL")
        org.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
        iam = self.client("iam")
        role = iam.get_role(RoleName="AWSServiceRoleForCloudTrail")["Role"]
        self.assertEqual(role["Path"], "/aws-service-role/cloudtrail.amazonaws.com/")
        self.assertBotoError(lambda: org.register_delegated_administrator(
            AccountId=ACCOUNT_ID, ServicePrincipal=CLOUDTRAIL), "ConstraintViolationException",
            "You cannot register management account/yourself as delegated administrator for "
            "your organization.", reason="CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR")
        org.register_delegated_administrator(AccountId=log, ServicePrincipal=CLOUDTRAIL)
        self.assertBotoError(lambda: org.register_delegated_administrator(
            AccountId=log, ServicePrincipal=CLOUDTRAIL), "AccountAlreadyRegisteredException",
            "The provided account is already a delegated administrator for your organization.")
        services = org.list_delegated_services_for_account(AccountId=log)["DelegatedServices"]
        self.assertEqual([s["ServicePrincipal"] for s in services], [CLOUDTRAIL])

        as_log = self.root_client_of(log)
        self.assertEqual(len(as_log.list_accounts()["Accounts"]), 3)
        self.assertBotoError(lambda: as_log.create_organizational_unit(
            ParentId=as_log.list_roots()["Roots"][0]["Id"], Name="x"),
            "AccessDeniedException", DENIED)
        self.assertBotoError(self.root_client_of(member).list_accounts,
                             "AccessDeniedException", DENIED)

        org.deregister_delegated_administrator(AccountId=log, ServicePrincipal=CLOUDTRAIL)
        self.assertBotoError(lambda: org.deregister_delegated_administrator(
            AccountId=log, ServicePrincipal=CLOUDTRAIL), "AccountNotRegisteredException")


class ServiceControlPoliciesTest(OrganizationsCase):

    def test_scp_create_attach_list_boto3(self):
        org = self.client("organizations")
        org.create_organization()
        (member,) = self.create_accounts_boto3("member")
        root = org.list_roots()["Roots"][0]["Id"]
        ou = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]
        policy = org.create_policy(Name="DenyLeave", Description="no leaving",
                                   Type="SERVICE_CONTROL_POLICY", Content=DENY_LEAVE)["Policy"]
        summary = policy["PolicySummary"]
        self.assertRegex(summary["Id"], POLICY_ID)
        self.assertFalse(summary["AwsManaged"])
        self.assertTrue(summary["Arn"].endswith("/service_control_policy/" + summary["Id"]))
        org.attach_policy(PolicyId=summary["Id"], TargetId=ou["Id"])
        org.attach_policy(PolicyId=summary["Id"], TargetId=member)
        self.assertBotoError(lambda: org.attach_policy(PolicyId=summary["Id"], TargetId=member),
                             "DuplicatePolicyAttachmentException")
        targets = org.list_targets_for_policy(PolicyId=summary["Id"])["Targets"]
        self.assertEqual(sorted(t["TargetId"] for t in targets), sorted([ou["Id"], member]))
        on_root = org.list_policies_for_target(TargetId=root, Filter="SERVICE_CONTROL_POLICY")
        self.assertEqual([p["Id"] for p in on_root["Policies"]], ["p-FullAWSAccess"])
        listed = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
        self.assertEqual(sorted(p["Name"] for p in listed), ["DenyLeave", "FullAWSAccess"])
        full = org.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]
        self.assertEqual(json.loads(full["Content"])["Statement"][0]["Action"], "*")
        self.assertBotoError(lambda: org.delete_policy(PolicyId=summary["Id"]),
                             "PolicyInUseException")
        self.assertBotoError(lambda: org.detach_policy(PolicyId="p-FullAWSAccess",
                                                       TargetId=root),
                             "ConstraintViolationException",
                             reason="MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
        self.assertBotoError(lambda: org.create_policy(
            Name="bad", Description="", Type="SERVICE_CONTROL_POLICY",
            Content='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
                    '"Action":"*","Resource":"*"}]}'), "MalformedPolicyDocumentException")
        org.detach_policy(PolicyId=summary["Id"], TargetId=member)
        org.detach_policy(PolicyId=summary["Id"], TargetId=ou["Id"])
        org.delete_policy(PolicyId=summary["Id"])
        self.assertBotoError(lambda: org.describe_policy(PolicyId=summary["Id"]),
                             "PolicyNotFoundException")

    def test_scp_cli_v2(self):
        self.assertCliOk(self.aws(2, "organizations", "create-organization"))
        created = self.assertCliOk(self.aws(
            2, "organizations", "create-policy", "--name", "DenyLeave", "--description", "d",
            "--type", "SERVICE_CONTROL_POLICY", "--content", DENY_LEAVE))
        policy_id = created["Policy"]["PolicySummary"]["Id"]
        root = self.assertCliOk(self.aws(2, "organizations", "list-roots"))["Roots"][0]["Id"]
        self.assertCliDone(self.aws(2, "organizations", "attach-policy", "--policy-id",
                                    policy_id, "--target-id", root))
        listed = self.assertCliOk(self.aws(2, "organizations", "list-policies-for-target",
                                           "--target-id", root, "--filter",
                                           "SERVICE_CONTROL_POLICY"))
        self.assertEqual(sorted(p["Id"] for p in listed["Policies"]),
                         sorted(["p-FullAWSAccess", policy_id]))

    def test_tags(self):
        org = self.client("organizations")
        org.create_organization()
        root = org.list_roots()["Roots"][0]["Id"]
        org.tag_resource(ResourceId=root, Tags=[{"Key": "env", "Value": "test"}])
        self.assertEqual(org.list_tags_for_resource(ResourceId=root)["Tags"],
                         [{"Key": "env", "Value": "test"}])
        org.untag_resource(ResourceId=root, TagKeys=["env"])
        self.assertEqual(org.list_tags_for_resource(ResourceId=root)["Tags"], [])


class LeaveAndDeleteTest(OrganizationsCase):

    def test_leave_and_delete(self):
        org = self.client("organizations")
        org.create_organization()
        (member,) = self.create_accounts_boto3("member")
        self.assertBotoError(org.delete_organization, "OrganizationNotEmptyException")
        self.assertBotoError(org.leave_organization, "MasterCannotLeaveOrganizationException")
        as_member = self.root_client_of(member)
        as_member.leave_organization()
        self.assertBotoError(as_member.describe_organization,
                             "AWSOrganizationsNotInUseException", NOT_IN_USE)
        org.delete_organization()
        self.assertBotoError(org.describe_organization, "AWSOrganizationsNotInUseException")


if __name__ == "__main__":
    unittest.main()
