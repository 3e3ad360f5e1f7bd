"""Scheduled reports under a controlled clock: the right local time across a daylight-saving change,
one report however many workers reach it, a killed worker's report finished by another, and a run
missed while every worker was down made once when one comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from enterprise.auth.models import User
from enterprise.reports import service
from enterprise.reports.models import Report, ReportStatus, ReportTrigger
from enterprise.reports.schedule import latest_fire, next_fire
from enterprise.reports.service import ScheduleChange
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.settings import Settings
from tests.factories import make_enterprise

# Madrid leaves winter time on Sunday 2027-03-28: Monday 9:00 is 08:00 UTC before, 07:00 UTC after.
BEFORE_CHANGE = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
AFTER_CHANGE = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def runtime() -> Iterator[EnterpriseRuntime]:
    settings = Settings(enterprise_enabled=True, enable_auto_reports=True, smtp_url=None)
    runtime = EnterpriseRuntime.from_settings(settings, owner=True)
    yield runtime
    runtime.engine.dispose()


def _change_schedule(runtime: EnterpriseRuntime, enterprise_id: uuid.UUID, change: ScheduleChange) -> None:
    with session_scope(runtime.session_factory) as session:
        admin = session.scalars(select(User).where(User.enterprise_id == enterprise_id)).one()
        service.change_schedule(session, admin, change, runtime.settings)


def _madrid_enterprise(runtime: EnterpriseRuntime) -> uuid.UUID:
    """A new enterprise whose reports are due on Mondays at 9:00 in Madrid, in Spanish."""
    account = make_enterprise(runtime.settings, "madrid")
    _change_schedule(runtime, account.enterprise_id, ScheduleChange(timezone="Europe/Madrid", language="es"))
    return account.enterprise_id


def _reports(runtime: EnterpriseRuntime, enterprise_id: uuid.UUID) -> list[Report]:
    with session_scope(runtime.session_factory) as session:
        rows = session.scalars(select(Report).where(Report.enterprise_id == enterprise_id).order_by(Report.period_end))
        reports = list(rows)
        session.expunge_all()
    return reports


@pytest.mark.pure
def test_the_schedule_is_read_in_the_enterprises_time_zone_across_a_daylight_saving_change() -> None:
    assert latest_fire("0 9 * * 1", "Europe/Madrid", BEFORE_CHANGE - timedelta(minutes=1)) < BEFORE_CHANGE
    assert latest_fire("0 9 * * 1", "Europe/Madrid", BEFORE_CHANGE) == BEFORE_CHANGE
    assert next_fire("0 9 * * 1", "Europe/Madrid", BEFORE_CHANGE) == AFTER_CHANGE  # 7 days less an hour
    assert next_fire("0 9 * * 1", "America/New_York", datetime(2027, 3, 8, 15, tzinfo=UTC)) == datetime(
        2027, 3, 15, 13, 0, tzinfo=UTC
    )  # New York: 14:00 UTC in winter, 13:00 UTC from 2027-03-14


def test_a_report_is_made_at_nine_local_time_on_both_sides_of_the_change(runtime: EnterpriseRuntime) -> None:
    enterprise_id = _madrid_enterprise(runtime)
    factory, settings = runtime.session_factory, runtime.settings

    week_before = BEFORE_CHANGE - timedelta(days=7)

    service.tick(factory, settings, now=BEFORE_CHANGE - timedelta(minutes=1), only=[enterprise_id])
    # 08:59 in Madrid: only the week before's report (the first tick makes the run it missed)
    assert [r.schedule_key for r in _reports(runtime, enterprise_id)] == [week_before.isoformat()]

    service.tick(factory, settings, now=BEFORE_CHANGE, only=[enterprise_id])
    service.tick(factory, settings, now=AFTER_CHANGE - timedelta(minutes=1), only=[enterprise_id])
    assert [r.schedule_key for r in _reports(runtime, enterprise_id)][1:] == [BEFORE_CHANGE.isoformat()]

    service.tick(factory, settings, now=AFTER_CHANGE, only=[enterprise_id])  # 07:00 UTC is 09:00 in summer
    reports = _reports(runtime, enterprise_id)[1:]
    assert [r.schedule_key for r in reports] == [BEFORE_CHANGE.isoformat(), AFTER_CHANGE.isoformat()]
    assert all(r.status == ReportStatus.DONE and r.trigger == ReportTrigger.SCHEDULED for r in reports)
    assert reports[1].period_start == BEFORE_CHANGE  # each report covers the week since the last
    assert reports[1].language == "es"
    assert reports[1].title.startswith("Informe ejecutivo")


def test_two_workers_at_the_same_minute_make_one_report(runtime: EnterpriseRuntime) -> None:
    enterprise_id = _madrid_enterprise(runtime)
    generated: list[int] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        generated.append(
            service.tick(runtime.session_factory, runtime.settings, now=BEFORE_CHANGE, only=[enterprise_id])
        )

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    reports = _reports(runtime, enterprise_id)
    assert len(reports) == 1
    assert reports[0].status == ReportStatus.DONE
    assert reports[0].attempts == 1
    assert sorted(generated) == [0, 1]  # one worker wrote it, the other found it taken


_DOOMED_WORKER = textwrap.dedent(
    """
    import sys, time, uuid
    from datetime import datetime
    from enterprise.reports import repository
    from enterprise.runtime import EnterpriseRuntime
    from shared.database import session_scope
    from shared.settings import Settings

    runtime = EnterpriseRuntime.from_settings(Settings(), owner=True)
    claimed_at = datetime.fromisoformat(sys.argv[2])
    with session_scope(runtime.session_factory) as session:
        assert repository.claim(session, uuid.UUID(sys.argv[1]), "doomed-worker", claimed_at, claimed_at)
    print("claimed", flush=True)
    time.sleep(600)  # killed half-way, before it writes anything
    """
)


def test_a_killed_workers_report_is_finished_by_another(runtime: EnterpriseRuntime) -> None:
    enterprise_id = _madrid_enterprise(runtime)
    with session_scope(runtime.session_factory) as session:
        (report_id,) = service.schedule_due_reports(session, runtime.settings, BEFORE_CHANGE, only=[enterprise_id])

    doomed = subprocess.Popen(
        [sys.executable, "-c", _DOOMED_WORKER, str(report_id), BEFORE_CHANGE.isoformat()],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert doomed.stdout is not None
        assert doomed.stdout.readline().strip() == "claimed"
        os.kill(doomed.pid, signal.SIGKILL)
    finally:
        doomed.wait(timeout=30)
    (held,) = _reports(runtime, enterprise_id)
    assert held.status == ReportStatus.RUNNING
    assert held.claimed_by == "doomed-worker"

    # A minute later the claim is fresh: the report is not taken from a worker that may be alive.
    assert (
        service.tick(
            runtime.session_factory, runtime.settings, now=BEFORE_CHANGE + timedelta(minutes=1), only=[enterprise_id]
        )
        == 0
    )
    later = BEFORE_CHANGE + service.STALE_AFTER + timedelta(minutes=1)
    assert service.tick(runtime.session_factory, runtime.settings, now=later, only=[enterprise_id]) == 1

    (finished,) = _reports(runtime, enterprise_id)
    assert finished.status == ReportStatus.DONE
    assert finished.claimed_by != "doomed-worker"
    assert finished.attempts == 2
    assert finished.pdf_bytes > 0


def test_a_run_missed_while_every_worker_was_down_is_made_once_when_one_returns(runtime: EnterpriseRuntime) -> None:
    enterprise_id = _madrid_enterprise(runtime)
    back = AFTER_CHANGE + timedelta(hours=5)  # no worker ran at 9:00 on either Monday
    service.tick(runtime.session_factory, runtime.settings, now=back, only=[enterprise_id])
    service.tick(runtime.session_factory, runtime.settings, now=back + timedelta(minutes=1), only=[enterprise_id])
    service.tick(runtime.session_factory, runtime.settings, now=back + timedelta(hours=3), only=[enterprise_id])
    (report,) = _reports(runtime, enterprise_id)
    assert report.schedule_key == AFTER_CHANGE.isoformat()  # the latest missed run, not every one
    assert report.status == ReportStatus.DONE


def test_no_report_is_scheduled_while_the_service_switch_or_the_enterprises_own_is_off(
    runtime: EnterpriseRuntime,
) -> None:
    enterprise_id = _madrid_enterprise(runtime)
    off = Settings(enterprise_enabled=True, enable_auto_reports=False)
    service.tick(runtime.session_factory, off, now=BEFORE_CHANGE, only=[enterprise_id])
    assert _reports(runtime, enterprise_id) == []
    _change_schedule(runtime, enterprise_id, ScheduleChange(enabled=False))
    service.tick(runtime.session_factory, runtime.settings, now=BEFORE_CHANGE, only=[enterprise_id])
    assert _reports(runtime, enterprise_id) == []
