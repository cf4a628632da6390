"""Decide which real services the test run uses, before Django reads its settings.

Prints shell `export` lines for the Makefile to eval. An explicit DATABASE_URL or
REDIS_URL wins; otherwise the local PostgreSQL and Redis are used when they answer.
With CI=true a service that does not answer is an error, not a skip.
"""

import os
import socket
import sys

SERVICES = {
    "DATABASE_URL": ("PostgreSQL", "127.0.0.1", 5432, "postgres://postgres@127.0.0.1:5432/conduct_portal"),
    "REDIS_URL": ("Redis", "127.0.0.1", 6379, "redis://127.0.0.1:6379/0"),
}


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    ci = os.environ.get("CI", "").lower() == "true"
    for variable, (name, host, port, url) in SERVICES.items():
        if os.environ.get(variable):
            print(f"export {variable}={os.environ[variable]}")
        elif answers(host, port):
            print(f"export {variable}={url}")
        elif ci:
            print(f"{name} does not answer on {host}:{port}, and CI=true requires it.", file=sys.stderr)
            return 1
        else:
            print(f"{name} does not answer on {host}:{port}: its tests will be skipped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
