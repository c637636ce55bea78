"""A PostgreSQL cluster of a test's own (initdb + pg_ctl in a temp dir on a free port), for
tests that stop the database: the machine's shared server is never touched."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class Cluster:
    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed")
        self.bin = bin_dir
        # Its own directory under /tmp: pytest's tmp_path is private to root, and the server
        # runs as the postgres user when we are root.
        self.root = Path(tempfile.mkdtemp(prefix="hagshama-pg-"))
        self.data = self.root / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        # initdb refuses to run as root: as root, run it as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        initdb = str(self.bin / "initdb")
        self._run(initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} -c fsync=off"
        )
        log = str(self.root / "server.log")
        pg_ctl = str(self.bin / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """Immediate shutdown: like a crash, connections are cut."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop (if running) and delete the cluster."""
        pg_ctl = str(self.bin / "pg_ctl")
        if (self.data / "postmaster.pid").exists():
            self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
