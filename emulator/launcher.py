"""
fleetflags' AWS emulator: moto's server, with fidelity fixes.

    python3 emulator/launcher.py --port 4566 [--host 127.0.0.1] [--seed 1] [--account 000000000000]

Starts moto's server (one port: S3, DynamoDB, EC2, ELBv2, Auto Scaling, IAM, SSM, KMS,
STS) as account 000000000000 on the loopback interface, seeds its random IDs (so the
default VPC and subnets have the same IDs on every start), and answers
`GET /fleetflags/emulator` with its boot ID, the moto version and the patches applied.

Each patch fixes one defect of moto that stops or slows the fleetflags stacks. A patch
is applied only when a probe (run in-process against moto's own mock, before the
server starts) shows that the running moto has the defect: a moto that fixed it gets
no patch. The read-back fixes (moto answering an attribute differently from what was
written, so every plan showed updates) are in emulator/patches/read_back.py, and the
creates AWS makes idempotent in emulator/patches/idempotent_create.py, probed and
applied the same way. `lib/emulator/` starts this file; test/emulator/ has one
test per patch, through the AWS SDK, that fails without it.
"""
import argparse
import copy
import datetime
import json
import logging
import os
import sys
import threading
import uuid

# The patch modules next to this file (emulator/patches/), whatever the working directory.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from patches import idempotent_create, read_back  # noqa: E402
from server import EmulatorInfo, OneRequestAtATime, self_signed_certificate  # noqa: E402

PROBE_REGION = "us-east-1"


# ---------------------------------------------------------------------------
# Probes: does the running moto have the defect? Each runs against moto's mock.
# ---------------------------------------------------------------------------

def _probe_group(asg, ec2, name, **kwargs):
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{name}-lt",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t4g.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=subnet,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
                "Overrides": [{"InstanceType": "t4g.micro"}, {"InstanceType": "t4g.small"}],
            },
            "InstancesDistribution": {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 50},
        },
        **kwargs,
    )
    return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def probe_defects():
    """{defect: True when moto has it}, from one mock session."""
    import boto3
    from moto import mock_aws

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "probe")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "probe")
    found = {}
    with mock_aws():
        asg = boto3.client("autoscaling", region_name=PROBE_REGION)
        ec2 = boto3.client("ec2", region_name=PROBE_REGION)
        group = _probe_group(asg, ec2, "probe")
        # 1. desired 2 = 1 on-demand base + 1 above it at 50% on-demand: AWS runs 2 instances.
        found["mixed-instances-capacity"] = len(group["Instances"]) != 2
        # 2. StartInstanceRefresh.
        try:
            asg.start_instance_refresh(AutoScalingGroupName="probe")
            found["instance-refresh"] = False
        except Exception:  # NotImplementedError in mock mode, HTTP 500 in server mode
            found["instance-refresh"] = True
        # 3. UpdateAutoScalingGroup without a MixedInstancesPolicy keeps the group's policy.
        asg.update_auto_scaling_group(AutoScalingGroupName="probe", MaxSize=5)
        updated = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["probe"])["AutoScalingGroups"][0]
        found["update-keeps-mixed-policy"] = "MixedInstancesPolicy" not in updated
        # 5. A group launches from a launch template version made by CreateLaunchTemplateVersion with user data.
        found["launch-template-version-user-data"] = _probe_template_version(asg, ec2)
        # 4. A bucket policy's Deny conditioned on aws:SecureTransport = false (a TLS-only bucket)
        # must not deny a request that came over TLS.
        found["bucket-policy-secure-transport"] = _probe_secure_transport()
        # 6. A bucket policy's Deny of s3:PutObject conditioned on s3:if-none-match being absent
        # (the artifacts bucket: a published build is never overwritten) must let a conditional write through.
        found["bucket-policy-if-none-match"] = _probe_if_none_match()
        # 7-10. Read-back differences (emulator/patches/read_back.py); 11-13. creates AWS makes idempotent
        # (emulator/patches/idempotent_create.py).
        clients = {"ec2": ec2, "autoscaling": asg, "elbv2": boto3.client("elbv2", region_name=PROBE_REGION)}
        for name, probe in {**read_back.PROBES, **idempotent_create.PROBES}.items():
            found[name] = probe(clients)
    return found


