"""OpenIPS's own settings, with one bench-only change: the URLconf adds a minimal view.

The minimal view (bench/http_urls.py) is the denominator of the HTTP overhead ratio: the
same server process, middleware and settings as the agenda page, but no work of its own.
It is never part of the product's URLs.
"""

from config.settings import *  # noqa: F403 - the product's settings, unchanged

ROOT_URLCONF = "bench.http_urls"

# Workaround, reported to the lead: `collectstatic` with the production manifest storage
# fails on the vendored hls.js, whose sourceMappingURL names a .map file that is not
# vendored. The bench keeps WhiteNoise's compressed storage without the manifest; the page
# renders the same, with unhashed static URLs.
STORAGES = {
    **STORAGES,  # noqa: F405 - from the product's settings
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
