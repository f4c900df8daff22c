"""Writes of the registration app. Import services from here; each lives in a submodule."""

from registration.services.engagement import engagement_record, lead_update

__all__ = ["engagement_record", "lead_update"]
