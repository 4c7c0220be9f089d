"""Every task goes to the queue of its kind (settings.CELERY_TASK_ROUTES), so that a province-wide job never waits in
front of what a person at a page waits for."""

from django.conf import settings

from config.celery import app


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_every_task_of_the_project_has_a_work_queue():
    app.loader.import_default_modules()
    project_tasks = sorted(name for name in app.tasks if not name.startswith("celery."))
    assert len(project_tasks) >= 12
    assert {queue_of(name) for name in project_tasks} == set(settings.CELERY_WORK_QUEUES)


def test_long_work_is_kept_off_the_window_queue():
    assert {
        name: queue_of(name)
        for name in [
            "reports.export_job_run",
            "core.job_submissions_sweep",
            "bulk.bulk_import_run",
            "duplicates.scan_job_run",
            "outreach.campaign_send_job_run",
            "targets.progress_job_run",
            "reports.fiscal_settlement_run",
            "policy_changes.impact_county_run",
        ]
    } == {
        "reports.export_job_run": "window",
        "core.job_submissions_sweep": "window",
        "bulk.bulk_import_run": "bulk",
        "duplicates.scan_job_run": "bulk",
        "outreach.campaign_send_job_run": "bulk",
        "targets.progress_job_run": "reports",
        "reports.fiscal_settlement_run": "reports",
        "policy_changes.impact_county_run": "reports",
    }
