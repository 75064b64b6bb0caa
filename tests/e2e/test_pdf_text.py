"""The PDF checks work without poppler: the pypdf fallback reads the same figures."""

import pytest

from tests import pdf_text as mod
from tests.conftest import EXAMPLE_QUARTER

pytestmark = pytest.mark.slow


def test_pypdf_fallback_reads_the_board_report(example_run, monkeypatch):
    paths, result = example_run
    monkeypatch.setattr(mod.shutil, "which", lambda name: None)
    text = " ".join(mod.pdf_text(result["pdf"]).split())
    assert EXAMPLE_QUARTER.label in text  # "Q2 2015/16"
    for figure in ("55.1", "65.0", "60.1", "314", "444", "401"):
        assert figure in text, figure
