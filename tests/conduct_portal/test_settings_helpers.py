"""Settings come from the environment and a bad value stops the start-up."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from conduct_portal.env import env_bool, env_choice, env_int, env_list


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("False", False), ("1", True), ("off", False)])
def test_env_bool_reads_true_and_false(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG", False)


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("PORT", 1)
    monkeypatch.setenv("PORT", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("PORT", 1, minimum=0)


def test_unset_values_take_their_defaults(monkeypatch):
    monkeypatch.delenv("NOPE", raising=False)
    assert env_int("NOPE", 7) == 7
    assert env_list("NOPE", "a, b,") == ["a", "b"]
    assert env_choice("NOPE", "x", {"x", "y"}) == "x"


def run_django(args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SECURE_SSL_REDIRECT",
            "ALLOWED_HOSTS",
        )
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_without_debug_a_secret_key_is_required():
    result = run_django(["check"], DEBUG="false", ALLOWED_HOSTS="portal.example.gov.vn")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_production_configuration_passes_the_deploy_check():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="portal.example.gov.vn",
        CSRF_TRUSTED_ORIGINS="https://portal.example.gov.vn",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_typo_in_debug_stops_the_start_up():
    result = run_django(["check"], DEBUG="ture")

    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr
