"""Reads of the accounts app: the account page and everything held about a vendor."""

import datetime
import decimal
import uuid

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models

from accounts.models import AccountSession
from accounts.permissions import may_manage_own_data, vendor_person
from api.permissions import may_use_token_pages
from registration.models import Company, Person, Registration, SignInToken

# Relations that record what a person did to someone else's data (checked someone in,
# decided a company claim, updated a lead, exported a list): the rows are the other person's,
# so they are not part of this person's own data.
ACTOR_FIELDS = {
    ("registration", "registration", "checked_in_by"),
    ("registration", "companyclaim", "decided_by"),
    ("registration", "lead", "updated_by"),
    ("registration", "exportlog", "user"),
    ("seminars", "question", "answered_by"),
}
# Rows that name the person by their address rather than a relation (an emailed link's record
# holds the unconfirmed registration form): model -> field holding the address.
EMAIL_KEYED = {SignInToken: "email"}
# Values that are credentials, not information about the person: shown as present or not.
SECRET_FIELDS = {
    ("auth", "user", "password"),
    ("accounts", "accountsession", "session_key"),
}


def account_overview(user: User) -> dict:
    return {
        "person": vendor_person(user),
        "session_count": AccountSession.objects.filter(user=user).count(),
        "may_manage_data": may_manage_own_data(user),
        "identities": list(user.external_identities.select_related("organization")),
        "may_use_api_tokens": may_use_token_pages(user),
    }


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    if hasattr(value, "code") and hasattr(value, "name"):  # a country
        return value.code
    return value


def _row(obj: models.Model) -> dict:
    meta = obj._meta
    row: dict = {}
    for field in meta.concrete_fields:
        key = (meta.app_label, meta.model_name, field.name)
        if key in SECRET_FIELDS:
            row[field.name] = "(set)" if getattr(obj, field.attname) else ""
        elif field.is_relation:
            row[field.name] = _value(getattr(obj, field.name))
        else:
            row[field.name] = _value(getattr(obj, field.attname))
    for field in meta.many_to_many:
        row[field.name] = [str(item) for item in getattr(obj, field.name).all()]
    return row


def _owner_fields(model) -> list[models.Field]:
    """This model's relations to a person's own rows (their account, their vendor record,
    their registrations), the relations that make a row theirs."""
    roots = (User, Person, Registration)
    meta = model._meta
    return [
        field
        for field in meta.concrete_fields
        if field.is_relation
        and field.related_model in roots
        and (meta.app_label, meta.model_name, field.name) not in ACTOR_FIELDS
    ]


def personal_models() -> list[type[models.Model]]:
    """Every model that holds rows of a person: the roots and whatever points at them."""
    found = [User, Person, Registration, Company, *EMAIL_KEYED]
    for model in apps.get_models():
        if model not in found and _owner_fields(model):
            found.append(model)
    return found


def _rows_of(model, user: User, person: Person | None) -> list[models.Model]:
    registrations = (
        Registration.objects.filter(person=person) if person else Registration.objects.none()
    )
    if model is User:
        return [user]
    if model is Person:
        return [person] if person else []
    if model is Registration:
        return list(registrations)
    if model is Company:
        ids = {person.company_id} if person and person.company_id else set()
        ids |= set(registrations.exclude(company=None).values_list("company_id", flat=True))
        return list(Company.objects.filter(pk__in=ids))
    if model in EMAIL_KEYED:
        if person is None:
            return []
        return list(model._default_manager.filter(**{EMAIL_KEYED[model]: person.email}))
    query = models.Q()
    for field in _owner_fields(model):
        related = field.related_model
        if not isinstance(related, type):  # "self" is resolved by now; never a string here
            continue
        target = {User: user, Person: person, Registration: registrations}[related]
        if target is None:
            continue
        lookup = f"{field.name}__in" if related is Registration else field.name
        query |= models.Q(**{lookup: target})
    if not query:
        return []
    return list(model._default_manager.filter(query).distinct())


def vendor_data(user: User) -> dict:
    """Everything the database holds about this account and its vendor record, table by table
    (``app_label.model``: list of rows, every stored field). Credentials are shown as present
    or not; other people's rows that this person only acted on are left out (ACTOR_FIELDS)."""
    person = vendor_person(user)
    data: dict[str, list[dict]] = {}
    for model in personal_models():
        rows = _rows_of(model, user, person)
        if rows:
            data[model._meta.label_lower] = [_row(obj) for obj in rows]
    return data


def vendor_data_sections(data: dict) -> list[dict]:
    """The same data with readable table and field names, for the page."""
    sections = []
    for label, rows in data.items():
        model = apps.get_model(label)
        names = {
            f.name: str(f.verbose_name)
            for f in model._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        sections.append(
            {
                "title": str(model._meta.verbose_name_plural),
                "rows": [[(names.get(k, k), v) for k, v in row.items()] for row in rows],
            }
        )
    return sections
