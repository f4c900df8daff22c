"""Registrations/s with and without the waiting-list fairness step (issue 13).

Since waiting-list fairness, `_allocate` first hands any free place to the first person
waiting (`registration.services.registration._promote_waiting`), under the seminar's row
lock: one more query when the mode is full (a count), two when it has room (a count and the
look for someone waiting). This section measures what that costs a new registration, on the
real service (`registration_apply`: person, company, the locked allocation, consents, the
confirmation e-mail to Django's in-memory backend and the reminders queued on commit).

"without" replaces that one call in `_allocate` by a no-op, in the measuring process only:
in the states measured here (nobody waiting while places are free) it allocates exactly as
"with" does, so the difference is the step's own cost. Each run is a fresh seminar and a
fresh process; the two variants alternate so that drift on a shared machine hits both.

    python -m bench.registrations measure STATE VARIANT COUNT WORKERS  -> one JSON line
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
import time

from bench import exports

STATES = {
    # Places free, nobody waiting: the step costs a count and an empty look for the next.
    "room": {"online_capacity": 1_000_000, "waiting": 0},
    # Mode full, 20 people waiting: the step costs a count; each newcomer joins the queue.
    "full": {"online_capacity": 20, "waiting": 20},
}


def _seminar(state: str):
    from datetime import timedelta

    from django.utils import timezone

    from seminars.models import Organization, Seminar

    host, _ = Organization.objects.get_or_create(name="Bench host", defaults={"kind": "host"})
    now = timezone.now()
    return Seminar.objects.create(
        slug=f"bench-registrations-{secrets.token_hex(4)}",
        title="Registration bench",
        host=host,
        format="virtual",
        time_zone="Africa/Nairobi",
        starts_on="2030-06-10",
        ends_on="2030-06-11",
        languages=["en"],
        status="published",
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=30),
        online_capacity=STATES[state]["online_capacity"],
        privacy_notice_version="bench-1",
    )


def _payload(seminar, n: int) -> dict:
    return {
        "email": f"{seminar.slug}-{n}@example.org",
        "full_name": f"Vendor {n}",
        "job_title": "Director",
        "phone": "+254700000000",
        "preferred_language": "en",
        "time_zone": "Africa/Nairobi",
        "company": {
            "legal_name": f"Firm {seminar.slug} {n}",
            "country": "KE",
            "national_registration_number": "",
            "city": "Nairobi",
            "website": "",
            "year_established": 2012,
            "size_band": "small",
            "women_owned": False,
            "disability_inclusive": False,
            "ungm_number": "",
            "unspsc_segments": ["42"],
            "unspsc_codes": [],
        },
        "attendance_mode": "online",
        "session_ids": [],
        "list_visibility": "hidden",
        "consents": {},
    }


def _queries_of_one(seminar, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registration.services import registration_apply

    with CaptureQueriesContext(connection) as queries:
        registration_apply(seminar=seminar, payload=_payload(seminar, n))
    return len(queries)


def _measure(state: str, variant: str, count: int, workers: int) -> dict:
    from django.conf import settings
    from django.db import connection

    from registration.services import registration as service

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    step_seconds = [0.0]
    if variant == "without":
        service._promote_waiting = lambda seminar, mode: []
    else:
        # The step's own time, summed: a figure the machine's noise blurs far less than the
        # difference of two registrations/s measured minutes apart.
        promote = service._promote_waiting

        def timed(seminar, mode):
            started = time.perf_counter()
            try:
                return promote(seminar, mode)
            finally:
                step_seconds[0] += time.perf_counter() - started

        service._promote_waiting = timed
    seminar = _seminar(state)
    first = 0
    for first in range(STATES[state]["online_capacity"] if state == "full" else 0):
        service.registration_apply(seminar=seminar, payload=_payload(seminar, first))
    waiting_before = STATES[state]["waiting"]
    base = first + 1 + waiting_before
    for n in range(first + 1, base):
        service.registration_apply(seminar=seminar, payload=_payload(seminar, n))
    queries = _queries_of_one(seminar, base)
    errors: list[str] = []

    def work(offset: int) -> None:
        try:
            for n in range(base + 1 + offset, base + 1 + count, workers):
                service.registration_apply(seminar=seminar, payload=_payload(seminar, n))
        except Exception as exc:  # recorded, not lost in a thread
            errors.append(repr(exc)[:300])
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    step_seconds[0] = 0.0
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[0])
    return {
        "state": state,
        "variant": variant,
        "workers": workers,
        "registrations": count,
        "seconds": round(seconds, 2),
        "per_s": round(count / seconds, 1),
        "queries_per_registration": queries,
        # Mean time inside the fairness step per registration (0 without it), in ms.
        "step_ms": round(1000 * step_seconds[0] / count, 2),
        "ms_per_registration": round(1000 * seconds * workers / count, 1),
    }


def measure_all(env: dict, *, count: int, rounds: int, cores: set[int]) -> dict:
    runs = []
    for state in STATES:
        for workers in (1, 4):
            for _ in range(rounds):
                for variant in ("with", "without"):
                    args = ["measure", state, variant, str(count), str(workers)]
                    line = exports._django(env, args, cores, module="bench.registrations")
                    figure = json.loads(line)
                    print(f"  registrations {figure}", flush=True)
                    runs.append(figure)
    summary = {}
    for state in STATES:
        for workers in (1, 4):
            rates = {
                v: [
                    r["per_s"]
                    for r in runs
                    if (r["state"], r["workers"], r["variant"]) == (state, workers, v)
                ]
                for v in ("with", "without")
            }
            best = {v: max(rates[v]) for v in rates}
            step = [
                r["step_ms"]
                for r in runs
                if (r["state"], r["workers"], r["variant"]) == (state, workers, "with")
            ]
            summary[f"{state}/{workers}"] = {
                "with_per_s": best["with"],
                "without_per_s": best["without"],
                "cost_pct": round(100 * (1 - best["with"] / best["without"]), 1),
                "step_ms": min(step),
            }
    return {"runs": runs, "summary": summary, "count": count, "rounds": rounds}


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.openips_settings")
    django.setup()
    if argv[0] == "measure":
        state, variant, count, workers = argv[1], argv[2], int(argv[3]), int(argv[4])
        print(json.dumps(_measure(state, variant, count, workers)))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
