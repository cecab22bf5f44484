"""The version of kb, in one place."""

__version__ = "0.1.0"
