"""The portal's settings with one change, for bench/bench_scale.py's gunicorn only:
the URLs of bench/bench_server.py, which add the bare views the acknowledgement rush
is compared with. Never used by the portal itself."""

from conduct_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench_server"
