"""Agencies: the list (which of them present in this seminar), add one, edit one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organising import permissions, selectors
from organising.forms import AgencyForm
from organising.services.agencies import agency_save
from organising.views.common import form_errors_from, organiser_view, paginate


def _saved(request, form) -> bool:
    if not form.is_valid():
        return False
    try:
        agency_save(agency=form.instance)
    except ValidationError as error:
        form_errors_from(form, error)
        return False
    messages.success(request, _("The agency %(agency)s is saved.") % {"agency": form.instance})
    return True


@organiser_view
def agency_list(request, seminar):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and _saved(request, form):
        return redirect("organising:agencies", slug=seminar.slug)
    pages = paginate(request, selectors.agencies_for(seminar))
    shared = permissions.agencies_shared_beyond(
        request.user, [agency.pk for agency in pages.page.object_list]
    )
    return render(
        request,
        "organising/agencies.html",
        {"seminar": seminar, "form": form, "agencies": pages, "shared": shared, "tab": "agencies"},
        status=400 if request.method == "POST" else 200,
    )


@organiser_view
def agency_edit(request, seminar, pk):
    agency = selectors.agency_or_404(pk)
    if not permissions.can_edit_agency(request.user, agency):
        return render(
            request,
            "organising/agency_shared.html",
            {"seminar": seminar, "agency": agency, "tab": "agencies"},
            status=403,
        )
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and _saved(request, form):
        return redirect("organising:agencies", slug=seminar.slug)
    return render(
        request,
        "organising/agency_form.html",
        {"seminar": seminar, "form": form, "agency": agency, "tab": "agencies"},
        status=400 if request.method == "POST" else 200,
    )
