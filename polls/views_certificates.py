"""Certificates of attendance: the vendor's download, the public verification page, and the
organiser's rule, issue and revocation page."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from polls import certificates, permissions
from polls.forms import CertificateRuleForm
from polls.models import CertificateRule
from seminars.downloads import content_disposition
from seminars.views import get_visible_seminar


def certificate_download(request: HttpRequest, slug: str):
    """The signed-in participant's own certificate ("Download certificate (PDF)")."""
    seminar = get_visible_seminar(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        certificate = certificates.certificate_issue(seminar=seminar, user=request.user)
    except ValidationError as error:
        return render(
            request,
            "polls/certificate_refused.html",
            {"seminar": seminar, "message": error.messages[0]},
            status=403,
        )
    if certificate.revoked_at is not None:
        raise PermissionDenied
    pdf = certificates.certificate_pdf_for_download(certificate=certificate)
    response = HttpResponse(pdf, content_type=certificates.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"certificate-{seminar.slug}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def certificate_verify(request: HttpRequest, code: str):
    """Public: valid or revoked, for whom and which seminar, nothing more."""
    certificate = certificates.certificate_by_code_or_404(code)
    response = render(request, "polls/certificate_verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


def certificates_manage(request: HttpRequest, slug: str):
    """The organiser's rule, "Issue certificates", and revocation."""
    seminar = get_visible_seminar(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.may_manage_certificates(request.user, seminar):
        raise PermissionDenied
    rule = certificates.certificate_rule_of(seminar)
    form = CertificateRuleForm(instance=rule or CertificateRule(seminar=seminar))
    action = request.POST.get("action")
    if action in ("rule", "issue"):
        form = CertificateRuleForm(request.POST, instance=rule or CertificateRule(seminar=seminar))
        if form.is_valid():
            form.save()
            if action == "issue":
                issued = certificates.certificates_issue(seminar=seminar)
                messages.success(request, permissions.issued_message(issued))
            return redirect(request.path)
    elif action == "revoke":
        certificate = certificates.seminar_certificate_or_404(seminar, request.POST.get("revoke"))
        certificates.certificate_revoke(certificate=certificate)
        return redirect(request.path)
    context = {
        "seminar": seminar,
        "form": form,
        "certificates": certificates.seminar_certificates(seminar),
    }
    return render(
        request, "polls/certificates_manage.html", context, status=400 if form.errors else 200
    )
