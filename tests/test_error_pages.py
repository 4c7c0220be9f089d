"""Errors answer the project's Chinese pages, also on `make run`: never Django's technical pages (issue 19)."""

import subprocess
from pathlib import Path

import pytest
from django.test import override_settings

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_division_out_of_scope_answers_the_chinese_404_page(client, clerk):
    # given: a county clerk of 山阴县 following a link to 朔州市's progress
    client.force_login(clerk)
    # when
    response = client.get("/targets/", {"division": "1406"})
    # then
    page = response.content.decode()
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert "没有找到要访问的页面或记录，或不在您的管辖范围内。" in page
    assert "URLconf" not in page
    assert "Page not found" not in page


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_path_that_matches_nothing_answers_the_chinese_404_page(client, clerk):
    # given
    client.force_login(clerk)
    # when
    response = client.get("/no-such-page/")
    # then
    assert response.status_code == 404
    assert "没有找到要访问的页面或记录" in response.content.decode()
    assert "config.urls" not in response.content.decode()


def test_make_run_serves_with_debug_off_and_static_files_collected():
    # when: what `make run` would do, printed without doing it
    result = subprocess.run(
        ["make", "-n", "run"],
        cwd=PROJECT,
        env={"PATH": "/usr/bin:/bin", "PORT": "8000"},
        capture_output=True,
        text=True,
        check=True,
    )
    # then: the server and the collected static files run with DEBUG off, on the loopback hosts
    server = next(line for line in result.stdout.splitlines() if "runserver" in line)
    collect = next(line for line in result.stdout.splitlines() if "collectstatic" in line)
    for line in (server, collect):
        assert "DJANGO_DEBUG=0 " in line
        assert "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost " in line
        assert "DJANGO_SECRET_KEY=" in line
