"""
Create calls AWS makes idempotent and moto does not. The AWS provider retries a call whose
answer it did not get (a connection reset, a timeout while the emulator is busy), so a create
that moto had already done is sent twice: AWS answers the second with the first's result, moto
made a second object. In the launcher's style: one probe (against moto's own mock) and one
patch per defect, the patch applied only when the probe finds the defect;
test/emulator/patches.test.ts has one SDK test per patch.

The load-balancer and target-group patches change moto's state within one request (the existing
object out of sight while moto's own create runs). That is safe because the emulator answers one
request at a time (emulator/server.py, OneRequestAtATime): no other request sees the state in
between.
"""


# ---------------------------------------------------------------------------
# Probes. Each takes the mock session's clients: {"ec2": ..., "autoscaling": ..., "elbv2": ...}.
# ---------------------------------------------------------------------------

def probe_create_listener_idempotent(clients):
    """CreateListener twice with the same settings makes a second listener on the same port."""
    ec2, elbv2 = clients["ec2"], clients["elbv2"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    lb = elbv2.create_load_balancer(Name="probe-listener", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    action = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]
    first = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=action)["Listeners"][0]["ListenerArn"]
    second = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=action)["Listeners"][0]["ListenerArn"]
    return first != second


def probe_create_load_balancer_idempotent(clients):
    """
    CreateLoadBalancer twice with the same settings makes a second load balancer of the same name
    (moto 5.2.1), or refuses the second (a moto that checks the name but not the settings).
    """
    ec2, elbv2 = clients["ec2"], clients["elbv2"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    first = elbv2.create_load_balancer(Name="probe-retried-lb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    try:
        second = elbv2.create_load_balancer(Name="probe-retried-lb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    except elbv2.exceptions.DuplicateLoadBalancerNameException:
        return True
    return first != second


def probe_create_target_group_idempotent(clients):
    """CreateTargetGroup twice with the same settings is refused with DuplicateTargetGroupName."""
    ec2, elbv2 = clients["ec2"], clients["elbv2"]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    settings = {"Name": "probe-retried-tg", "Protocol": "HTTP", "Port": 8080, "VpcId": vpc}
    elbv2.create_target_group(**settings)
    try:
        elbv2.create_target_group(**settings)
        return False
    except elbv2.exceptions.DuplicateTargetGroupNameException:
        return True


# ---------------------------------------------------------------------------
# Patches.
# ---------------------------------------------------------------------------

def patch_create_listener_idempotent():
    """
    Defect: moto's duplicate check looks for the port among the balancer's listener ARNs, so it
    never finds one: a retried CreateListener left two listeners on port 80, the rules on one,
    and a reader of the first saw none. AWS: "If you attempt to create multiple listeners with
    the same settings, each call succeeds" (the same listener); other settings on a port in use
    are DuplicateListener. Fix: that, before moto's own create.
    """
    from moto.elbv2.exceptions import DuplicateListenerError
    from moto.elbv2.models import ELBv2Backend, FakeAction

    create = ELBv2Backend.create_listener

    def create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, alpn_policy=None, tags=None):
        balancer = self.load_balancers.get(load_balancer_arn)
        existing = [l for l in (balancer.listeners.values() if balancer else []) if str(l.port) == str(port)]
        if existing:
            listener = existing[0]
            same = (
                listener.protocol == (protocol or "").upper()
                and listener.ssl_policy == ssl_policy
                and listener.certificate == certificate
                and [a.data for a in listener.default_actions] == [FakeAction(dict(a)).data for a in actions]
            )
            if not same:
                raise DuplicateListenerError()
            return listener
        return create(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, alpn_policy, tags)

    ELBv2Backend.create_listener = create_listener


# What AWS compares to tell a retried create from a conflicting one: the create's own settings, as
# moto stored them. moto keeps a value the request set as it came (a number) and a default it filled
# in as text ("5"), or None where AWS has a default: _setting answers what a Describe would show.
LOAD_BALANCER_DEFAULTS = {"scheme": "internet-facing", "type": "application", "ip_address_type": "ipv4"}
TARGET_GROUP_SETTINGS = (
    "vpc_id", "protocol", "protocol_version", "port", "target_type", "ip_address_type",
    "health_check_protocol", "health_check_port", "health_check_path", "health_check_enabled",
    "health_check_interval_seconds", "health_check_timeout_seconds",
    "healthy_threshold_count", "unhealthy_threshold_count",
)


def _setting(obj, name, default=None):
    # A plain getattr: a moto that renamed the attribute fails loudly instead of comparing None with None.
    value = getattr(obj, name)
    if value is None:
        value = default
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _same_load_balancer(a, b):
    return (
        all(_setting(a, n, d) == _setting(b, n, d) for n, d in LOAD_BALANCER_DEFAULTS.items())
        and a.vpc_id == b.vpc_id
        and sorted(a.security_groups or []) == sorted(b.security_groups or [])
        and sorted(s.id for s in a.subnets) == sorted(s.id for s in b.subnets)
    )


def _same_target_group(a, b):
    # moto sets no matcher on a group whose health check is TCP.
    return all(_setting(a, n) == _setting(b, n) for n in TARGET_GROUP_SETTINGS) and getattr(a, "matcher", None) == getattr(b, "matcher", None)


def _create_out_of_sight(backend, collection, existing, create):
    """
    moto's own create (its validation and its defaults, which differ by protocol and type) with the
    existing object of that name hidden from it; the new object is then dropped, tags and all: only
    its settings were wanted. Whatever moto raises (a bad setting) is raised, with the existing
    object back in its place.
    """
    objects = getattr(backend, collection)
    setattr(backend, collection, type(objects)((arn, o) for arn, o in objects.items() if o is not existing))
    try:
        created = create()
    finally:
        setattr(backend, collection, objects)
    backend.tagging_service.delete_all_tags_for_resource(created.arn)
    return created


def patch_create_load_balancer_idempotent():
    """
    Defect: moto's duplicate check looks for the new load balancer's ARN, which holds a random ID, so it
    never finds one: a retried CreateLoadBalancer made a second load balancer of the same name, which
    nothing manages (a lookup by name finds the last one made; a full listing shows both). AWS: "If you
    attempt to create multiple load balancers with the same settings, each call succeeds" (the same
    load balancer); other settings under a name in use are DuplicateLoadBalancerName. Fix: when one of
    that name exists, moto builds the requested one out of its sight, then it is dropped and the
    existing one answered if the settings match (scheme, type, IP address type, subnets, security
    groups; tags are not compared), refused if not.
    """
    from moto.elbv2.exceptions import DuplicateLoadBalancerName
    from moto.elbv2.models import ELBv2Backend

    create = ELBv2Backend.create_load_balancer

    def create_load_balancer(self, name, *args, **kwargs):
        existing = next((lb for lb in self.load_balancers.values() if lb.name == name), None)
        if existing is None:
            return create(self, name, *args, **kwargs)
        created = _create_out_of_sight(self, "load_balancers", existing, lambda: create(self, name, *args, **kwargs))
        if not _same_load_balancer(existing, created):
            raise DuplicateLoadBalancerName()
        return existing

    ELBv2Backend.create_load_balancer = create_load_balancer


def patch_create_target_group_idempotent():
    """
    Defect: moto refuses any second CreateTargetGroup of a name with DuplicateTargetGroupName, so a
    create the provider retried (its first answer lost) failed the apply. AWS: "If you attempt to
    create multiple target groups with the same settings, each call succeeds" (the same target group);
    other settings under a name in use are DuplicateTargetGroupName. Fix: when one of that name exists,
    moto builds the requested one out of its sight, then it is dropped and the existing one answered
    if the settings match (protocol, port, VPC, target type, health check; tags are not compared),
    refused if not.
    """
    from moto.elbv2.exceptions import DuplicateTargetGroupName
    from moto.elbv2.models import ELBv2Backend

    create = ELBv2Backend.create_target_group

    def create_target_group(self, name, **kwargs):
        existing = next((tg for tg in self.target_groups.values() if tg.name == name), None)
        if existing is None:
            return create(self, name, **kwargs)
        created = _create_out_of_sight(self, "target_groups", existing, lambda: create(self, name, **kwargs))
        if not _same_target_group(existing, created):
            raise DuplicateTargetGroupName()
        return existing

    ELBv2Backend.create_target_group = create_target_group


PROBES = {
    "create-listener-idempotent": probe_create_listener_idempotent,
    "create-load-balancer-idempotent": probe_create_load_balancer_idempotent,
    "create-target-group-idempotent": probe_create_target_group_idempotent,
}

PATCHES = {
    "create-listener-idempotent": patch_create_listener_idempotent,
    "create-load-balancer-idempotent": patch_create_load_balancer_idempotent,
    "create-target-group-idempotent": patch_create_target_group_idempotent,
}
