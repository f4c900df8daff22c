"""Writes of the organiser workspace; each kind lives in a submodule."""
