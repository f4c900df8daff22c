import pytest


@pytest.fixture(autouse=True)
def _attendance_notes_forgotten():
    """Attendance notes not yet written belong to the test that made them, not the next."""
    from live.services.attendance import attendance_forget

    yield
    attendance_forget()
