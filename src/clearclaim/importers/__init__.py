"""Importers for the CMS release files: one layout table, one reader, one run."""

from clearclaim.importers.run import FileResult, ImportReport, import_paths

__all__ = ["FileResult", "ImportReport", "import_paths"]
