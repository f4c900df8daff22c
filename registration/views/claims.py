"""Deciding company claims: the seminar's organisers, or the people of the claimed company."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registration import permissions, selectors
from registration.services.company import company_claim_decide
from seminars.selectors import seminar_visible_or_404

DECISIONS = {"approve", "reject"}


@login_required
@require_POST
def decide(request, slug: str, pk: int):
    """``slug`` is the seminar whose page the decision was made on (for the way back)."""
    seminar = seminar_visible_or_404(user=request.user, slug=slug)
    claim = selectors.company_claim_or_404(claim_id=pk)
    if not permissions.can_decide_company_claim(request.user, claim):
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision not in DECISIONS:
        # Anything but the two buttons' values is refused, never read as a refusal.
        return HttpResponseBadRequest(_("Choose to confirm or to refuse."))
    try:
        company_claim_decide(claim=claim, approve=decision == "approve", by_user=request.user)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=409)
    if permissions.can_manage_registrations(request.user, claim.seminar):
        return redirect("registration:registrations", slug=claim.seminar.slug)
    return redirect("registration:mine", slug=seminar.slug)
