"""Announcements: write per language, preview, send once, watch progress and the log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organising.forms import AnnouncementForm
from organising.models import Announcement
from organising.services.announcements import (
    announcement_create,
    announcement_send,
    recipients,
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
            "announcements": paginate(request, seminar.announcements.all()),
        },
        status=400 if request.method == "POST" else 200,
    )


@organiser_view
def announcement_detail(request, seminar, pk):
    announcement = get_object_or_404(seminar.announcements, pk=pk)
    texts = {t.language: t for t in announcement.texts.all()}
    previews = [render_announcement(announcement, code, texts) for code in texts]
    deliveries = announcement.deliveries.all()
    log = paginate(request, deliveries)
    return render(
        request,
        "organising/announcement.html",
        {
            "seminar": seminar,
            "announcement": announcement,
            "previews": previews,
            "recipient_count": (
                recipients(announcement).count()
                if announcement.status == Announcement.Status.DRAFT
                else announcement.recipients
            ),
            "done": log.page.paginator.count,
            "failed": deliveries.filter(outcome="failed").count(),
            "log": log,
        },
    )


@require_POST
@organiser_view
def announcement_send_view(request, seminar, pk):
    announcement = get_object_or_404(seminar.announcements, pk=pk)
    try:
        announcement_send(announcement=announcement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The announcement is queued for sending."))
    return redirect("organising:announcement", slug=seminar.slug, pk=pk)
