"""Importers for the CMS release files: one layout table, one reader, one run."""

from clearclaim.importers.build import build_from_shipped_data, ensure_built
from clearclaim.importers.run import FileResult, ImportReport, import_paths

__all__ = ["FileResult", "ImportReport", "build_from_shipped_data", "ensure_built", "import_paths"]
