"""Who may do what with vendors' records; builds on seminars.permissions (roles per seminar).

Every view that decides a company claim asks ``can_decide_company_claim``, nothing else.
"""

from registration.models import CompanyClaim, Person
from seminars import permissions
from seminars.permissions import AnyUser


def can_decide_company_claim(user: AnyUser, claim: CompanyClaim) -> bool:
    """The organisers of the seminar where the claim was made, and the people who already
    belong to the claimed company (not the claimant). Nobody else: not another seminar's
    organiser, not an agency, not another vendor."""
    if not user.is_authenticated:
        return False
    if permissions.can_manage_seminar(user, claim.seminar):
        return True
    return (
        Person.objects.filter(user=user, company_id=claim.company_id)
        .exclude(pk=claim.person_id)
        .exists()
    )
