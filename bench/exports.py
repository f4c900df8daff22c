"""Exports: rows/s and peak memory of registration/exports.py's CSV and XLSX writers.

Each measurement runs in a fresh Django process (peak memory only grows within a process):
it reads its own RSS every 5 ms in a thread while the writer streams every registration of
a seeded seminar to a file. "Peak" is the highest RSS during the export minus the RSS just
before it. Seeding is bulk inserts, done once per size in its own process.

    python -m bench.exports seed N          -> prints the seminar slug
    python -m bench.exports measure FORMAT SLUG
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from bench import procs


def _seed(rows: int) -> str:
    import secrets

    from registration.models import AgencyConsent, Company, Person, Registration
    from seminars.models import Organization, Seminar

    host, _ = Organization.objects.get_or_create(name="Bench host", defaults={"kind": "host"})
    agency, _ = Organization.objects.get_or_create(
        name="United Nations Development Programme", defaults={"kind": "agency", "acronym": "UNDP"}
    )
    slug = f"bench-export-{rows}-{secrets.token_hex(3)}"
    seminar = Seminar.objects.create(
        slug=slug,
        title=f"Export bench {rows}",
        host=host,
        format="hybrid",
        time_zone="Asia/Dhaka",
        starts_on="2030-03-04",
        ends_on="2030-03-05",
        languages=["en"],
        status="published",
    )
    batch = 5000
    for start in range(0, rows, batch):
        count = min(batch, rows - start)
        companies = Company.objects.bulk_create(
            Company(
                legal_name=f"Solar Pumps Ltd {start + i}",
                country="BD",
                city="Dhaka",
                size_band="small",
                unspsc_codes=["40151500"],
            )
            for i in range(count)
        )
        people = Person.objects.bulk_create(
            Person(
                company=c,
                email=f"{slug}-{start + i}@example.org",
                full_name=f"Vendor Name {start + i}",
                job_title="Director",
                phone="+8801711000000",
                preferred_language="en",
                time_zone="Asia/Dhaka",
            )
            for i, c in enumerate(companies)
        )
        registrations = Registration.objects.bulk_create(
            Registration(
                seminar=seminar,
                person=p,
                company=p.company,
                status="confirmed",
                attendance_mode="online",
                country="BD",
                region="asia",
                is_ldc=True,
                calendar_token=secrets.token_urlsafe(32),
                check_in_code=secrets.token_hex(6),
                privacy_notice_version="2030-01",
            )
            for p in people
        )
        AgencyConsent.objects.bulk_create(
            AgencyConsent(
                registration=r,
                agency=agency,
                granted=True,
                privacy_notice_version="2030-01",
                updated_at=r.created_at,
            )
            for r in registrations[::2]
        )
    return slug


def _measure(fmt: str, slug: str) -> dict:
    from registration import exports
    from seminars.models import Seminar

    seminar = Seminar.objects.get(slug=slug)
    header = exports.header_row(exports.ATTENDEE_COLUMNS)
    rows = exports.attendee_rows(seminar=seminar, columns=exports.ATTENDEE_COLUMNS)
    baseline = procs.rss_bytes(os.getpid())
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], procs.rss_bytes(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"export.{fmt}")
        started = time.perf_counter()
        if fmt == "csv":
            with open(path, "wb") as fileobj:
                count = exports.write_csv(header, rows, fileobj)
        else:
            count = exports.write_xlsx(header, rows, path)
        seconds = time.perf_counter() - started
        size = os.path.getsize(path)
    done.set()
    sampler.join()
    peak[0] = max(peak[0], procs.rss_bytes(os.getpid()))
    return {
        "format": fmt,
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(count / seconds),
        "file_mib": round(size / 2**20, 1),
        "peak_extra_mib": round((peak[0] - baseline) / 2**20, 1),
        "rss_before_mib": round(baseline / 2**20, 1),
    }


def _django(
    env: dict, args: list[str], cores: set[int], timeout: float = 900, module: str = "bench.exports"
) -> str:
    """Run ``python -m module *args`` in the frozen tree, pinned; its last line of output."""
    proc = subprocess.Popen(
        [procs.PYTHON, "-m", module, *args],
        cwd=env.get("PYTHONPATH", str(procs.ROOT)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    procs.pin(proc.pid, cores)
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{err[-3000:]}")
    return out.strip().splitlines()[-1]


def measure_all(env: dict, sizes: list[int], *, cores: set[int]) -> dict:
    results = []
    for rows in sizes:
        slug = _django(env, ["seed", str(rows)], cores)
        for fmt in ("csv", "xlsx"):
            figure = json.loads(_django(env, ["measure", fmt, slug], cores))
            print(f"  export {fmt} {rows}: {figure}", flush=True)
            results.append(figure)
    by = {(r["format"], r["rows"]): r for r in results}
    small, large = sizes[0], sizes[-1]
    flat = {}
    for fmt in ("csv", "xlsx"):
        a, b = by.get((fmt, small)), by.get((fmt, large))
        if a and b:
            flat[fmt] = round(b["peak_extra_mib"] / max(a["peak_extra_mib"], 0.1), 2)
    return {"runs": results, "peak_ratio_large_to_small": flat, "sizes": sizes}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.openips_settings")
    django.setup()
    if sys.argv[1] == "seed":
        print(_seed(int(sys.argv[2])))
    else:
        print(json.dumps(_measure(sys.argv[2], sys.argv[3])))


if __name__ == "__main__":
    main()
