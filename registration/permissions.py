"""Who may do what with vendors' records; builds on seminars.permissions (roles per seminar).

Every view that decides a company claim asks ``can_decide_company_claim``, nothing else.
"""

from django.db.models import QuerySet

from registration.models import CompanyClaim
from seminars import permissions
from seminars.permissions import AnyUser


def claims_a_member_may_decide(user: AnyUser) -> QuerySet[CompanyClaim]:
    """Claims on a company the user already belongs to, other than the user's own: the one
    home of the "member of the claimed company" rule."""
    if not user.is_authenticated:
        return CompanyClaim.objects.none()
    return CompanyClaim.objects.filter(company__people__user=user).exclude(person__user=user)


def can_decide_company_claim(user: AnyUser, claim: CompanyClaim) -> bool:
    """The organisers of the seminar where the claim was made, and the people who already
    belong to the claimed company (not the claimant). Nobody else: not another seminar's
    organiser, not an agency, not another vendor."""
    if not user.is_authenticated:
        return False
    if permissions.can_manage_seminar(user, claim.seminar):
        return True
    return claims_a_member_may_decide(user).filter(pk=claim.pk).exists()
