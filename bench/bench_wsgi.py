"""The WSGI application of the deadline-day rush's gunicorn (bench/bench_scale.py):
the portal's, except /bench/wsgi/, answered here before Django sees it: what gunicorn
itself costs per request."""

from conduct_portal.wsgi import application as portal


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/wsgi/":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return portal(environ, start_response)
