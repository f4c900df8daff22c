"""The overview's figures: counts by mode and status, registrations per day, country groups,
check-ins and who is in a live room now. Five queries at any size."""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from live.models import Attendance
from registration.charts import bar_chart
from registration.models import Registration
from seminars.models import Seminar

_GROUPS = [
    ("ldc", Q(is_ldc=True)),
    ("lldc", Q(is_lldc=True)),
    ("sids", Q(is_sids=True)),
    ("eit", Q(is_eit=True)),
    ("income_L", Q(income_group="L")),
    ("income_LM", Q(income_group="LM")),
    ("income_UM", Q(income_group="UM")),
    ("income_H", Q(income_group="H")),
]


def _group_labels() -> dict[str, str]:
    return {
        "ldc": _("Least developed countries"),
        "lldc": _("Landlocked developing countries"),
        "sids": _("Small island developing states"),
        "eit": _("Economies in transition"),
        "income_L": _("Low income"),
        "income_LM": _("Lower-middle income"),
        "income_UM": _("Upper-middle income"),
        "income_H": _("High income"),
    }


def overview_figures(seminar: Seminar) -> dict:
    registrations = Registration.objects.filter(seminar=seminar)
    by_mode_status = {
        (row["attendance_mode"], row["status"]): row["n"]
        for row in registrations.values("attendance_mode", "status").annotate(n=Count("pk"))
    }
    modes, statuses = Registration.AttendanceMode, Registration.Status
    table = [
        (mode.label, [by_mode_status.get((mode.value, status.value), 0) for status in statuses])
        for mode in modes
    ]
    active = registrations.filter(status__in=Registration.ACTIVE_STATUSES)
    groups = active.aggregate(
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        total=Count("pk"),
        **{key: Count("pk", filter=condition) for key, condition in _GROUPS},
    )
    per_day = list(
        registrations.annotate(day=TruncDate("created_at", tzinfo=seminar.zone))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    labels = _group_labels()
    per_day_title = _("Registrations per day (%(zone)s)") % {"zone": seminar.time_zone}
    groups_title = _("Active registrations by country group")
    live_now = Attendance.objects.filter(
        session__seminar=seminar, present_since__isnull=False
    ).count()
    return {
        "statuses": [status.label for status in statuses],
        "table": table,
        "checked_in": groups["checked_in"],
        "active": groups["total"],
        "live_now": live_now,
        "per_day_chart": bar_chart(
            [(row["day"].isoformat(), row["n"]) for row in per_day[-60:]],
            title=per_day_title,
        ),
        "per_day_title": per_day_title,
        "groups_title": groups_title,
        "groups_chart": bar_chart(
            [(labels[key], groups[key]) for key, _condition in _GROUPS],
            title=groups_title,
            maximum=groups["total"],
        ),
    }
