"""RAG text contrast, computed from the CSS the report pages actually carry (WCAG 2.2, 1.4.3)."""

from __future__ import annotations

import re

import pytest

from pmqa_lib.report import accessibility, palette, publish

#: text on its fill in the pages: the rule's selector -> (background, text) as CSS values
PAIRS = {
    ".rag-red": ("background", "color"),
    ".rag-amber": ("background", "color"),
    ".rag-green": ("background", "color"),
    ".rag-none": ("background", "color"),
}


def _variables(css: str) -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", css).group(1)
    return dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9A-Fa-f]{3,6})", root))


def _rule(css: str, selector: str) -> dict[str, str]:
    body = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css).group(1)
    return dict((k.strip(), v.strip()) for k, v in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))


def _resolve(value: str, variables: dict[str, str]) -> str:
    m = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
    return variables[m.group(1)] if m else value.strip()


@pytest.mark.parametrize("page_css", ["report", "index"])
@pytest.mark.parametrize("selector", sorted(PAIRS))
def test_rag_text_has_contrast_of_at_least_4_5(page_css, selector):
    css = publish.report_css() if page_css == "report" else (
        palette.css_variables() + accessibility.PAGE_CSS
    )  # fmt: skip
    variables = _variables(css)
    rule = _rule(css, selector)
    fill = _resolve(rule["background"], variables)
    text = _resolve(rule["color"], variables)
    assert palette.contrast_ratio(text, fill) >= 4.5, (selector, text, fill)


def test_coloured_words_on_white_have_contrast():
    css = publish.report_css()
    variables = _variables(css)
    for selector in (".nodata", ".mdc-common", ".mdc-improvement", ".mdc-concern", ".mdc-neutral"):
        colour = _resolve(_rule(css, selector)["color"], variables)
        assert palette.contrast_ratio(colour, "#FFFFFF") >= 4.5, selector


def test_contrast_ratio_matches_wcag_examples():
    assert palette.contrast_ratio("#000", "#fff") == pytest.approx(21.0)
    assert palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast_ratio("#fff", "#fff") == pytest.approx(1.0)
