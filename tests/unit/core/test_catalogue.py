"""The indicator catalogue: the shipped example board loads, and each kind of fault is named."""

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmqa_lib.core import units
from pmqa_lib.core.catalogue import (
    DEFAULT_RECONCILIATION_TOLERANCE,
    FREQUENCIES,
    PLACEHOLDER,
    POLARITIES,
    REPORTING_PERIODS,
    RESULT_TYPES,
    TARGET_TYPES,
    UNITS,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
)
from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir

SHIPPED = PROJECT_ROOT / "data" / "raw" / "reference" / "catalogue.yaml"


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue(SHIPPED)


@pytest.fixture(scope="module")
def raw_yaml():
    with open(SHIPPED, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_shipped_catalogue_covers_the_example_board(shipped):
    df = shipped.to_frame()
    assert len(shipped) >= 25
    assert set(shipped.agencies) == {"CMBC", "WYP", "HEALTH", "EDU", "CSCB"}
    assert set(df["agency"]) == set(shipped.agencies)  # every agency has indicators
    assert set(df["result_type"]) == set(RESULT_TYPES)
    assert set(df["unit"]) >= set(UNITS) - {"ratio"}
    assert set(df["target_type"]) == set(TARGET_TYPES)
    assert set(df["polarity"]) == set(POLARITIES)
    assert set(df["frequency"]) == set(FREQUENCIES)
    assert set(df["reporting_period"]) == set(REPORTING_PERIODS)
    themes = set(df["theme"])
    for theme in ("Early Help", "Child Protection", "Child Sexual Exploitation", "Domestic Violence",
                  "Missing Children", "Multi-agency Training", "Looked After Children and Adoption",
                  "Referrals and Assessment"):  # fmt: skip
        assert theme in themes


def test_framework_indicators_as_printed(shipped):
    i = shipped["1.1"]
    assert i.lead_officer.name == "Parveen Akhtar"
    assert (i.polarity, i.unit, i.result_type, i.precision) == (
        "high",
        "rate_per_10k",
        "average",
        1,
    )
    assert i.algorithm.rolling_quarters == 4 and i.algorithm.multiplier == 10000
    assert (i.thresholds.green, i.thresholds.red) == (60, 45)
    assert [i.target_for_year(y) for y in ("2013/14", "2014/15", "2015/16")] == [64.1, 60, 60]
    assert set(i.linked) == {"1.1a", "1.2"}
    assert shipped["1.1a"].target == 75 and shipped["1.1a"].result_type == "cumulative"
    adoption = shipped["3.1"]
    assert (adoption.unit, adoption.polarity, adoption.target, adoption.target_type) == (
        "days",
        "low",
        426,
        "L",
    )
    assert adoption.comparator.type == "E"
    for ref, rtype in (("CSCB03", "snapshot"), ("CSCB04", "snapshot"), ("CSCB05a", "cumulative"),
                       ("CSCB05c", "cumulative")):  # fmt: skip
        ind = shipped[ref]
        assert (ind.agency, ind.polarity, ind.result_type) == ("WYP", "low", rtype)
        assert ind.lead_officer.name == "Sally Fletcher"


def test_to_frame_and_targets_frame(shipped):
    df = shipped.to_frame()
    assert df["indicator"].is_unique and len(df) == len(shipped)
    t = shipped.targets_frame()
    row = t[(t["indicator"] == "1.1") & (t["fy_label"] == "2013/14")]
    assert row["target"].tolist() == [64.1]


@pytest.mark.skipif(
    public_data_dir() is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)
def test_dfe_comparator_sources_exist(shipped):
    """Each comparator.dfe names a real public file, column and filter values."""
    public = public_data_dir()
    checked = 0
    for ind in shipped:
        src = ind.comparator.dfe
        if src is None:
            continue
        df = pd.read_csv(
            Path(public) / src.file, dtype=str, encoding="utf-8-sig", keep_default_na=False
        )
        assert src.measure in df.columns, (ind.ref, src.measure)
        for col, val in src.filters.items():
            assert val in set(df[col]), (ind.ref, col, val)
        checked += 1
    assert checked >= 9


# ------------------------------------------------------------------------------------------
# One test per kind of fault. Each mutates a copy of the shipped YAML and checks the message
# names the indicator and the field.


def _first(raw):
    return next(e for e in raw["indicators"] if e["ref"] == "1.1")


def _fails(raw, match_field, ref="1.1"):
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(raw)
    msg = str(exc.value)
    assert f"indicator {ref}" in msg, msg
    assert f"field '{match_field}'" in msg, msg
    assert exc.value.indicator == ref and exc.value.field == match_field
    return msg


def test_unknown_field(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["colour"] = "blue"
    assert "unknown field" in _fails(raw, "colour")


def test_missing_field(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    del _first(raw)["polarity"]
    assert "missing field" in _fails(raw, "polarity")


def test_bad_polarity(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["polarity"] = "up"
    assert "'up' is not one of high, low" in _fails(raw, "polarity")


def test_bad_unit(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["unit"] = "per_cent"
    assert "per_cent" in _fails(raw, "unit")


def test_thresholds_contradict_high_polarity(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["rag_thresholds"] = {"green": 45, "red": 60}  # high is good, but green below red
    assert "but high is good" in _fails(raw, "rag_thresholds")


def test_thresholds_contradict_low_polarity(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    ind = next(e for e in raw["indicators"] if e["ref"] == "3.1")
    ind["rag_thresholds"] = {"green": 487, "red": 426}  # low is good, but green above red
    assert "but low is good" in _fails(raw, "rag_thresholds", ref="3.1")


def test_linked_indicator_missing(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["linked"] = ["1.1a", "9.9"]
    assert "'9.9' does not exist" in _fails(raw, "linked")


def test_unknown_agency(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["agency"] = "NHS"
    assert "'NHS' is not in the agencies list" in _fails(raw, "agency")


@pytest.mark.parametrize("precision", [-1, 5, 1.5, "one", True])
def test_bad_precision(raw_yaml, precision):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["precision"] = precision
    assert "whole number from 0 to 4" in _fails(raw, "precision")


def test_bad_multiplier_for_rate(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["algorithm"]["multiplier"] = 1000
    _fails(raw, "algorithm.multiplier")


def test_duplicate_reference(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    raw["indicators"].append(copy.deepcopy(_first(raw)))
    _fails(raw, "ref")


# ------------------------------------------------------------------------------------------
# Structured trigger points (section 4.1.3, "Trigger points for exception / further enquiry")


def test_shipped_trigger_points_text_and_structure(shipped):
    # 1.1's trigger points are the framework's default continuum: text only, no own cells
    tp = shipped["1.1"].trigger_points
    assert tp.text.startswith("If target is met but trajectory is negative")
    assert tp.continuum == {} and not tp.further_enquiry.any
    # the Domestic Abuse partnership's own points (CSCB04, CSCB05a) and the CSE sub-group's
    fe = shipped["CSCB04"].trigger_points.further_enquiry
    assert fe.rise_on_same_quarter_last_year_percent == 10.0
    assert shipped["CSCB05a"].trigger_points.further_enquiry.ytd_above_last_year
    fe = shipped["CSCB03"].trigger_points.further_enquiry
    assert (fe.rises_in_a_row, fe.falls_with) == (2, "CSCB01")
    t = shipped.trigger_points_frame().set_index("indicator")
    assert t.loc["CSCB04", "enquiry_rise_percent"] == 10.0
    assert t.loc["1.1", "missed_steady_rag"] == "" and t.loc["1.1", "missed_steady_trigger"] == ""


def test_own_continuum_cells_are_parsed(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["trigger_points"] = {
        "text": "Missed and steady: watched for a quarter first.",
        "continuum": {"missed_steady": {"rag": "Amber", "trigger": "watch next quarter"}},
    }
    cat = parse_catalogue(raw)
    cell = cat["1.1"].trigger_points.continuum["missed_steady"]
    assert (cell.rag, cell.trigger) == ("Amber", "watch next quarter")
    row = cat.trigger_points_frame().set_index("indicator").loc["1.1"]
    assert (row["missed_steady_rag"], row["missed_steady_trigger"]) == (
        "Amber",
        "watch next quarter",
    )
    assert row["met_steady_rag"] == ""  # every other cell keeps the default


@pytest.mark.parametrize(
    ("points", "field", "words"),
    [
        (42, "trigger_points", "must be text, or a mapping"),
        ({"continuum": {}}, "trigger_points.text", "missing field"),
        ({"text": "x", "rules": {}}, "trigger_points.rules", "unknown field"),
        ({"text": "x", "continuum": {"met_flat": {"rag": "Red", "trigger": "audit"}}},
         "trigger_points.continuum.met_flat", "unknown field"),
        ({"text": "x", "continuum": {"met_steady": "Red"}},
         "trigger_points.continuum.met_steady", "must be a mapping with rag and trigger"),
        ({"text": "x", "continuum": {"met_steady": {"rag": "Purple", "trigger": "audit"}}},
         "trigger_points.continuum.met_steady.rag", "'Purple' is not one of Red, Amber, Green"),
        ({"text": "x", "continuum": {"met_steady": {"rag": "Red", "trigger": "panic"}}},
         "trigger_points.continuum.met_steady.trigger",
         "'panic' is not one of none, watch next quarter, further enquiry, audit"),
        ({"text": "x", "continuum": {"met_steady": {"rag": "Red"}}},
         "trigger_points.continuum.met_steady.trigger", "missing field"),
        ({"text": "x", "further_enquiry": {"rise_on_same_quarter_last_year_percent": "ten"}},
         "trigger_points.further_enquiry.rise_on_same_quarter_last_year_percent",
         "'ten' is not a number"),
        ({"text": "x", "further_enquiry": {"rise_on_same_quarter_last_year_percent": -5}},
         "trigger_points.further_enquiry.rise_on_same_quarter_last_year_percent",
         "must be a percentage >= 0"),
        ({"text": "x", "further_enquiry": {"ytd_above_last_year": "yes"}},
         "trigger_points.further_enquiry.ytd_above_last_year", "must be true or false"),
        ({"text": "x", "further_enquiry": {"rises_in_a_row": 0}},
         "trigger_points.further_enquiry.rises_in_a_row", "must be a whole number >= 1"),
        ({"text": "x", "further_enquiry": {"falls_with": "9.9"}},
         "trigger_points.further_enquiry.falls_with", "'9.9' is not another indicator"),
        ({"text": "x", "further_enquiry": {"falls_with": "1.1"}},
         "trigger_points.further_enquiry.falls_with", "'1.1' is not another indicator"),
        ({"text": "x", "further_enquiry": {"after_a_rise": 2}},
         "trigger_points.further_enquiry.after_a_rise", "unknown field"),
    ],
)  # fmt: skip
def test_bad_trigger_points_are_named(raw_yaml, points, field, words):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["trigger_points"] = points
    assert words in _fails(raw, field)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CatalogueError, match="file not found"):
        load_catalogue(tmp_path / "nope.yaml")


def test_invalid_yaml_is_named(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("board: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue(p)


def test_report_order_keeps_each_theme_together():
    cat = load_catalogue()
    order = cat.report_order()
    assert sorted(order) == sorted(cat.indicators)  # every indicator once
    themes = [cat[r].theme for r in order]
    runs = [t for n, t in enumerate(themes) if n == 0 or themes[n - 1] != t]
    assert len(runs) == len(set(themes))
    # catalogue order kept within a theme: 3.5 comes after 3.4, before the child protection 4.x
    assert order.index("3.4") < order.index("3.5") < order.index("4.1")


# ---------------------------------------------------------------------------------------------
# The board section, DfE's tolerance, placeholders (issue 14)


def test_board_section_names_region_and_statistical_neighbours(shipped):
    assert (shipped.region_code, shipped.region_name) == ("E12000003", "Yorkshire and The Humber")
    assert shipped.neighbour_model == "2021"
    # DfE's April 2021 groupings for Calderdale (the public folder's SOURCES.md, section D)
    assert [n.code for n in shipped.neighbours] == [
        "888", "808", "351", "841", "891", "830", "343", "382", "359", "383",
    ]  # fmt: skip
    assert shipped.neighbours[7].name == "Kirklees"


def test_board_section_without_neighbours_still_loads(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    for k in ("region_code", "region_name", "neighbour_model", "neighbours"):
        raw["board"].pop(k)
    cat = parse_catalogue(raw)
    assert (cat.region_name, cat.neighbour_model, cat.neighbours) == ("", "", ())


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"neighbour_model": "2019"}, "board.neighbour_model", "'2019' is not one of 2021, 2025"),
        ({"neighbours": "Leeds"}, "board.neighbours", "must be a list"),
        ({"neighbours": [{"name": "Leeds"}]}, "board.neighbours", "each neighbour needs a code"),
    ],
)
def test_bad_board_section_is_named(raw_yaml, change, field, words):
    raw = copy.deepcopy(raw_yaml)
    raw["board"].update(change)
    with pytest.raises(CatalogueError, match=f"field '{field}': {words}"):
        parse_catalogue(raw)


def test_reconciliation_tolerance_defaults_and_is_checked(raw_yaml, shipped):
    assert shipped["2.1"].comparator.dfe.tolerance_percent == DEFAULT_RECONCILIATION_TOLERANCE
    frame = shipped.to_frame().set_index("indicator")
    assert frame.loc["2.1", "dfe_file"].startswith("c1_children_in_need_referrals")
    assert frame.loc["1.1", "dfe_file"] == "" and pd.isna(frame.loc["1.1", "reconcile_tolerance"])
    raw = copy.deepcopy(raw_yaml)
    entry = next(i for i in raw["indicators"] if i["ref"] == "2.1")
    entry["comparator"]["dfe"]["tolerance_percent"] = 2.5
    assert parse_catalogue(raw)["2.1"].comparator.dfe.tolerance_percent == 2.5
    entry["comparator"]["dfe"]["tolerance_percent"] = -1
    with pytest.raises(CatalogueError, match="comparator.dfe.tolerance_percent': -1 must be"):
        parse_catalogue(raw)


def test_placeholders_are_listed_once_each(raw_yaml, shipped):
    assert shipped.placeholders() == []
    raw = copy.deepcopy(raw_yaml)
    raw["board"]["name"] = f"{PLACEHOLDER} Kirklees Safeguarding Children Partnership"
    for entry in raw["indicators"]:
        if entry["agency"] == "CMBC":
            entry["lead_officer"] = {"name": f"{PLACEHOLDER} council lead officer"}
    found = parse_catalogue(raw).placeholders()
    assert found == [
        ("board name", f"{PLACEHOLDER} Kirklees Safeguarding Children Partnership"),
        ("lead officer", f"{PLACEHOLDER} council lead officer"),
    ]


def test_references_differing_only_in_case_are_refused(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    twin = copy.deepcopy(_first(raw))
    twin["ref"] = "1.1A"
    raw["indicators"].append(twin)
    assert "only in letter case" in _fails(raw, "ref", ref="1.1A")


def test_plausible_range_defaults_to_the_units_range(raw_yaml):
    raw = copy.deepcopy(raw_yaml)
    del _first(raw)["plausible_range"]
    pct = next(e for e in raw["indicators"] if e["unit"] == "percent")
    del pct["plausible_range"]
    cat = parse_catalogue(raw)
    assert (cat["1.1"].plausible_min, cat["1.1"].plausible_max) == units.DEFAULT_RANGE[
        "rate_per_10k"
    ]
    assert (cat[pct["ref"]].plausible_min, cat[pct["ref"]].plausible_max) == (0.0, 100.0)
    # the shipped 1.1 keeps its own range, on the rate's scale (Appendix 1: 55.1, 65.0)
    assert (parse_catalogue(raw_yaml)["1.1"].plausible_max) == 500.0


@pytest.mark.parametrize("bad", [[10, 5], [0, ".inf"], ["low", 5], [5]])
def test_bad_plausible_range(raw_yaml, bad):
    raw = copy.deepcopy(raw_yaml)
    _first(raw)["plausible_range"] = [float("inf") if b == ".inf" else b for b in bad]
    _fails(raw, "plausible_range")
