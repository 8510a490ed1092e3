"""Reports derived from a results stream: summary.json, index.html, junit.xml, the interop matrix."""

from .build import build_reports, report_files

__all__ = ["build_reports", "report_files"]
