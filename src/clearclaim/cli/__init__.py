"""Thin command-line shells over the public Python API."""
