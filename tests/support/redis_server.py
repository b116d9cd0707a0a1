"""A `redis-server` of the test's own on a free port, to stop and restart without touching the
shared one; with `--appendonly yes --appendfsync always`, as production should run. Optionally
with a password (`--requirepass`) and TLS only (a self-signed certificate made by `openssl`)."""

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

    def __init__(self, folder: Path, *, password: str | None = None, tls: bool = False) -> None:
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
        self.certificate = make_certificate(folder) if tls else None

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
        if self.password:
            args += ["--requirepass", self.password]
        if self.certificate is not None:
            key = self.certificate.with_suffix(".key")
            args = [
                "--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no",
                "--tls-cert-file", str(self.certificate), "--tls-key-file", str(key),
            ]  # fmt: skip
            args += ["--requirepass", self.password] if self.password else []
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
