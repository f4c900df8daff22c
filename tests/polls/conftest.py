import pytest


@pytest.fixture(autouse=True)
def _attendance_notes_forgotten():
    from live.services.attendance import attendance_forget

    yield
    attendance_forget()


@pytest.fixture(autouse=True)
def _poll_shapes_forgotten():
    from polls.selectors import poll_shapes_forget

    poll_shapes_forget()
    yield
    poll_shapes_forget()
