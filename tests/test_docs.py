"""Generated docs stay true to the code they describe."""

from pathlib import Path

from ler_interop import check_levels
from ler_interop.checks import catalog, render_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_checks_md_matches_the_catalog():
    expected = render_markdown(catalog([ROOT / "suites"]), check_levels.load(ROOT / "suites"))
    assert (ROOT / "docs" / "CHECKS.md").read_text(encoding="utf-8") == expected, \
        "docs/CHECKS.md is stale: run `ler-interop checks --markdown`"
