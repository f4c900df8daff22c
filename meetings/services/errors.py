from django.core.exceptions import ValidationError


class MeetingError(ValidationError):
    """A request or change that breaks a rule of the programme; the message says which."""
