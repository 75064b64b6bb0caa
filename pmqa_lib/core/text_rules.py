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

**Markup.** Every text from a return or register is HTML-escaped when it is published, so markup
is shown, never run; it is still rejected at the boundary, because a register or return holds
plain text and markup in it is either a paste from a web page or an attempt to inject script. The
pattern is any tag, comment or declaration (``<b>``, ``</p>``, ``<!-- -->``), a dangerous tag even
left unclosed (``<script``, ``<img``, ...), a ``javascript:`` link or an ``on...=`` event handler.
"""

from __future__ import annotations

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


def suite_parameters() -> dict[str, str]:
    """The patterns as Great Expectations suite parameters (``formula_pattern``,
    ``markup_pattern``), for every suite that checks free text."""
    return {"formula_pattern": FORMULA_PATTERN, "markup_pattern": MARKUP_PATTERN}
