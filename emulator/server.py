"""
The serving side of fleetflags' AWS emulator (emulator/launcher.py starts it): its HTTPS
certificate, the `GET /fleetflags/emulator` description, moto's requests one at a time,
and the request log (one line per request: service, operation, status, timings).
"""
import datetime
import io
import json
import os
import sys
import threading
import time
import urllib.parse


def self_signed_certificate(directory):
    """
    A certificate for 127.0.0.1 and localhost, made at each start (TLS, because the
    stacks' buckets deny plain-HTTP requests, as on AWS). The key stays in `directory`
    on this machine; clients of the loopback-only emulator skip verification.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fleetflags emulator")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    os.makedirs(directory, exist_ok=True)
    cert_file = os.path.join(directory, "emulator-cert.pem")
    key_file = os.path.join(directory, "emulator-key.pem")
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_file, key_file


class EmulatorInfo:
    """WSGI middleware: GET /fleetflags/emulator describes this emulator; the rest is moto."""

    def __init__(self, app, info):
        self.app = app
        self.body = json.dumps(info).encode()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/fleetflags/emulator":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(self.body)))])
            return [self.body]
        return self.app(environ, start_response)


def request_action(environ, body):
    """The AWS service and operation of a request, for the request log: `iam CreateRole`."""
    credential = environ.get("HTTP_AUTHORIZATION", "").partition("Credential=")[2].split(",", 1)[0].split("/")
    service = credential[3] if len(credential) > 3 else "-"
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return service, target.rsplit(".", 1)[-1]
    if body and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return service, action[0]
    return service, f"{environ.get('REQUEST_METHOD', '-')} {environ.get('PATH_INFO', '')}"


def log_request(environ, body, status, waited_seconds, took_seconds):
    """One line per request on stderr (the emulator's log): when, service, operation, HTTP status,
    time waiting for the one-request lock and time in moto. A failed deploy can be read against it
    (which calls failed, which were sent twice, which were slow)."""
    service, action = request_action(environ, body)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    sys.stderr.write(f"{REQUEST_LOG_PREFIX} {stamp} {service} {action} {status} took={took_seconds * 1000:.0f}ms waited={waited_seconds * 1000:.0f}ms\n")


REQUEST_LOG_PREFIX = "fleetflags-request"


class OneRequestAtATime:
    """WSGI middleware: moto's requests one at a time.

    Each AWS API call is atomic; moto's backends are plain Python objects shared by the
    server's threads, with no locking. A DynamoDB conditional write is a read, a check
    and a write: two claims of the same lock-table item sent at once could both pass
    their condition (seen under load: two winners of one claim). The server stays
    threaded and reads each request's body before the lock (a slow client holds up only
    its own request); moto's work on each request, its response body included, happens
    under one lock. A request moto answers by calling out (SNS delivering to an HTTPS
    subscription) holds the others until it returns.
    """

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        # The request body is read before the lock: a slow client stalls only its own request.
        stream = environ.get("wsgi.input")
        body = b""
        if stream is not None:
            length = environ.get("CONTENT_LENGTH")
            body = stream.read(int(length)) if length else (stream.read() if environ.get("wsgi.input_terminated") else b"")
            environ["wsgi.input"] = io.BytesIO(body)
        arrived = time.monotonic()
        status = []

        def recording_start_response(code, headers, *rest):
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, *rest)

        with self.lock:
            began = time.monotonic()
            try:
                result = self.app(environ, recording_start_response)
                try:
                    return [b"".join(result)]
                finally:
                    close = getattr(result, "close", None)
                    if close:
                        close()
            finally:
                log_request(environ, body, status[0] if status else "-", began - arrived, time.monotonic() - began)
