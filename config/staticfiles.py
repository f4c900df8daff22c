from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files whose ES module imports point at the hashed names
    too, so a new release never mixes old and new modules in a browser's cache."""

    support_js_module_import_aggregation = True
