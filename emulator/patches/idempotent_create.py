"""
Create calls AWS makes idempotent and moto does not. The AWS provider retries a call whose
answer it did not get (a connection reset, a timeout while the emulator is busy), so a create
that moto had already done is sent twice: AWS answers the second with the first's result, moto
made a second object. In the launcher's style: one probe (against moto's own mock) and one
patch per defect, the patch applied only when the probe finds the defect;
test/emulator/patches.test.ts has one SDK test per patch.
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


PROBES = {
    "create-listener-idempotent": probe_create_listener_idempotent,
}

PATCHES = {
    "create-listener-idempotent": patch_create_listener_idempotent,
}
