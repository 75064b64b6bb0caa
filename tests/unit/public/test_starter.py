"""A new board's starter indicators: the DfE library and the framework's local templates."""

from __future__ import annotations

import pytest

from pmqa_lib.core.catalogue import CatalogueError, load_catalogue, parse_catalogue
from pmqa_lib.public import manifest, starter
from pmqa_lib.public.lait import LAIT_FILE


def _as_catalogue(entries: list[dict]):
    """The entries as a catalogue of one agency, which checks every field."""
    return parse_catalogue(
        {
            "board": {
                "name": "B",
                "short_name": "B",
                "la_name": "L",
                "la_code": "E0",
                "la_old_code": "1",
            },  # fmt: skip
            "agencies": [{"code": "LA", "name": "Council"}],
            "indicators": [starter.board_entry(e, "LA", {"name": "Lead"}) for e in entries],
        }
    )


def test_every_library_entry_is_a_valid_annual_catalogue_entry_with_a_dfe_source():
    entries = starter.dfe_indicators()
    cat = _as_catalogue(entries)
    assert len(cat) == len(entries) == 15
    for ind in cat:
        assert ind.comparator.dfe is not None, ind.ref
        assert (ind.frequency, ind.reporting_period) == ("annual", "financial"), ind.ref
        assert ind.target is None and ind.target_type in ("E", "SN", "R"), ind.ref
    # the acceptance measures: referrals, re-referrals, plans at 31 March
    assert cat["2.1"].comparator.dfe.measure == "Referrals_rate"
    assert cat["2.2"].comparator.dfe.measure == "Re_referrals_percent"
    assert (cat["4.1"].comparator.dfe.measure, cat["4.1"].is_stock) == ("CPP_At31_rate", True)
    assert cat["2.1"].is_stock is False


def test_the_library_s_files_are_in_the_manifest():
    assert set(starter.public_files(starter.dfe_indicators())) <= set(manifest.manifest_names())


def test_lait_entries_are_marked():
    lait = [e["ref"] for e in starter.dfe_indicators() if starter.needs_lait(e)]
    assert lait == ["4.4", "3.7", "3.8"]
    assert all(e["comparator"]["dfe"]["file"] == LAIT_FILE for e in starter.dfe_indicators()
               if e["ref"] in lait)  # fmt: skip


def test_the_example_board_and_the_library_name_the_same_dfe_source_for_the_same_reference():
    example = load_catalogue(starter.EXAMPLE_CATALOGUE)
    library = {e["ref"]: e for e in starter.dfe_indicators()}
    shared = [i for i in example if i.comparator.dfe is not None]
    assert {i.ref for i in shared} <= set(library)
    for ind in shared:
        lib = library[ind.ref]["comparator"]["dfe"]
        assert (ind.comparator.dfe.file, ind.comparator.dfe.measure) == (
            lib["file"],
            lib["measure"],
        )
        assert ind.comparator.dfe.filters == {
            k: str(v) for k, v in (lib.get("filters") or {}).items()
        }
        assert ind.polarity == library[ind.ref]["polarity"]


def test_local_templates_are_the_example_s_indicators_without_a_dfe_source():
    templates = starter.local_templates()
    refs = [t["ref"] for t in templates]
    example = load_catalogue(starter.EXAMPLE_CATALOGUE)
    assert refs == [i.ref for i in example if i.comparator.dfe is None]
    assert {"1.1", "1.1a", "3.1", "CSCB03", "CSCB04", "CSCB05a", "CSCB05c"} <= set(refs)
    t = {t["ref"]: t for t in templates}
    # the example's agency becomes a role; its lead officer and yearly targets are left out
    assert (t["1.1"]["role"], t["CSCB04"]["role"], t["CSCB24"]["role"]) == (
        "council", "police", "partnership",
    )  # fmt: skip
    assert "lead_officer" not in t["1.1"] and "targets_by_year" not in t["1.1"]
    assert t["1.1"]["target"] == 60 and t["1.1"]["linked"] == ["1.1a", "1.2"]
    # the framework's own texts are kept (Appendix 1's thresholds for 1.1)
    assert t["1.1"]["rag_thresholds"]["text"] == "60+ = Green; 45-60 = Amber; <45 = Red"
    # each is a valid catalogue entry once it has an agency, together with those it links to
    cat = _as_catalogue(templates)
    assert cat["CSCB03"].trigger_points.further_enquiry.falls_with == "CSCB01"


def test_ordered_follows_the_catalogue_and_drops_the_role():
    entry = {"unit": "percent", "ref": "X", "role": "council", "name": "N", "extra": 1}
    assert list(starter.ordered(entry)) == ["ref", "name", "unit", "extra"]


def test_a_template_whose_link_is_not_adopted_says_so_on_load():
    t = {x["ref"]: x for x in starter.local_templates()}
    with pytest.raises(CatalogueError, match="linked indicator '1.1a' does not exist"):
        _as_catalogue([t["1.1"]])
