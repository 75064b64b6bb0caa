"""The indicator catalogue: the shipped example board loads, and each kind of fault is named."""

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmqa_lib.core import units
from pmqa_lib.core.catalogue import (
    FREQUENCIES,
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
