"""An organiser's review: only approved versions are played to the public."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from media_library import permissions
from media_library.models import MediaAsset, Presentation


def presentation_refresh_status(*, presentation: Presentation) -> Presentation:
    """Derive the presentation's status from its versions' reviews."""
    reviews = set(
        presentation.assets.exclude(status=MediaAsset.Status.UPLOADING).values_list(
            "review", "status"
        )
    )
    if any(r == MediaAsset.Review.PENDING and s != MediaAsset.Status.FAILED for r, s in reviews):
        status = Presentation.Status.SUBMITTED
    elif any(r == MediaAsset.Review.APPROVED for r, _s in reviews):
        status = Presentation.Status.APPROVED
    elif any(r == MediaAsset.Review.REJECTED for r, _s in reviews):
        status = Presentation.Status.REJECTED
    else:
        status = Presentation.Status.DRAFT
    if status != presentation.status:
        presentation.status = status
        presentation.save(update_fields=["status", "updated_at"])
    return presentation


def _check_reviewer(user, asset: MediaAsset) -> None:
    if not permissions.can_review_media(user, asset.presentation.session.seminar):
        raise PermissionDenied(_("Only the seminar's organisers review presentations."))


@transaction.atomic
def asset_approve(*, asset: MediaAsset, user) -> MediaAsset:
    """Approve a ready version. The slot's previously approved version and older versions
    still waiting are marked superseded; a version older than the approved one is refused.
    An approved video becomes the presentation's public video."""
    _check_reviewer(user, asset)
    if asset.status != MediaAsset.Status.READY:
        raise ValidationError(_("Only a fully processed file can be approved."))
    slot = MediaAsset.objects.select_for_update().filter(
        presentation=asset.presentation, kind=asset.kind, language=asset.language
    )
    if slot.filter(review=MediaAsset.Review.APPROVED, version__gt=asset.version).exists():
        raise ValidationError(
            _(
                "A newer version of this file is already approved, so version %(version)s "
                "can no longer be approved. Ask the agency to upload it again if it is wanted."
            )
            % {"version": asset.version}
        )
    # The approved version and every older one still waiting step aside for this one.
    slot.filter(
        Q(review=MediaAsset.Review.APPROVED)
        | Q(review=MediaAsset.Review.PENDING, version__lt=asset.version)
    ).exclude(pk=asset.pk).update(review=MediaAsset.Review.SUPERSEDED)
    asset.review = MediaAsset.Review.APPROVED
    asset.reviewed_by = user
    asset.reviewed_at = timezone.now()
    asset.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])
    presentation = asset.presentation
    if asset.kind == MediaAsset.Kind.VIDEO:
        presentation.approved_video = asset
        presentation.save(update_fields=["approved_video", "updated_at"])
    presentation_refresh_status(presentation=presentation)
    return asset


@transaction.atomic
def asset_reject(*, asset: MediaAsset, user) -> MediaAsset:
    """Reject a pending version; an approved version of the same slot stays live."""
    _check_reviewer(user, asset)
    if asset.review != MediaAsset.Review.PENDING:
        raise ValidationError(_("Only a version waiting for review can be rejected."))
    asset.review = MediaAsset.Review.REJECTED
    asset.reviewed_by = user
    asset.reviewed_at = timezone.now()
    asset.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])
    presentation_refresh_status(presentation=asset.presentation)
    return asset
