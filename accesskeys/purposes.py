"""Every kind of link that grants something, in one table: what it opens, how long it lives,
whether it is single-use, whether it may sign a person in, and how it is revoked.

docs/security.md shows the same table for readers.
Lifetimes are Django settings (seconds, defaults in config/settings.py), read when a link is
checked.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

# Revocation styles.
REPLACED_ON_ISSUE = "replaced_on_issue"  # issuing a new link revokes the subject's older ones
REVOKED_EXPLICITLY = "revoked_explicitly"  # a service raises the version (a reset, a rotation)


@dataclass(frozen=True)
class Purpose:
    name: str
    opens: str
    # The Django setting holding the seconds from issue: a hard bound even where ``ends_at``
    # is later.
    max_age_setting: str
    single_use: bool  # spent the first time it signs in (``spend``); reading never spends
    signs_in: bool  # may start a session (never for staff, superusers or role holders)
    revocation: str
    # Another purpose whose version this one shares: rotating that revokes these too.
    revoked_with: str | None = None
    # Dotted path to ``f(subject) -> aware datetime | None``: the link is refused after it.
    ends_at: str | None = None

    @property
    def salt(self) -> str:
        return f"openips.accesskeys.{self.name}"

    @property
    def version_name(self) -> str:
        return self.revoked_with or self.name

    def max_age(self) -> timedelta:
        return timedelta(seconds=getattr(settings, self.max_age_setting))


JOIN = Purpose(
    name="registration.join",
    opens="the registration's join page and the live rooms of its seminar",
    max_age_setting="REGISTRATION_JOIN_LINK_MAX_AGE",
    single_use=True,
    signs_in=True,
    revocation=REVOKED_EXPLICITLY,
    ends_at="registration.links.join_link_ends_at",
)
CONFIRM = Purpose(
    name="registration.confirm",
    opens="applies the registration form it carries, then signs in",
    max_age_setting="REGISTRATION_CONFIRM_LINK_MAX_AGE",
    single_use=True,
    signs_in=True,
    revocation=REPLACED_ON_ISSUE,
)
SIGN_IN = Purpose(
    name="registration.sign_in",
    opens="signs a registered vendor in to their registration page",
    max_age_setting="REGISTRATION_SIGN_IN_LINK_MAX_AGE",
    single_use=True,
    signs_in=True,
    revocation=REPLACED_ON_ISSUE,
)
ACCOUNT_SIGN_IN = Purpose(
    name="accounts.sign_in",
    opens="signs a vendor in from the site's sign-in page, then returns them where they were",
    max_age_setting="ACCOUNT_SIGN_IN_LINK_MAX_AGE",
    single_use=True,
    signs_in=True,
    revocation=REPLACED_ON_ISSUE,
)
CALENDAR = Purpose(
    name="registration.calendar",
    opens="the registration's calendar feed (.ics), read-only",
    max_age_setting="REGISTRATION_CALENDAR_LINK_MAX_AGE",
    single_use=False,
    signs_in=False,
    revocation=REVOKED_EXPLICITLY,
    ends_at="registration.links.calendar_link_ends_at",
)
OFFICER_CALENDAR = Purpose(
    name="meetings.officer_calendar",
    opens="one officer's meetings in one seminar as a calendar feed (.ics), read-only",
    max_age_setting="MEETINGS_OFFICER_CALENDAR_LINK_MAX_AGE",
    single_use=False,
    signs_in=False,
    revocation=REVOKED_EXPLICITLY,
    ends_at="meetings.links.officer_calendar_ends_at",
)
ROOM_INVITE = Purpose(
    name="live.room_invite",
    opens="a new in-room identity for one session (the projector's QR code)",
    max_age_setting="LIVE_ROOM_INVITE_MAX_AGE",
    single_use=False,
    signs_in=False,
    revocation=REVOKED_EXPLICITLY,
)
ROOM_TOKEN = Purpose(
    name="live.room_token",
    opens="asking and voting in one session as that in-room identity",
    max_age_setting="LIVE_ROOM_TOKEN_MAX_AGE",
    single_use=False,
    signs_in=False,
    revocation=REVOKED_EXPLICITLY,
    revoked_with=ROOM_INVITE.name,
)

INVITATION = Purpose(
    name="organising.invitation",
    opens=(
        "accepting one role (presenter, moderator, organiser) in one seminar for the invited "
        "address: with that account's password, or by creating the account; never signs in"
    ),
    max_age_setting="ORGANISING_INVITATION_MAX_AGE",
    single_use=True,
    signs_in=False,
    revocation=REVOKED_EXPLICITLY,
)

REGISTRY: dict[str, Purpose] = {
    p.name: p
    for p in (
        JOIN,
        CONFIRM,
        SIGN_IN,
        ACCOUNT_SIGN_IN,
        CALENDAR,
        OFFICER_CALENDAR,
        ROOM_INVITE,
        ROOM_TOKEN,
        INVITATION,
    )
}
