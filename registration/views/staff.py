"""Pages for organisers (approvals, check-in, exports, reach) and agencies (leads)."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config import edge
from registration import exports, permissions, selectors, services
from registration.charts import bar_chart
from registration.forms import CheckInForm, ExportForm, LeadForm
from registration.models import Registration
from seminars import spreadsheets
from seminars.downloads import content_disposition
from seminars.models import Organization, Seminar
from seminars.selectors import seminar_visible_or_404


def _managed(request, slug: str) -> Seminar:
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    if not permissions.can_manage_registrations(request.user, seminar):
        raise PermissionDenied
    return seminar


def _agency(request, seminar: Seminar) -> Organization:
    """The agency the signed-in presenter acts for (``?agency=`` when they have several)."""
    ids = permissions.lead_agency_ids(request.user, seminar)
    if not ids:
        raise PermissionDenied
    wanted = edge.int_param(request.GET, "agency") or edge.int_param(request.POST, "agency")
    agency_id = wanted if wanted in ids else min(ids)
    return selectors.agency(agency_id)


@login_required
def registrations(request, slug: str):
    seminar = _managed(request, slug)
    pending = selectors.registrations_pending_approval(seminar, limit=200)
    counts = selectors.registration_counts_by_status(seminar)
    return render(
        request,
        "registration/registrations.html",
        {
            "seminar": seminar,
            "pending": pending,
            "claims": selectors.company_claims_pending(seminar),
            "counts": [
                (label, counts.get(value, 0)) for value, label in Registration.Status.choices
            ],
        },
    )


@login_required
@require_POST
def decide(request, slug: str, pk: int):
    seminar = _managed(request, slug)
    registration = selectors.registration_of_seminar_or_404(seminar=seminar, registration_id=pk)
    try:
        services.registration_decide(
            registration=registration, approve=request.POST.get("decision") == "approve"
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=409)
    return redirect("registration:registrations", slug=slug)


@login_required
def check_in_page(request, slug: str):
    seminar = _managed(request, slug)
    return render(
        request,
        "registration/check_in.html",
        {"seminar": seminar, "form": CheckInForm(), "counts": selectors.arrivals(seminar)},
    )


@login_required
@require_POST
def check_in_scan(request, slug: str):
    seminar = _managed(request, slug)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"outcome": "invalid", "message": _("Enter a code.")}, status=400)
    result = services.check_in_record(
        seminar=seminar, code=form.cleaned_data["code"], by_user=request.user
    )
    registration = result.registration
    at = result.at.astimezone(seminar.zone).strftime("%H:%M") if result.at else ""
    messages = {
        "checked_in": _("Welcome, %(name)s: checked in at %(at)s."),
        "already": _("%(name)s is already checked in at %(at)s."),
        "unknown": _("No registration has this code."),
        "not_in_room": _("%(name)s registered to attend online, not in the room."),
        "not_confirmed": _("%(name)s has no confirmed place (waiting list or not approved)."),
    }
    name = registration.person.full_name if registration else ""
    return JsonResponse(
        {
            "outcome": result.outcome,
            "message": messages[result.outcome] % {"name": name, "at": f"{at} {seminar.time_zone}"},
            "company": registration.company.legal_name
            if registration and registration.company
            else "",
            **selectors.arrivals(seminar),
        },
        status=200
        if result.outcome in {"checked_in", "already"}
        else 404
        if result.outcome == "unknown"
        else 409,
    )


SCAN_STATUS = {"checked_in": 200, "already": 200, "unknown": 404, "not_in_room": 409}
SCAN_STATUS["not_confirmed"] = 409


@login_required
def check_in_count(request, slug: str):
    seminar = _managed(request, slug)
    return JsonResponse(selectors.arrivals(seminar))


def _export_response(
    *, request, seminar, kind, fmt, header, rows, filters, columns, queryset, agency
):
    services.export_log_record(
        seminar=seminar,
        user=request.user,
        kind=kind,
        file_format=fmt,
        agency=agency,
        filters=filters,
        columns=columns,
        queryset=queryset,
    )
    stamp = timezone.now().astimezone(seminar.zone).strftime("%Y%m%d-%H%M")
    name = f"{seminar.slug}-{kind}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.iter_csv(header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition(name)
        return response
    # openpyxl needs a file to write a workbook; the response streams it back from disk.
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        exports.write_xlsx(header, rows, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition(name)  # the project's one builder
    return response


FORMATS = {"csv", "xlsx"}


def _since(request, seminar, kind, agency, new_only: bool):
    if not new_only:
        return None
    return selectors.last_export_at(seminar=seminar, user=request.user, kind=kind, agency=agency)


def _export_options(form: ExportForm, column_defs) -> tuple[dict, list, bool]:
    """Filters (only those set), the picked columns and "only new" from a valid ExportForm."""
    data = form.cleaned_data
    filters = {k: v for k, v in data.items() if k not in {"columns", "new_only"} and v}
    return filters, exports.pick_columns(column_defs, data["columns"]), data["new_only"]


@login_required
def export_attendees(request, slug: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    seminar = _managed(request, slug)
    agencies = list(selectors.seminar_agencies(seminar))
    form = ExportForm(
        request.GET,
        column_choices=[(c.key, c.header) for c in exports.ATTENDEE_COLUMNS],
        agencies=agencies,
    )
    if not form.is_valid():
        return HttpResponse(_("Invalid export options."), status=400)
    filters, columns, new_only = _export_options(form, exports.ATTENDEE_COLUMNS)
    since = _since(request, seminar, "attendees", None, new_only)
    queryset = exports.attendee_queryset(seminar, filters, since=since)
    return _export_response(
        request=request,
        seminar=seminar,
        kind="attendees",
        fmt=fmt,
        header=exports.header_row(columns),
        rows=exports.attendee_rows(seminar=seminar, columns=columns, queryset=queryset),
        filters={**filters, "new_only": new_only},
        columns=[c.key for c in columns],
        queryset=queryset,
        agency=None,
    )


@login_required
def export_leads(request, slug: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    agency = _agency(request, seminar)
    form = ExportForm(request.GET, column_choices=[(c.key, c.header) for c in exports.LEAD_COLUMNS])
    if not form.is_valid():
        return HttpResponse(_("Invalid export options."), status=400)
    filters, columns, new_only = _export_options(form, exports.LEAD_COLUMNS)
    since = _since(request, seminar, "leads", agency, new_only)
    queryset = exports.lead_queryset(seminar, agency, filters, since=since)
    return _export_response(
        request=request,
        seminar=seminar,
        kind="leads",
        fmt=fmt,
        header=exports.header_row(columns),
        rows=exports.lead_export_rows(
            seminar=seminar, agency=agency, columns=columns, queryset=queryset
        ),
        filters={**filters, "new_only": new_only},
        columns=[c.key for c in columns],
        queryset=queryset,
        agency=agency,
    )


@login_required
def exports_page(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    if not permissions.can_use_exports(request.user, seminar):
        raise PermissionDenied
    is_organizer = permissions.can_manage_registrations(request.user, seminar)
    agency_ids = permissions.lead_agency_ids(request.user, seminar)
    context = {"seminar": seminar, "is_organizer": is_organizer}
    if is_organizer:
        context["attendee_form"] = ExportForm(
            column_choices=[(c.key, c.header) for c in exports.ATTENDEE_COLUMNS],
            agencies=list(selectors.seminar_agencies(seminar)),
            initial={"columns": [c.key for c in exports.ATTENDEE_COLUMNS]},
        )
        context["log"] = selectors.export_log(seminar)[:100]
    if agency_ids:
        context["agency"] = _agency(request, seminar)
        context["lead_form"] = ExportForm(
            column_choices=[(c.key, c.header) for c in exports.LEAD_COLUMNS],
            initial={"columns": [c.key for c in exports.LEAD_COLUMNS]},
        )
    return render(request, "registration/exports.html", context)


@login_required
def leads(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    agency = _agency(request, seminar)
    rows = selectors.lead_rows(seminar, agency)
    rows.sort(key=lambda row: -row.score)
    return render(
        request,
        "registration/leads.html",
        {
            "seminar": seminar,
            "agency": agency,
            "rows": rows,
            "lead_form": LeadForm(),
            "agencies": selectors.agencies_by_ids(
                permissions.lead_agency_ids(request.user, seminar)
            ),
        },
    )


@login_required
def leads_json(request, slug: str):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    agency = _agency(request, seminar)
    return JsonResponse(
        {
            "agency": agency.acronym or agency.name,
            "leads": [
                {
                    "registration_id": row.registration.pk,
                    "name": row.registration.person.full_name,
                    "email": row.registration.person.email,
                    "company": row.registration.company.legal_name,
                    "country": row.registration.country.code,
                    "score": row.score,
                    "matching_segments": row.matching_segments,
                    "status": row.status,
                }
                for row in selectors.lead_rows(seminar, agency)
            ],
        }
    )


@login_required
@require_POST
def lead_update(request, slug: str, pk: int):
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    agency = _agency(request, seminar)
    registration = selectors.consenting_registration_or_404(
        seminar=seminar, agency=agency, registration_id=pk
    )
    form = LeadForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a status; notes are limited to 4000 characters."), status=400)
    services.lead_update(
        registration=registration,
        agency=agency,
        user=request.user,
        status=form.cleaned_data["status"],
        notes=form.cleaned_data["notes"],
    )
    return redirect(f"{_leads_url(slug)}?agency={agency.pk}#lead-{pk}")


def _leads_url(slug: str) -> str:
    return reverse("registration:leads", kwargs={"slug": slug})


@login_required
def reach(request, slug: str):
    seminar = _managed(request, slug)
    report = selectors.reach_report(seminar)
    return render(
        request,
        "registration/reach.html",
        {
            "seminar": seminar,
            "report": report,
            "chart_time": bar_chart(report.over_time, title=_("Registrations per day")),
            "chart_region": bar_chart(report.by_region, title=_("Registrations by region")),
            "chart_groups": bar_chart(
                [(label, pct) for label, _n, pct in report.shares],
                title=_("Share of registrations (%)"),
                maximum=100,
                suffix="%",
            ),
        },
    )


@login_required
def reach_csv(request, slug: str):
    seminar = _managed(request, slug)
    report = selectors.reach_report(seminar)
    rows = [
        ["measure", "value", "count", "percent"],
        ["total", "", report.total, 100 if report.total else 0],
        *(["share", label, count, pct] for label, count, pct in report.shares),
        *(["region", region, count, ""] for region, count in report.by_region),
        *(["country", country, count, ""] for country, count in report.by_country),
        *(["registered_on", day, count, ""] for day, count in report.over_time),
    ]
    response = HttpResponse(spreadsheets.csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{seminar.slug}-reach.csv")
    return response
