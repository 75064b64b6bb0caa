"""Layout checks of a printed PDF from its words and table rules (pdfplumber): a word that runs
past its cell or over another word is what a reader sees as overlapping cells."""

from __future__ import annotations

from pathlib import Path

#: points of slack: glyph boxes include side bearings
TOLERANCE = 1.0


def pages_with(pdf_path: Path | str, text: str) -> list[int]:
    """Indexes of the pages whose text contains ``text``."""
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        return [i for i, p in enumerate(pdf.pages) if text in (p.extract_text() or "")]


def overlaps(pdf_path: Path | str, page_numbers: list[int]) -> list[str]:
    """Problems on the given pages: words that run out of their table cell (across its left or
    right rule), and words whose boxes cross another word's."""
    import pdfplumber

    problems = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for n in page_numbers:
            page = pdf.pages[n]
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            for table in page.find_tables():
                cells = [c for c in table.cells if c]
                tx0, ttop, tx1, tbottom = table.bbox
                for w in words:
                    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
                    if not (tx0 <= cx <= tx1 and ttop <= cy <= tbottom):
                        continue
                    home = [c for c in cells if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]]
                    if not home:
                        continue
                    x0, _, x1, _ = min(home, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
                    if w["x0"] < x0 - TOLERANCE or w["x1"] > x1 + TOLERANCE:
                        problems.append(f"page {n + 1}: {w['text']!r} runs out of its cell")
            ws = sorted(words, key=lambda w: w["x0"])
            for i, a in enumerate(ws):
                for b in ws[i + 1 :]:
                    if b["x0"] >= a["x1"] - TOLERANCE:
                        break
                    if min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE:
                        problems.append(f"page {n + 1}: {a['text']!r} overlaps {b['text']!r}")
    return problems
