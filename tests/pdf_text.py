"""Text of a PDF for assertions: poppler's pdftotext where installed, else pure-Python pypdf,
so `make test` needs nothing beyond the project's own dependencies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def pdf_text(path: Path | str) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
