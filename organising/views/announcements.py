"""Announcements: write per language, preview, send once, watch progress and the log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organising import selectors
from organising.forms import AnnouncementForm
from organising.services.announcements import (
    announcement_create,
    announcement_send,
)
from organising.services.announcements import render as render_announcement
from organising.views.common import form_errors_from, organiser_view, paginate


@organiser_view
def announcement_list(request, seminar):
    form = AnnouncementForm(request.POST or None, seminar=seminar)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            announcement = announcement_create(
                seminar=seminar,
                user=request.user,
                default_language=data["default_language"],
                audience={k: data[k] for k in ("status", "mode", "group")},
                texts=form.texts(),
                send_after=data["send_at"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("organising:announcement", slug=seminar.slug, pk=announcement.pk)
    return render(
        request,
        "organising/announcements.html",
        {
            "seminar": seminar,
            "form": form,
            "announcements": paginate(request, selectors.announcements(seminar)),
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_view
def announcement_detail(request, seminar, pk):
    announcement = selectors.announcement_or_404(seminar, pk)
    texts = selectors.announcement_texts(announcement)
    previews = [render_announcement(announcement, code, texts) for code in texts]
    log = paginate(request, selectors.announcement_deliveries(announcement))
    return render(
        request,
        "organising/announcement.html",
        {
            "seminar": seminar,
            "announcement": announcement,
            "previews": previews,
            "recipient_count": selectors.announcement_recipient_count(announcement),
            "done": log.page.paginator.count,
            "failed": selectors.announcement_failed_count(announcement),
            "log": log,
        },
    )


@require_POST
@organiser_view
def announcement_send_view(request, seminar, pk):
    announcement = selectors.announcement_or_404(seminar, pk)
    try:
        announcement_send(announcement=announcement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The announcement is queued for sending."))
    return redirect("organising:announcement", slug=seminar.slug, pk=pk)