def _probe_template_version(asg, ec2):
    import base64

    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="probe-v", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t4g.micro"})
    ec2.create_launch_template_version(
        LaunchTemplateName="probe-v", LaunchTemplateData={"ImageId": "ami-12c6146b", "UserData": base64.b64encode(b"#!/bin/sh").decode()}
    )
    try:
        asg.create_auto_scaling_group(
            AutoScalingGroupName="probe-v", MinSize=1, MaxSize=1, DesiredCapacity=1, VPCZoneIdentifier=subnet,
            LaunchTemplate={"LaunchTemplateName": "probe-v", "Version": "$Latest"},
        )
        return False
    except Exception:
        return True


TLS_ONLY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::probe", "arn:aws:s3:::probe/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def _probe_secure_transport():
    from moto.iam.access_control import IAMPolicy, PermissionResult

    result = IAMPolicy(json.dumps(TLS_ONLY_POLICY)).is_action_permitted("s3:GetObject", "arn:aws:s3:::probe/key")
    return result == PermissionResult.DENIED


WRITE_ONCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::probe/builds/*",
            "Condition": {"Null": {"s3:if-none-match": "true"}},
        }
    ],
}


def _probe_if_none_match():
    from moto.iam.access_control import IAMPolicy, PermissionResult

    # moto evaluates no condition: a Deny that should apply only without If-None-Match applies always.
    result = IAMPolicy(json.dumps(WRITE_ONCE_POLICY)).is_action_permitted("s3:PutObject", "arn:aws:s3:::probe/builds/x")
    return result == PermissionResult.DENIED


# ---------------------------------------------------------------------------
# Patches: one per defect.
# ---------------------------------------------------------------------------

def patch_mixed_instances_capacity():
    """
    Defect: moto rounds both halves of a mixed-instances split down (desired 2, base 1,
    50% on-demand above base: 1 instance). AWS always runs the desired capacity; the
    split only decides on-demand vs spot. Terraform waits 10 minutes for the capacity.
    Fix: after moto's own sizing, launch what its rounding left out, and register
    those instances with the group's load balancers and target groups as AWS does
    with every instance of a group (moto registers them at the end of its own
    sizing, before this: a capacity raised by an update left the target groups one
    short, so a health check counting healthy targets waited, and the next instance
    refresh failed to deregister the missing one).
    """
    from moto.autoscaling.models import FakeAutoScalingGroup

    original = FakeAutoScalingGroup.set_desired_capacity

    def set_desired_capacity(self, new_capacity):
        original(self, new_capacity)
        overrides = ((self.mixed_instances_policy or {}).get("LaunchTemplate") or {}).get("Overrides") or []
        weighted = any(str(o.get("WeightedCapacity", "1")) not in ("", "1") for o in overrides)
        missing = (self.desired_capacity or 0) - len(self.active_instances())
        if overrides and not weighted and missing > 0:
            self.replace_autoscaling_group_instances(missing, self.get_propagated_tags())
            # As moto's own sizing does: a group being created is registered once it is stored.
            if self.name in self.autoscaling_backend.autoscaling_groups:
                self.autoscaling_backend.update_attached_elbs(self.name)
                self.autoscaling_backend.update_attached_target_groups(self.name)

    FakeAutoScalingGroup.set_desired_capacity = set_desired_capacity


def patch_update_keeps_mixed_policy():
    """
    Defect: UpdateAutoScalingGroup without a MixedInstancesPolicy (a change of max size
    only) erases the group's policy; AWS keeps it. Fix: keep it unless the request sets
    a launch template, a launch configuration or a new policy.
    """
    from moto.autoscaling.models import FakeAutoScalingGroup

    original = FakeAutoScalingGroup.update

    def update(self, *args, **kwargs):
        if (
            kwargs.get("mixed_instances_policy") is None
            and not kwargs.get("launch_template")
            and not kwargs.get("launch_config_name")
            and self.mixed_instances_policy is not None
        ):
            kept = copy.deepcopy(self.mixed_instances_policy)
            # moto stores both the template's ID and name, and refuses a request with both.
            spec = kept.get("LaunchTemplate", {}).get("LaunchTemplateSpecification", {})
            if spec.get("LaunchTemplateId"):
                spec.pop("LaunchTemplateName", None)
            kwargs["mixed_instances_policy"] = kept
        return original(self, *args, **kwargs)

    FakeAutoScalingGroup.update = update


def patch_instance_refresh():
    """
    Defect: StartInstanceRefresh is not implemented (HTTP 500; Terraform retries it for
    13 minutes). Fix: Start/Describe/CancelInstanceRefresh. A refresh replaces every
    instance of the group with one from its current launch template at once, and is
    then Successful (moto runs no health checks, so there is nothing to wait for).
    """
    from moto.autoscaling.exceptions import AutoscalingClientError
    from moto.autoscaling.models import AutoScalingBackend
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import ActionResult

    def start_instance_refresh(self, group_name, preferences, desired_configuration):
        if group_name not in self.autoscaling_groups:
            raise AutoscalingClientError("ValidationError", f"AutoScalingGroup name not found - {group_name}")
        refreshes = self.__dict__.setdefault("fleetflags_refreshes", {})
        group = self.autoscaling_groups[group_name]
        now = datetime.datetime.now(datetime.timezone.utc)
        old = [s.instance.id for s in group.instance_states]
        if old:
            self.ec2_backend.terminate_instances(old)
            group.instance_states = []
        if group.desired_capacity:
            group.replace_autoscaling_group_instances(group.desired_capacity, group.get_propagated_tags())
        # The old instances leave every target group they are in (one that never joined is no error: AWS's
        # refresh does not fail on it), then the new ones join.
        for target_group in self.elbv2_backend.describe_target_groups(target_group_arns=group.target_group_arns, load_balancer_arn=None, names=None) if group.target_group_arns else []:
            target_group.deregister_terminated_instances(old)
        self.update_attached_target_groups(group_name)
        refresh = {
            "InstanceRefreshId": str(uuid.uuid4()),
            "AutoScalingGroupName": group_name,
            "Status": "Successful",
            "StatusReason": "fleetflags emulator: every instance replaced at once",
            "StartTime": now,
            "EndTime": now,
            "PercentageComplete": 100,
            "InstancesToUpdate": 0,
            "Preferences": preferences or {},
        }
        if desired_configuration:
            refresh["DesiredConfiguration"] = desired_configuration
        refreshes.setdefault(group_name, []).insert(0, refresh)
        return refresh

    def describe_instance_refreshes(self, group_name, ids):
        found = self.__dict__.get("fleetflags_refreshes", {}).get(group_name, [])
        return [r for r in found if not ids or r["InstanceRefreshId"] in ids]

    def cancel_instance_refresh(self, group_name):
        found = [r for r in self.__dict__.get("fleetflags_refreshes", {}).get(group_name, []) if r["Status"] in ("Pending", "InProgress")]
        if not found:
            raise AutoscalingClientError("ActiveInstanceRefreshNotFound", f"No in progress or pending Instance Refresh found for Auto Scaling group {group_name}")
        found[0]["Status"] = "Cancelled"
        return found[0]

    AutoScalingBackend.start_instance_refresh = start_instance_refresh
    AutoScalingBackend.describe_instance_refreshes = describe_instance_refreshes
    AutoScalingBackend.cancel_instance_refresh = cancel_instance_refresh

    def r_start(self):
        refresh = self.autoscaling_backend.start_instance_refresh(
            self._get_param("AutoScalingGroupName"),
            self._get_param("Preferences"),
            self._get_param("DesiredConfiguration"),
        )
        return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})

    def r_describe(self):
        found = self.autoscaling_backend.describe_instance_refreshes(
            self._get_param("AutoScalingGroupName"), self._get_param("InstanceRefreshIds", [])
        )
        return ActionResult({"InstanceRefreshes": found})

    def r_cancel(self):
        refresh = self.autoscaling_backend.cancel_instance_refresh(self._get_param("AutoScalingGroupName"))
        return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})

    AutoScalingResponse.start_instance_refresh = r_start
    AutoScalingResponse.describe_instance_refreshes = r_describe
    AutoScalingResponse.cancel_instance_refresh = r_cancel


def _leave_out_bucket_policy_statements(not_applicable):
    """
    Wraps moto's bucket-policy check so the statements `not_applicable` picks (whose
    Condition is false for this request; moto evaluates no condition) are left out,
    and the rest is evaluated as moto does. Patches compose: each wraps the last.
    """
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    inner = FakeBucket.get_permission

    def get_permission(self, action, resource):
        if self.policy is None:
            return inner(self, action, resource)
        policy = json.loads(self.policy.decode() if isinstance(self.policy, bytes) else self.policy)
        statements = policy.get("Statement") or []
        if isinstance(statements, dict):
            statements = [statements]
        kept = [st for st in statements if not not_applicable(st)]
        if len(kept) == len(statements):
            return inner(self, action, resource)
        if not kept:
            return PermissionResult.NEUTRAL
        saved = self.policy
        self.policy = json.dumps({**policy, "Statement": kept}).encode()
        try:
            return inner(self, action, resource)
        finally:
            self.policy = saved

    FakeBucket.get_permission = get_permission


def patch_bucket_policy_secure_transport():
    """
    Defect: moto ignores the Condition of bucket-policy statements, so the standard
    TLS-only statement (Deny s3:* when aws:SecureTransport is false) denies every
    object request, over TLS too. This emulator serves TLS only (--tls-dir), so such a
    statement never applies to its requests: evaluate the policy without it. Other
    conditional statements are left to moto as they are.
    """

    def insecure_only(statement):
        condition = statement.get("Condition") or {}
        flags = {k.lower(): v for k, v in (condition.get("Bool") or {}).items()}
        return set(condition) == {"Bool"} and str(flags.get("aws:securetransport", "")).lower() == "false"

    _leave_out_bucket_policy_statements(insecure_only)


_REQUEST = threading.local()


def patch_bucket_policy_if_none_match():
    """
    Defect: moto ignores the Condition of bucket-policy statements, so the artifacts
    bucket's write-once statement (Deny s3:PutObject under builds/ when the request has
    no If-None-Match, i.e. Null s3:if-none-match = true) denies conditional writes too,
    and no build can ever be published. Fix: remember the headers of the object request
    being served, and leave that one statement out when the request carries
    If-None-Match (moto itself answers 412 when the key exists). Other statements are
    left to moto as they are.
    """
    from moto.s3.responses import S3Response

    original_key_response = S3Response._key_response

    def _key_response(self, request, full_url):
        _REQUEST.headers = self.headers
        try:
            return original_key_response(self, request, full_url)
        finally:
            _REQUEST.headers = None

    S3Response._key_response = _key_response

    def not_applicable(statement):
        condition = statement.get("Condition") or {}
        null = {k.lower(): str(v).lower() for k, v in (condition.get("Null") or {}).items()}
        if set(condition) != {"Null"} or null != {"s3:if-none-match": "true"}:
            return False
        headers = getattr(_REQUEST, "headers", None)
        return headers is not None and headers.get("If-None-Match") is not None

    _leave_out_bucket_policy_statements(not_applicable)


def patch_launch_template_version_user_data():
    """
    Defect: a launch template version made by CreateLaunchTemplateVersion keeps its
    UserData as a plain string, and launching an instance from it fails an assertion
    (HTTP 500). Every change of a launch template (build, arch) makes such a version,
    so the groups could never launch again. Fix: read it as the base64 string it is.
    """
    from moto.core.types import Base64EncodedString
    from moto.ec2.models.launch_templates import LaunchTemplateVersion

    def user_data(self):
        value = self.data.get("UserData")
        if isinstance(value, str):
            value = Base64EncodedString(value)
        return value

    LaunchTemplateVersion.user_data = property(user_data)


PATCHES = {
    "mixed-instances-capacity": patch_mixed_instances_capacity,
    "instance-refresh": patch_instance_refresh,
    "update-keeps-mixed-policy": patch_update_keeps_mixed_policy,
    "bucket-policy-secure-transport": patch_bucket_policy_secure_transport,
    "bucket-policy-if-none-match": patch_bucket_policy_if_none_match,
    "launch-template-version-user-data": patch_launch_template_version_user_data,
    **read_back.PATCHES,
    **idempotent_create.PATCHES,
}


def apply_patches(defects, disabled):
    applied = []
    for name, patch in PATCHES.items():
        if defects.get(name) and name not in disabled:
            patch()
            applied.append(name)
    return applied


# ---------------------------------------------------------------------------
# The server.
# ---------------------------------------------------------------------------



def main(argv):
    parser = argparse.ArgumentParser(description="moto's server with fleetflags' fidelity fixes")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--account", default="000000000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--region", default="us-east-1", help="the region whose default VPC is made at start")
    parser.add_argument("--without", action="append", default=[], help="a patch not to apply (for the tests that show the defect)")
    parser.add_argument("--probe-only", action="store_true", help="print the defects found as JSON and exit")
    parser.add_argument("--tls-dir", default=None, help="serve HTTPS with a certificate made in this directory (default: plain HTTP)")
    args = parser.parse_args(argv)

    unknown = [w for w in args.without if w not in PATCHES]
    if unknown:
        parser.error(f"--without {unknown[0]}: no such patch; allowed: {', '.join(PATCHES)}")

    # Before moto is imported: the account of every request without credentials of its own.
    os.environ["MOTO_ACCOUNT_ID"] = args.account
    os.environ["MOTO_PORT"] = str(args.port)
    import moto

    defects = probe_defects()
    if args.probe_only:
        print(json.dumps(defects))
        return 0
    # The TLS-only patch is right only for an emulator that serves TLS only.
    disabled = set(args.without) | (set() if args.tls_dir else {"bucket-policy-secure-transport"})
    applied = apply_patches(defects, disabled)

    from moto.moto_api._internal import mock_random
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    # Seeded, then the default VPC and subnets made at once (moto makes them on the first EC2
    # call, after other services' random request IDs): the same IDs on every start.
    mock_random.seed(args.seed)
    from moto.ec2.models import ec2_backends

    ec2_backends[args.account][args.region].describe_vpcs()
    info = {
        "bootId": str(uuid.uuid4()),
        "moto": moto.__version__,
        "account": args.account,
        "seed": args.seed,
        "patches": applied,
        "defects": defects,
        "pid": os.getpid(),
    }
    app = DomainDispatcherApplication(create_backend_app)
    ssl_context = self_signed_certificate(args.tls_dir) if args.tls_dir else None
    info["scheme"] = "https" if ssl_context else "http"
    print(json.dumps(info), flush=True)
    # One line per request from log_request (operation, status, timings) instead of werkzeug's own.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    run_simple(args.host, args.port, EmulatorInfo(OneRequestAtATime(app), info), threaded=True, ssl_context=ssl_context)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
