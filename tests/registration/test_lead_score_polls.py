"""Poll participation in the leads' engagement score (LEAD_SCORE_WEIGHTS["polls_answered"])."""

from polls.models import Poll, PollVote
from registration.selectors import lead_rows
from tests import factories


def test_polls_answered_in_the_agencys_sessions_count_with_their_weight(
    register, open_seminar, agencies, settings
):
    unicef, undp = agencies["UNICEF"], agencies["UNDP"]
    registration = register(consents={str(unicef.pk): True})
    (before,) = lead_rows(open_seminar, unicef)
    ours = factories.SessionFactory(seminar=open_seminar)
    ours.agencies.set([unicef])
    theirs = factories.SessionFactory(seminar=open_seminar)
    theirs.agencies.set([undp])
    user = registration.person.user
    for session in (ours, ours, theirs):
        poll = Poll.objects.create(session=session, kind="rating", question="?", state="open")
        PollVote.objects.create(poll=poll, voter=user, rating=3)
    settings.LEAD_SCORE_WEIGHTS = {**settings.LEAD_SCORE_WEIGHTS, "polls_answered": 7}
    (after,) = lead_rows(open_seminar, unicef)
    assert after.score - before.score == 2 * 7
