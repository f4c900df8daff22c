import pytest


@pytest.fixture(autouse=True)
def _attendance_notes_forgotten():
    from live.services.attendance import attendance_forget

    yield
    attendance_forget()
