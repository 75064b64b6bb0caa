"""pmqa tests: tests/unit mirrors pmqa_lib's subpackages (make test-fast); tests/e2e runs whole quarters,
notebooks, the browser, PDFs and public data (make test runs both)."""

from pathlib import Path

#: this folder: fixtures, golden tables and the malformed-return corpus live under it
TESTS_DIR = Path(__file__).resolve().parent
