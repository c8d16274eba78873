"""Hostile input is refused before it costs time or memory (issue 11, section 3).

The spec is read only from a regular file, and only up to a size limit: a FIFO would block
pgwright forever, ``/dev/zero`` never ends, and a runaway file would be parsed whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pgwright.spec.document import MAX_SPEC_BYTES_VARIABLE


def _validate(spec: str | Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pgwright.cli", "validate", "-s", str(spec)],
                          capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PGWRIGHT_CACHE_DIR": "", **environment})


def _refused(result: subprocess.CompletedProcess, spec: str | Path, message: str) -> bool:
    return (result.returncode == 1 and "Traceback" not in result.stderr
            and f"{spec}: {message}" in result.stderr)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "schema.yaml"
    os.mkfifo(fifo)
    assert _refused(_validate(fifo), fifo, "the spec is not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_device_is_refused():
    assert _refused(_validate("/dev/zero"), "/dev/zero", "the spec is not a regular file")


def test_a_directory_is_refused(tmp_path):
    assert _refused(_validate(tmp_path), tmp_path, "the spec is not a regular file")


def test_a_spec_over_the_size_limit_is_refused_and_says_how_to_raise_it(tmp_path):
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n  t:\n    columns: {id: integer}\n")
    result = _validate(spec, **{MAX_SPEC_BYTES_VARIABLE: "20"})
    assert _refused(result, spec, "the spec is larger than 20 bytes")
    assert MAX_SPEC_BYTES_VARIABLE in result.stderr
    assert _validate(spec).returncode == 0  # under the default limit
