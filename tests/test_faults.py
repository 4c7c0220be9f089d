"""Faults: an unreachable database, and a progress job that dies halfway and is run again."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_database_gives_a_plain_chinese_page_not_a_traceback():
    # given the application served by gunicorn, pointed at a database port where nothing listens
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")} | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/canbao",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "fault-test-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = None, ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                # a signed-in looking request: the session must be read from the database
                connection.request(
                    "GET", "/residents/", headers={"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
                )
                response = connection.getresponse()
                status, body = response.status, response.read().decode()
                break
            except ConnectionRefusedError:
                time.sleep(0.3)
        # then
        assert status == 503
        assert "暂时无法连接数据库" in body
        assert "Traceback" not in body and "OperationalError" not in body
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_a_database_error_inside_a_page_answers_503(client, clerk):
    client.force_login(clerk)
    with mock.patch("enrollment.views.residents.resident_list", side_effect=OperationalError("connection refused")):
        response = client.get("/residents/")
    assert response.status_code == 503
    assert "刚才的操作没有保存" in response.content.decode()


@pytest.mark.django_db
def test_a_progress_job_that_dies_halfway_leaves_whole_levels_and_a_rerun_completes_it():
    import datetime

    from targets.models import JobStatus, ProgressJob, ProgressSnapshot
    from targets.services.progress import progress_compute, progress_job_run

    # given a job whose third level fails, as if its worker were killed there
    job = ProgressJob.objects.create(year=2026, as_of=datetime.date(2026, 6, 30), levels_total=4)
    calls = {"count": 0}

    def dies_at_the_county_level(**arguments):
        calls["count"] += 1
        if arguments["level"] == "county":
            raise RuntimeError("worker lost")
        return progress_compute(**arguments)

    with mock.patch("targets.services.progress.progress_compute", side_effect=dies_at_the_county_level):
        with pytest.raises(RuntimeError):
            progress_job_run(job_id=job.pk)
    job.refresh_from_db()
    after_crash = sorted(ProgressSnapshot.objects.values_list("division_id", "metric"))
    assert (job.status, job.levels_done) == (JobStatus.FAILED, 2)
    # when it is run again (a redelivered task)
    progress_job_run(job_id=job.pk)
    # then it completes, the levels written before are unchanged, and no snapshot is doubled
    job.refresh_from_db()
    keys = list(ProgressSnapshot.objects.values_list("year", "as_of", "division_id", "metric"))
    assert (job.status, job.levels_done) == (JobStatus.SUCCEEDED, 4)
    assert len(keys) == len(set(keys))
    assert set(after_crash) <= {(division, metric) for _, _, division, metric in keys}
    assert ("14", "subsidised_newborns") in after_crash


@pytest.mark.django_db
def test_a_progress_job_that_dies_inside_a_level_keeps_nothing_of_that_level():
    import datetime

    from targets.models import JobStatus, ProgressJob, ProgressSnapshot
    from targets.services.progress import enrollment_rate_compute, progress_job_run

    # given a job that dies at the cities, once their newborn counts are written but not their enrollment rates
    job = ProgressJob.objects.create(year=2026, as_of=datetime.date(2026, 6, 30), levels_total=4)

    def dies_after_the_city_newborns(**arguments):
        if arguments["level"] == "city":
            raise RuntimeError("worker lost")
        return enrollment_rate_compute(**arguments)

    # when
    with mock.patch("targets.services.progress.enrollment_rate_compute", side_effect=dies_after_the_city_newborns):
        with pytest.raises(RuntimeError):
            progress_job_run(job_id=job.pk)
    # then the province is stored whole and counted done, and not one city snapshot is left
    job.refresh_from_db()
    assert (job.status, job.levels_done) == (JobStatus.FAILED, 1)
    assert list(ProgressSnapshot.objects.values_list("division_id", "metric")) == [("14", "subsidised_newborns")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query", "body"),
    [("/api/v1/residents/", {"division": "\x00"}, None), ("/api/v1/policy/quote/", {}, {"region": "1406\x0021"})],
)
def test_a_nul_character_is_refused_in_chinese_before_any_query(clerk, path, query, body):
    from conftest import token_client

    client = token_client(clerk)
    response = client.post(path, body, format="json") if body else client.get(path, query)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["请求中含有不允许的空字符（\\0），请检查输入。"]}
