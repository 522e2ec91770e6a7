"""
Read-back fixes: what moto answers when Terraform reads an object back differs from
what was written (and from what AWS answers), so every plan after an apply showed
updates that never converge. One probe and one patch per defect, in the launcher's
style: the probe runs against moto's own mock (boto3 clients in a `mock_aws()`
session) and says whether the running moto has the defect; the patch is applied
only when it does. test/emulator/patches.test.ts has one SDK test per patch.
"""


# ---------------------------------------------------------------------------
# Probes. Each takes the mock session's clients: {"ec2": ..., "autoscaling": ...}.
# ---------------------------------------------------------------------------

def probe_launch_template_own_tags(clients):
    """The template's own tags (TagSpecifications of the request) show up in its LaunchTemplateData."""
    ec2 = clients["ec2"]
    ec2.create_launch_template(
        LaunchTemplateName="probe-tags",
        LaunchTemplateData={"ImageId": "ami-12c6146b"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    data = ec2.describe_launch_template_versions(LaunchTemplateName="probe-tags")["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    return any(t.get("ResourceType") == "launch-template" for t in data.get("TagSpecifications", []))


def probe_group_default_instance_warmup(clients):
    """A group created with DefaultInstanceWarmup is read back without it (Terraform reads 0)."""
    ec2, asg = clients["ec2"], clients["autoscaling"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="probe-warmup", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t4g.micro"})
    asg.create_auto_scaling_group(
        AutoScalingGroupName="probe-warmup", MinSize=0, MaxSize=1, DesiredCapacity=0, VPCZoneIdentifier=subnet,
        LaunchTemplate={"LaunchTemplateName": "probe-warmup", "Version": "$Latest"}, DefaultInstanceWarmup=300,
    )
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["probe-warmup"])["AutoScalingGroups"][0]
    return group.get("DefaultInstanceWarmup") != 300


def probe_scaling_policy_read_back(clients):
    """A target-tracking policy is read back without Enabled (false) and with an empty predictive configuration."""
    asg = clients["autoscaling"]
    asg.put_scaling_policy(
        AutoScalingGroupName="probe-warmup", PolicyName="probe-tt", PolicyType="TargetTrackingScaling", Enabled=True,
        TargetTrackingConfiguration={"PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"}, "TargetValue": 50.0},
    )
    policy = asg.describe_policies(AutoScalingGroupName="probe-warmup", PolicyNames=["probe-tt"])["ScalingPolicies"][0]
    return policy.get("Enabled") is not True or "PredictiveScalingConfiguration" in policy


def probe_security_group_rule_description(clients):
    """A rule that references a group loses its description in DescribeSecurityGroupRules."""
    ec2 = clients["ec2"]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    a = ec2.create_security_group(GroupName="probe-a", Description="a", VpcId=vpc)["GroupId"]
    b = ec2.create_security_group(GroupName="probe-b", Description="b", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=a,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": b, "Description": "from b"}]}],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [a]}])["SecurityGroupRules"]
    return not any(r.get("Description") == "from b" for r in rules if not r.get("IsEgress"))


# ---------------------------------------------------------------------------
# Patches.
# ---------------------------------------------------------------------------

def patch_launch_template_own_tags():
    """
    Defect: CreateLaunchTemplate copies the template's own tags (the request's
    TagSpecifications, resource type launch-template) into the template data of
    version 1, so DescribeLaunchTemplateVersions answers them as tag specifications
    for launched resources. Terraform then reads a `tag_specifications` block the
    configuration never had and plans an update (a new version, an instance refresh)
    on every deploy. AWS keeps the two apart. Fix: leave the launch-template entries
    out of the template data (resource type launch-template is not valid there).
    """
    from moto.ec2.models.launch_templates import LaunchTemplateBackend

    original = LaunchTemplateBackend.create_launch_template

    def create_launch_template(self, name, description, template_data, tag_spec, *args, **kwargs):
        specs = template_data.get("TagSpecifications")
        if specs:
            kept = [s for s in specs if s.get("ResourceType") != "launch-template"]
            if kept:
                template_data["TagSpecifications"] = kept
            else:
                del template_data["TagSpecifications"]
        return original(self, name, description, template_data, tag_spec, *args, **kwargs)

    LaunchTemplateBackend.create_launch_template = create_launch_template


def patch_group_default_instance_warmup():
    """
    Defect: CreateAutoScalingGroup and UpdateAutoScalingGroup ignore
    DefaultInstanceWarmup, so the group is read back without it (Terraform: 0) and
    every plan sets it again. Fix: keep it on the group and answer it.
    """
    from moto.autoscaling.models import FakeAutoScalingGroup
    from moto.autoscaling.responses import AutoScalingResponse

    FakeAutoScalingGroup.default_instance_warmup = None  # answered only when set

    def keeping_warmup(original):
        def handler(self):
            result = original(self)
            warmup = self._get_int_param("DefaultInstanceWarmup")
            if warmup is not None:
                group = self.autoscaling_backend.autoscaling_groups.get(self._get_param("AutoScalingGroupName"))
                if group is not None:
                    group.default_instance_warmup = warmup
            return result

        return handler

    AutoScalingResponse.create_auto_scaling_group = keeping_warmup(AutoScalingResponse.create_auto_scaling_group)
    AutoScalingResponse.update_auto_scaling_group = keeping_warmup(AutoScalingResponse.update_auto_scaling_group)


def patch_scaling_policy_read_back():
    """
    Defect: PutScalingPolicy ignores Enabled, so DescribePolicies answers no Enabled
    (Terraform reads false), and it answers an empty PredictiveScalingConfiguration
    for every policy (Terraform reads an empty block). AWS answers Enabled (true by
    default) and a predictive configuration only for a predictive policy. Fix: keep
    Enabled; leave an empty predictive configuration out.
    """
    from moto.autoscaling.models import FakeScalingPolicy
    from moto.autoscaling.responses import AutoScalingResponse

    FakeScalingPolicy.enabled = True  # AWS's default
    original = AutoScalingResponse.put_scaling_policy

    def put_scaling_policy(self):
        result = original(self)
        policy = self.autoscaling_backend.policies.get(self._get_param("PolicyName"))
        if policy is not None:
            policy.enabled = self._get_bool_param("Enabled", True)
            if not policy.predictive_scaling_configuration:
                policy.predictive_scaling_configuration = None
        return result

    AutoScalingResponse.put_scaling_policy = put_scaling_policy


def patch_security_group_rule_description():
    """
    Defect: DescribeSecurityGroupRules answers the description of a CIDR rule only;
    a rule that references a security group keeps its description in the group pair,
    and moto leaves it out. Terraform reads no description and sets it again on every
    plan (`aws_vpc_security_group_ingress_rule` / `_egress_rule` with
    `referenced_security_group_id`). Fix: answer the group pair's description.
    """
    from moto.ec2.models.security_groups import SecurityGroupRule

    def description(self):
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    SecurityGroupRule.description = property(description)


PROBES = {
    "launch-template-own-tags": probe_launch_template_own_tags,
    "group-default-instance-warmup": probe_group_default_instance_warmup,
    # After the warmup probe: it puts its policy on that probe's group.
    "scaling-policy-read-back": probe_scaling_policy_read_back,
    "security-group-rule-description": probe_security_group_rule_description,
}

PATCHES = {
    "launch-template-own-tags": patch_launch_template_own_tags,
    "group-default-instance-warmup": patch_group_default_instance_warmup,
    "scaling-policy-read-back": patch_scaling_policy_read_back,
    "security-group-rule-description": patch_security_group_rule_description,
}
