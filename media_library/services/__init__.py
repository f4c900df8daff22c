"""Writes of the media library, one module per concern (uploads, validation, processing,
review, watch time)."""
