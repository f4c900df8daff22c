"""Audio languages in media files: MP4 tags a stream's language with an ISO 639-2 code
("fra"), the site with its own codes ("fr", "zh-hans"). Both ways, for the six UN languages
and a few more; anything else passes through as it is."""

_TO_ISO639_2 = {
    "ar": "ara", "zh": "zho", "zh-hans": "zho", "zh-hant": "zho", "en": "eng", "fr": "fra",
    "ru": "rus", "es": "spa", "pt": "por", "de": "deu", "it": "ita", "ja": "jpn", "sw": "swa",
}  # fmt: skip
# ISO 639-2 has bibliographic twins ("fre", "chi", "ger") that some tools still write.
_FROM_ISO639_2 = {
    **{three: two for two, three in _TO_ISO639_2.items() if two != "zh" and two != "zh-hant"},
    "fre": "fr", "chi": "zh-hans", "ger": "de",
}  # fmt: skip


def iso639_2(code: str) -> str:
    """The MP4 tag for a site language code ("und" when unknown)."""
    code = code.lower()
    return _TO_ISO639_2.get(code) or (code if len(code) == 3 and code.isalpha() else "und")


def site_language(tag: str) -> str:
    """The site's code for an MP4 language tag ("" for none or "und")."""
    tag = (tag or "").lower()
    if tag in ("", "und"):
        return ""
    return _FROM_ISO639_2.get(tag, tag)


def language_name(code: str) -> str:
    """The language named in itself ("Français"), or its code when Django does not know it."""
    from django.utils.translation import get_language_info

    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code
