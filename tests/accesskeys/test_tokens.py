"""The signed-token module: every kind of link expires, can be revoked, is spent once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accesskeys import purposes, tokens
from accesskeys.models import SpentKey
from accesskeys.permissions import may_sign_in_by_link
from tests import factories


def test_every_kind_states_lifetime_single_use_sign_in_and_revocation():
    assert set(purposes.REGISTRY) == {
        "registration.join",
        "registration.confirm",
        "registration.sign_in",
        "accounts.sign_in",
        "registration.calendar",
        "meetings.officer_calendar",
        "live.room_invite",
        "live.room_token",
        "organising.invitation",
    }
    for purpose in purposes.REGISTRY.values():
        assert purpose.max_age() > timedelta(0)
        assert purpose.revocation in (purposes.REPLACED_ON_ISSUE, purposes.REVOKED_EXPLICITLY)
        # A link that signs in is single-use; the short ones need no seminar end to expire.
        assert purpose.single_use or not purpose.signs_in
    assert len({p.salt for p in purposes.REGISTRY.values()}) == len(purposes.REGISTRY)
    assert purposes.SIGN_IN.max_age() == timedelta(minutes=15)


@pytest.mark.django_db
def test_a_token_reads_back_only_for_its_own_purpose():
    token = tokens.issue(purposes.ROOM_TOKEN, subject=7, data={"d": "abc"})
    key = tokens.read(purposes.ROOM_TOKEN, token)
    assert (key.subject, key.data) == (7, {"d": "abc"})
    with pytest.raises(tokens.KeyInvalidError):
        tokens.read(purposes.ROOM_INVITE, token)  # same shape, other salt
    with pytest.raises(tokens.KeyInvalidError):
        tokens.read(purposes.ROOM_TOKEN, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(tokens.KeyInvalidError):
        tokens.read(purposes.ROOM_TOKEN, "")


@pytest.mark.django_db
def test_expired_token_is_refused(settings):
    token = tokens.issue(purposes.ROOM_INVITE, subject=1)
    settings.LIVE_ROOM_INVITE_MAX_AGE = -1
    with pytest.raises(tokens.KeyExpiredError):
        tokens.read(purposes.ROOM_INVITE, token)


@pytest.mark.django_db
def test_revoking_ends_older_links_and_those_sharing_the_version_only():
    invite = tokens.issue(purposes.ROOM_INVITE, subject=1)
    room_token = tokens.issue(purposes.ROOM_TOKEN, subject=1)
    other_room = tokens.issue(purposes.ROOM_INVITE, subject=2)
    assert tokens.revoke(purposes.ROOM_INVITE, subject=1) == 1
    with pytest.raises(tokens.KeyRevokedError):
        tokens.read(purposes.ROOM_INVITE, invite)
    with pytest.raises(tokens.KeyRevokedError):
        tokens.read(purposes.ROOM_TOKEN, room_token)  # shares the invite's version
    assert tokens.read(purposes.ROOM_INVITE, other_room).subject == 2
    fresh = tokens.issue(purposes.ROOM_INVITE, subject=1)
    assert tokens.read(purposes.ROOM_INVITE, fresh).version == 1


@pytest.mark.django_db
def test_a_new_link_of_a_replaced_on_issue_kind_revokes_the_older():
    older = tokens.issue(purposes.SIGN_IN, subject="s:1")
    newer = tokens.issue(purposes.SIGN_IN, subject="s:1")
    other = tokens.issue(purposes.SIGN_IN, subject="s:2")
    with pytest.raises(tokens.KeyRevokedError):
        tokens.read(purposes.SIGN_IN, older)
    assert tokens.read(purposes.SIGN_IN, newer).subject == "s:1"
    assert tokens.read(purposes.SIGN_IN, other).subject == "s:2"


@pytest.mark.django_db
def test_single_use_key_is_spent_once_and_reading_never_spends():
    token = tokens.issue(purposes.SIGN_IN, subject="s:1")
    for _ in range(3):
        key = tokens.read(purposes.SIGN_IN, token)
    assert not tokens.is_spent(key) and not SpentKey.objects.exists()
    with transaction.atomic():
        tokens.spend(key)
    assert tokens.is_spent(tokens.read(purposes.SIGN_IN, token))
    with pytest.raises(tokens.KeySpentError), transaction.atomic():
        tokens.read_and_spend(purposes.SIGN_IN, token)
    assert SpentKey.objects.count() == 1


@pytest.mark.django_db
def test_a_spend_rolled_back_with_its_transaction_leaves_the_link_unspent():
    token = tokens.issue(purposes.SIGN_IN, subject="s:1")
    with pytest.raises(RuntimeError, match="later failure"), transaction.atomic():
        tokens.read_and_spend(purposes.SIGN_IN, token)
        raise RuntimeError("later failure")
    assert not tokens.is_spent(tokens.read(purposes.SIGN_IN, token))
    with pytest.raises(ValueError, match="not single-use"), transaction.atomic():
        tokens.spend(
            tokens.read(purposes.ROOM_INVITE, tokens.issue(purposes.ROOM_INVITE, subject=1))
        )


@pytest.mark.django_db
def test_purge_drops_only_spend_records_of_expired_links():
    token = tokens.issue(purposes.SIGN_IN, subject="s:1")
    with transaction.atomic():
        tokens.read_and_spend(purposes.SIGN_IN, token)
    assert tokens.spent_keys_purge() == 0
    assert tokens.spent_keys_purge(now=timezone.now() + timedelta(minutes=16)) == 1
    assert not SpentKey.objects.exists()


@pytest.mark.django_db
def test_only_plain_active_accounts_may_be_signed_in_by_a_link():
    vendor = factories.UserFactory()
    assert may_sign_in_by_link(vendor)
    staff = factories.UserFactory(is_staff=True)
    superuser = factories.UserFactory(is_superuser=True)
    inactive = factories.UserFactory(is_active=False)
    organiser = factories.RoleFactory(role="organizer").user
    moderator = factories.RoleFactory(role="moderator").user
    for user in (staff, superuser, inactive, organiser, moderator, None):
        assert not may_sign_in_by_link(user)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_spends_of_one_link_succeed_once():
    token = tokens.issue(purposes.SIGN_IN, subject="s:race")
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def worker() -> None:
        start.wait()
        try:
            with transaction.atomic():
                tokens.read_and_spend(purposes.SIGN_IN, token)
            outcomes.append("spent")
        except tokens.KeySpentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["spent"]
