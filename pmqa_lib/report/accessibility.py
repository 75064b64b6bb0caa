"""The accessibility statement (Public Sector Bodies (Websites and Mobile Applications)
Accessibility Regulations 2018, in the form of GOV.UK's model statement).

One text, written here once: the last section of the board report and its PDF
(:func:`statement_section`), the page ``reports/accessibility.html`` beside the archive index
(:func:`statement_page`), and the link every other output carries (:func:`statement_link`):
drill-downs, the LA profile, the validation reports, the index and the workbook's cover.
"""

from __future__ import annotations

import datetime as dt

from pmqa_lib.core.catalogue import Catalogue
from pmqa_lib.report.html_blocks import esc

ANCHOR = "accessibility"
#: the standalone page, in the reports folder beside index.html
PAGE_NAME = "accessibility.html"
#: the standard the outputs are tested against (tests/e2e/test_accessibility.py, axe-core)
STANDARD = "WCAG 2.2 level AA"


def contact(catalogue: Catalogue | None) -> tuple[str, str]:
    """(who, email) to report an accessibility problem to: the board's own contact (the agency
    whose code is the board's short name), else the first agency's."""
    if catalogue is None:
        return "the board's business unit", ""
    ag = catalogue.agencies.get(catalogue.board_short_name) or next(
        iter(catalogue.agencies.values()), None
    )
    person = ag.contact if ag is not None else None
    if person is None:
        return catalogue.board_name, ""
    return person.name, person.email


def statement_body(catalogue: Catalogue | None, heading_level: int = 2) -> str:
    """The statement's text as HTML, headed at ``heading_level``."""
    board = catalogue.board_name if catalogue is not None else "The safeguarding partnership"
    who, email = contact(catalogue)
    mail = f' (<a href="mailto:{esc(email)}">{esc(email)}</a>)' if email else ""
    h, sub = f"h{heading_level}", f"h{heading_level + 1}"
    return (
        f'<{h} id="{ANCHOR}">Accessibility statement</{h}>'
        f"<p>This statement applies to the quarterly performance reports of {esc(board)} made by "
        "pmqa: the board report (HTML and PDF), its workbook, the indicator drill-downs, the "
        "validation reports sent to agencies, the local authority profiles and the index of "
        "published quarters. We want as many people as possible to be able to use them.</p>"
        f"<{sub}>How accessible the reports are</{sub}><ul>"
        "<li>The HTML report is one file that works offline, in any modern browser, with or "
        "without JavaScript, and works with screen readers and browser zoom. Its contents "
        "list links to every section and indicator page.</li>"
        "<li>RAG ratings are written as words (Red, Amber, Green) as well as colour, and each "
        "word has a contrast of at least 4.5:1 with its colour.</li>"
        "<li>Every chart has a text alternative that states its key numbers, and its data as a "
        "table under \u201cChart data\u201d. Comparator lines differ by dash pattern and carry "
        "their names, not colour alone.</li>"
        "<li>The PDF is tagged (PDF/UA-1), with bookmarks and its language set.</li>"
        "<li>The workbook follows the Analysis Function's standard for releasing statistics in "
        "spreadsheets: a cover, contents and notes, one table per sheet, numbers stored as "
        "numbers.</li></ul>"
        f"<{sub}>What we know is not fully accessible</{sub}><ul>"
        "<li>Lead officers' commentary is shown as they sent it, so its plain language is theirs."
        "</li><li>The scorecard is a wide table; on a small screen it scrolls sideways. The "
        "workbook holds the same figures to sort and filter.</li></ul>"
        f"<{sub}>Feedback and contact</{sub}>"
        f"<p>If you need a report in another format, or find a problem not listed here, contact "
        f"{esc(who)}{mail}. We aim to reply within 10 working days.</p>"
        f"<{sub}>Enforcement procedure</{sub}>"
        "<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
        "accessibility regulations. If you are not happy with how we respond to your complaint, "
        "contact the Equality Advisory and Support Service (EASS).</p>"
        f"<{sub}>Technical information</{sub}>"
        f"<p>The reports are tested against {STANDARD}: pmqa's test suite opens each kind of "
        "output in a browser (Chromium) and runs axe-core's WCAG 2.2 level A and AA rules, "
        "which find no failure; pages are also checked by eye, on screen and printed to PDF. "
        "Automated tests cannot find every problem, so the reports are partially compliant "
        "until a manual audit has been made.</p>"
        f"<p>This statement was prepared by pmqa and is reviewed with each release; this copy "
        f"was made on {dt.date.today():%-d %B %Y}.</p>"
    )


def statement_section(catalogue: Catalogue | None) -> str:
    """The statement as the board report's last section."""
    return f'<section class="section section-break statement">{statement_body(catalogue)}</section>'


def statement_page(catalogue: Catalogue | None, lang: str = "en-GB") -> str:
    """The statement as a page of its own, ``reports/accessibility.html``."""
    from pmqa_lib.report import palette

    title = "Accessibility statement"
    if catalogue is not None:
        title += f": {catalogue.board_name} performance reports"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{palette.css_variables()}{PAGE_CSS}</style></head>"
        f'<body><main><p><a href="index.html">All published quarters</a></p>'
        f"{statement_body(catalogue, heading_level=1)}</main></body></html>\n"
    )


def statement_link(href: str = f"#{ANCHOR}") -> str:
    """The link to the statement that every output carries."""
    return f'<p class="accessibility-link"><a href="{esc(href)}">Accessibility statement</a></p>'


#: the stand-alone pages' stylesheet (statement and index): readable, no web fonts
PAGE_CSS = """
html { font-family: Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif; color: var(--ink); }
body { margin: 0; font-size: 16px; line-height: 1.45; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { color: var(--blue); font-size: 1.8rem; }
h2 { color: var(--blue); border-bottom: 2px solid var(--blue); font-size: 1.35rem; margin-top: 2rem; }
a { color: var(--blue); }
a:focus { outline: 3px solid #ffeb3b; background: #ffeb3b; color: #0b0c0c; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid var(--rule); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: var(--pale); }
td.num, th.num { text-align: right; }
.rag { display: inline-block; padding: 0 0.35rem; border-radius: 0.2rem; font-weight: bold; }
.rag-red { background: var(--red); color: var(--red-text); }
.rag-amber { background: var(--amber); color: var(--amber-text); }
.rag-green { background: var(--green); color: var(--green-text); }
.rag-none { background: var(--none); color: var(--none-text); font-weight: normal; }
.grid-wrap { overflow-x: auto; }
.grid td { text-align: center; padding: 0.15rem 0.3rem; }
.grid td a { text-decoration: none; }
.grid td a .rag { text-decoration: none; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: 0; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
"""
