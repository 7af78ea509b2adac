"""Background rendering (django-tasks). With the database backend a queued job is a row, so it survives a restart
of the worker (`manage.py db_worker`); tests and `make run` use the immediate backend, which runs it inline."""

from __future__ import annotations

from django_tasks import task

from .models import Report


@task()
def generate_report(report_id: int) -> str:
    from .services import report_render

    report = Report.objects.filter(pk=report_id).first()
    if report is None:  # the evaluation was deleted meanwhile
        return "gone"
    return report_render(report=report).status
