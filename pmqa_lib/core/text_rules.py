"""The text patterns that returns and registers reject in free text: one definition each.

Both the return suite (``expectations/agency_return.json``) and the register suites
(``expectations/register_*.json``) take these as Great Expectations suite parameters
(``{"$PARAMETER": "formula_pattern"}`` in an ``expect_column_values_to_not_match_regex``), filled by
:func:`suite_parameters`, so a rule is changed here and nowhere else.

Why
---
**Formulas (CSV injection).** Text from returns and registers is written back out to CSV and Excel
files (the reminders CSV goes to a mail merge, the board tables to a workbook). A spreadsheet runs
a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a leading tab or carriage
return can hide such a start; ``=HYPERLINK(...)`` or ``-2+3+cmd|' /C calc'!A0`` then opens links or
programs on the reader's computer (OWASP, "CSV Injection"). So text may not start with ``=``, ``+``,
``@``, a tab or a carriage return. A leading ``-`` is refused when a formula follows it: a name,
number or bracket straight after the minus (``-2+3``, ``-SUM(``, ``-cmd|``), a number after a
spaced minus (``- 1 + 1``), or a ``|`` (a DDE call) anywhere. A plain number (``-5``, ``-0.5``)
and a bullet point (``- Appoint an EISA coordinator``), the way officers write lists of actions,
are text. Whatever is accepted is still neutralised when pmqa writes it to a spreadsheet cell,
so this rule rejects the clear attempts rather than being the only defence.

**Neutralising what pmqa writes (OWASP).** Every text cell pmqa writes to a CSV file (through
:func:`pmqa_lib.core.files.write_csv`) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe (:func:`neutralise_cell`), so no spreadsheet runs it: a
bullet list accepted on input (``- Appoint a coordinator``) is written ``'- Appoint a
coordinator``. A plain number held as text (``-5``, ``-0.25``) is left alone: a negative number
stays a number. Text that already starts with apostrophes before such a character gets one more,
so :func:`restore_cell`, which pmqa's own readers apply, gives back exactly the text that was sent.
In a workbook the same cells are stored as text cells with Excel's quote prefix
(:func:`pmqa_lib.core.files.protect_cells`), never as formulas.

**Bidirectional controls.** The Unicode controls that reorder text (U+202A-U+202E, U+2066-U+2069,
U+200E, U+200F) can make a commentary read backwards or hide part of it ("Trojan Source"). They
are never passed on: :func:`show_controls` replaces each with a visible tag such as
``[U+202E]``; every HTML page (through :func:`pmqa_lib.report.html_blocks.esc`) and every
spreadsheet cell pmqa writes goes through it.

**Markup.** Every text from a return or register is HTML-escaped when it is published, so markup
is shown, never run; it is still rejected at the boundary, because a register or return holds
plain text and markup in it is either a paste from a web page or an attempt to inject script. The
pattern is any tag, comment or declaration (``<b>``, ``</p>``, ``<!-- -->``), a dangerous tag even
left unclosed (``<script``, ``<img``, ...), a ``javascript:`` link or an ``on...=`` event handler.
"""

from __future__ import annotations

import re

import pandas as pd

#: starts like a spreadsheet formula (OWASP CSV injection): a leading tab or carriage return;
#: (after spaces) ``=``, ``+`` or ``@``; or ``-`` that is not a plain number and is followed by a
#: formula (no space after it, a number after a space, or a ``|`` anywhere)
FORMULA_PATTERN = (
    r"^(?:[\t\r]|\s*(?:[=+@]"
    r"|-(?!\s*\d+(?:[.,]\d+)*\s*$)(?:\S|\s+[\d(=+@-]|.*\|)))"
)

#: HTML or script: any tag, comment or declaration; a dangerous tag even unclosed; a
#: ``javascript:`` link; an ``on...=`` event handler inside a tag (case-insensitive)
MARKUP_PATTERN = (
    r"(?i)(?:<\s*/?\s*[a-z!?][^>]*>"
    r"|</?\s*(?:script|iframe|object|embed|style|img|svg|link|meta|form)\b"
    r"|<a\s+href|javascript\s*:|<[^>]*\bon[a-z]+\s*=)"
)


#: a text cell a spreadsheet would run (OWASP): it starts with =, +, -, @, a tab or a carriage
#: return, possibly after apostrophes that an earlier neutralising added
SPREADSHEET_TRIGGER = r"^'*[=+\-@\t\r]"
#: a number written as text (``-5``, ``+0.25``, ``-1e3``), which a spreadsheet reads as a number
PLAIN_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
#: the Unicode controls that reorder text: embeddings, overrides, isolates and the marks
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"

_TRIGGER = re.compile(SPREADSHEET_TRIGGER)
_PLAIN_NUMBER = re.compile(PLAIN_NUMBER)
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def show_controls(text: str) -> str:
    """Bidirectional controls replaced by a visible tag (``"abc\u202edef"`` -> ``"abc[U+202E]def"``)."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def needs_neutralising(text: str) -> bool:
    """Whether a spreadsheet would run this text cell (and it is not simply a number)."""
    return bool(_TRIGGER.match(text)) and not _PLAIN_NUMBER.match(text)


def neutralise_cell(value: object) -> object:
    """A cell as pmqa writes it to a spreadsheet: text that a spreadsheet would run gets a leading
    apostrophe, bidirectional controls are shown; numbers and anything not text are unchanged."""
    if not isinstance(value, str):
        return value
    value = show_controls(value)
    return "'" + value if needs_neutralising(value) else value


def restore_cell(value: object) -> object:
    """The text :func:`neutralise_cell` was given (its leading apostrophe removed)."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`neutralise_cell` over every text column, vectorised (a copy; numbers untouched)."""
    return _map_text(df, _neutralise_series)


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`restore_cell` over every text column, for pmqa's readers of its own CSV files."""
    return _map_text(df, _restore_series)


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]


def _map_text(df: pd.DataFrame, fn) -> pd.DataFrame:
    cols = [c for c in _text_columns(df) if _holds_text(df[c])]
    if not cols:
        return df
    out = df.copy(deep=False)
    for c in cols:
        out[c] = fn(out[c])
    return out


def _holds_text(s: pd.Series) -> bool:
    """Whether an object column holds any text (a column of booleans or numbers does not)."""
    return pd.api.types.infer_dtype(s, skipna=True) in ("string", "mixed", "mixed-integer")


def _neutralise_series(s: pd.Series) -> pd.Series:
    # ``.str`` gives NaN for cells that are not text: they are left as they are
    bidi = s.str.contains(_BIDI.pattern, regex=True).fillna(False).astype(bool)
    if bidi.any():
        s = s.where(~bidi, s[bidi].map(show_controls))
    run = s.str.match(SPREADSHEET_TRIGGER).fillna(False).astype(bool)
    if run.any():
        run &= ~s.str.match(PLAIN_NUMBER).fillna(False).astype(bool)
        s = s.where(~run, "'" + s.where(run, ""))
    return s


def _restore_series(s: pd.Series) -> pd.Series:
    done = s.str.match(_NEUTRALISED.pattern).fillna(False).astype(bool)
    if not done.any():
        return s
    return s.where(~done, s.where(done, "").str[1:])


def suite_parameters() -> dict[str, str]:
    """The patterns as Great Expectations suite parameters (``formula_pattern``,
    ``markup_pattern``), for every suite that checks free text."""
    return {"formula_pattern": FORMULA_PATTERN, "markup_pattern": MARKUP_PATTERN}
