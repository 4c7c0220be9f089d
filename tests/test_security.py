"""Hardening: the deploy check, required production settings, login lockout, sessions."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from conftest import make_user

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "production-secret-for-the-deploy-check-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "canbao.example.gov.cn",
}


def manage(*arguments, environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")} | environment
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT, env=env, capture_output=True, text=True, check=False
    )


def test_deploy_check_passes_with_the_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_variables(missing):
    environment = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", environment=environment)
    assert result.returncode != 0
    assert f"DJANGO_DEBUG=0 时必须设置 {missing}" in result.stderr


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client):
    # given
    make_user("lockme", "window_clerk", "140621")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "lockme", "password": "wrong-password-0"})
    # when the right password comes next
    response = client.post("/accounts/login/", {"username": "lockme", "password": "test-password-2026"})
    # then
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_right_password_before_the_limit_logs_in(client):
    make_user("careful", "window_clerk", "140621")
    client.post("/accounts/login/", {"username": "careful", "password": "wrong-password-0"})
    response = client.post("/accounts/login/", {"username": "careful", "password": "test-password-2026"})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_sessions_end_with_the_browser_and_within_a_working_day():
    assert (settings.SESSION_EXPIRE_AT_BROWSER_CLOSE, settings.SESSION_COOKIE_AGE) == (True, 8 * 60 * 60)


def test_passwords_shorter_than_ten_characters_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refusal:
        validate_password("a1b2c3d4e")
    assert refusal.value.error_list[0].code == "password_too_short"
    validate_password("a1b2c3d4e5x")  # ten and more: accepted


@pytest.mark.django_db
def test_pages_forbid_inline_script_without_the_nonce_and_framing(client, clerk):
    client.force_login(clerk)
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";") if " " in directive.strip())
    assert directives["script-src"].startswith("'self'")
    assert "unsafe" not in directives["script-src"]  # inline script only with the page's nonce
    assert (directives["frame-ancestors"], directives["object-src"], directives["default-src"]) == (
        "'none'",
        "'none'",
        "'self'",
    )


def test_no_template_carries_an_inline_event_handler():
    templates = (PROJECT / "templates").rglob("*.html")
    offending = [
        str(path.relative_to(PROJECT))
        for path in templates
        if any(handler in path.read_text(encoding="utf-8") for handler in ("onclick=", "onsubmit=", "onchange="))
    ]
    assert offending == []


@pytest.mark.django_db
def test_the_api_description_needs_a_login_or_a_token_like_the_api(client, clerk):
    # given no session and no token
    # when
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    # then the schema is refused and the docs page asks for a login
    assert (schema.status_code, schema["WWW-Authenticate"]) == (401, "Token")
    assert (docs.status_code, docs["Location"]) == (302, "/accounts/login/?next=/api/docs/")
    # and a signed-in clerk or a caller with a token reads them
    token = Token.objects.create(user=clerk).key
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    client.force_login(clerk)
    assert (client.get("/api/schema/").status_code, client.get("/api/docs/").status_code) == (200, 200)
