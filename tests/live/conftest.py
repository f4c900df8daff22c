import pytest


@pytest.fixture(autouse=True)
def _attendance_notes_forgotten():
    """Attendance notes not yet written belong to the test that made them, not the next."""
    from live.services.attendance import attendance_forget

    yield
    attendance_forget()


# The live stage's fixtures (a real nginx with the RTMP module; a session set to live).
from tests.live.stage_helpers import live_session, rtmp  # noqa: E402, F401 (fixtures)
