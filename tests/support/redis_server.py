"""A `redis-server` of the test's own on a free port, to stop and restart without touching the
shared one; with `--appendonly yes --appendfsync always`, as production should run. Optionally
with a password (`--requirepass`, and `--masterauth` as a replica of it would need) and TLS only
(a self-signed certificate made by `openssl`), alone or as nodes of a Redis Cluster."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.support import in_ci


def free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process, durable on disk, that a test can stop and start again."""

    def __init__(
        self,
        folder: Path,
        *,
        password: str | None = None,
        tls: bool = False,
        cluster: bool = False,
        certificate: Path | None = None,
    ) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if in_ci():
                pytest.fail("CI needs redis-server on PATH")
            pytest.skip("redis-server is not installed")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.password = password
        # The nodes of one cluster share one certificate: a client trusts it for every node.
        self.certificate = (certificate or make_certificate(folder)) if tls else None
        # A cluster node talks to the others on a bus port of its own (by default port + 10000,
        # which may not be free): chosen here like the port.
        self.cluster_port = free_port() if cluster else None

    @property
    def url(self) -> str:
        """The server's URL, database 0 (rediss:// trusting the test certificate under TLS)."""
        auth = f":{self.password}@" if self.password else ""
        if self.certificate is None:
            return f"redis://{auth}127.0.0.1:{self.port}/0"
        return f"rediss://{auth}127.0.0.1:{self.port}/0?ssl_ca_certs={self.certificate}"

    def _args(self) -> list[str]:
        """Listening and security options: the password, and TLS instead of plain TCP."""
        args = ["--port", str(self.port)]
        if self.certificate is not None:
            key = self.certificate.with_suffix(".key")
            args = [
                "--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no",
                "--tls-cert-file", str(self.certificate), "--tls-key-file", str(key),
                "--tls-ca-cert-file", str(self.certificate),  # to trust the other nodes
            ]  # fmt: skip
        if self.password:
            args += ["--requirepass", self.password, "--masterauth", self.password]
        if self.cluster_port is not None:
            args += ["--cluster-enabled", "yes", "--cluster-port", str(self.cluster_port)]
            args += ["--cluster-config-file", str(self.folder / "nodes.conf")]
            args += ["--cluster-node-timeout", "2000"]
            if self.certificate is not None:  # the cluster bus and replication over TLS too
                args += ["--tls-cluster", "yes", "--tls-replication", "yes"]
        return args

    def start(self) -> None:
        """Start the server and wait until it answers."""
        self.process = subprocess.Popen(
            [
                self.binary, *self._args(), "--bind", "127.0.0.1",
                "--dir", str(self.folder), "--save", "",
                "--appendonly", "yes", "--appendfsync", "always",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        self.stop()  # no orphan: a fixture that failed here never reaches its teardown
        msg = f"redis-server on port {self.port} did not start"
        raise RuntimeError(msg)

    def stop(self) -> None:
        """Stop the server the way an operator would (SIGTERM); the AOF keeps what it had."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def make_certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 (and its key beside it, `.key`), via openssl."""
    binary = shutil.which("openssl")
    if binary is None:
        if in_ci():
            pytest.fail("CI needs openssl on PATH for the TLS tests")
        pytest.skip("openssl is not installed")
    certificate, key = folder / "redis.crt", folder / "redis.key"
    subprocess.run(
        [
            binary, "req", "-x509", "-nodes", "-days", "1",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return certificate


class RedisClusterServers:
    """A real Redis Cluster of `masters` redis-server processes of the test's own, no replicas,
    made with `redis-cli --cluster create`; each node durable in its own folder, so the whole
    cluster can be stopped and started again as one (an outage of the cluster). Optionally every
    node with the same password (`requirepass` and `masterauth`), and TLS only, on the cluster bus
    too, with one self-signed certificate for all of them."""

    def __init__(
        self, folder: Path, masters: int = 3, *, password: str | None = None, tls: bool = False
    ) -> None:
        if shutil.which("redis-cli") is None:
            if in_ci():
                pytest.fail("CI needs redis-cli on PATH for the cluster tests")
            pytest.skip("redis-cli is not installed")
        self.password = password
        self.certificate = make_certificate(folder) if tls else None
        self.nodes = []
        for n in range(masters):
            (folder / f"node{n}").mkdir(parents=True, exist_ok=True)
            node = RedisServer(
                folder / f"node{n}", password=password, tls=tls, cluster=True,
                certificate=self.certificate,
            )  # fmt: skip
            self.nodes.append(node)

    @property
    def url(self) -> str:
        """Any one node's URL: the cluster client learns the others from it."""
        return self.nodes[0].url

    def start(self) -> None:
        """Start every node; the first time, join them into a cluster and wait until it serves."""
        fresh = not (self.nodes[0].folder / "nodes.conf").exists()
        for node in self.nodes:
            node.start()
        if fresh:
            addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
            subprocess.run(
                ["redis-cli", *self._cli_options(), "--cluster", "create", *addresses,
                 "--cluster-replicas", "0", "--cluster-yes"],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
        self._wait_until_ok()

    def _cli_options(self) -> list[str]:
        """How redis-cli reaches the nodes: the password, and TLS trusting the certificate."""
        options = ["-a", self.password, "--no-auth-warning"] if self.password else []
        if self.certificate is not None:
            options += ["--tls", "--cacert", str(self.certificate)]
        return options

    def _wait_until_ok(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = [_cluster_state(node.url) for node in self.nodes]
            if all(state == "ok" for state in states):
                return
            time.sleep(0.1)
        self.stop()
        msg = "the test Redis Cluster did not reach cluster_state:ok"
        raise RuntimeError(msg)

    def stop(self) -> None:
        """Stop every node (SIGTERM)."""
        for node in self.nodes:
            node.stop()

    def masters(self) -> list[redis.Redis]:
        """A plain client on each node, to see what landed where."""
        return [redis.Redis.from_url(node.url) for node in self.nodes]


def _cluster_state(url: str) -> str:
    try:
        info = redis.Redis.from_url(url, socket_connect_timeout=0.2).execute_command("CLUSTER INFO")
    except redis.RedisError:
        return "down"
    return str(info.get("cluster_state", "unknown"))  # redis-py parses the reply into a dict
