"""make board: the files it plans, where it refuses to write, and how it writes (atomically, and
with FORCE=1 only over its own files)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from pmqa_lib.core.catalogue import PLACEHOLDER, PUBLISHED_AGENCY, parse_catalogue
from pmqa_lib.core.files import PROJECT_ROOT, public_data_dir
from pmqa_lib.core.periods import Quarter
from pmqa_lib.public import board as boards
from pmqa_lib.public import manifest
from pmqa_lib.public.lait import LAIT_DICTIONARY_FILE, LAIT_FILE

PUBLIC = public_data_dir()
needs_public = pytest.mark.skipif(
    PUBLIC is None, reason="public DfE/ONS files not found: set PUBLIC_DATA_DIR"
)


def test_required_files_are_downloadable_and_never_the_lait_extract():
    names = boards.required_files("2021")
    entries = {f.name: f for f in manifest.load_manifest()}
    assert set(names) <= set(entries)
    assert all(entries[n].url for n in names)  # each has a pinned download
    assert LAIT_FILE not in names and LAIT_DICTIONARY_FILE not in names
    assert "sn_model_2025_wide.csv" in boards.required_files("2025")


def test_first_report_is_the_q4_of_the_year_most_indicators_reach():
    # three indicators published to 2024 (2023/24), two to 2025: the first report is Q4 2023/24
    comps = pd.DataFrame(
        {
            "indicator": ["a", "a", "b", "c", "d", "e", "e"],
            "comparator": ["LA", "LA", "LA", "LA", "LA", "LA", "England"],
            "dfe_year": [2023, 2024, 2024, 2024, 2025, 2025, 2026],
            "value": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    assert boards.first_report_quarter(comps) == Quarter(2023, 4)
    # a tie goes to the later year
    assert boards.first_report_quarter(comps[comps["indicator"].isin(["a", "d"])]) == Quarter(
        2024, 4
    )


def test_refuses_the_checkout_and_its_data():
    for folder in (PROJECT_ROOT, PROJECT_ROOT / "data", PROJECT_ROOT / "data" / "raw" / "x"):
        with pytest.raises(boards.BoardFolderError, match="this checkout or its data folder"):
            boards.check_folder(folder, force=True)


#: one annual DfE-sourced indicator led by the council (LA)
_INDICATOR = {
    "ref": "2.1", "name": "Referrals", "report": "indicator", "theme": "T", "focus_area": "F",
    "agency": "LA", "lead_officer": {"name": "Lead"}, "polarity": "low",
    "what_good_looks_like": "Low", "target_type": "SN", "frequency": "annual",
    "reporting_period": "financial", "result_type": "cumulative", "unit": "rate_per_10k",
    "precision": 1, "comparator": {"type": "SN", "source": "DfE"}, "further_assurance": "x",
    "trigger_points": "x", "algorithm": {"formula": "A", "numerator": "B", "multiplier": 10000},
    "how_safer": "x", "why_monitored": "x", "plausible_range": [0, 3000],
}  # fmt: skip


def _plan(files: dict[str, bytes]) -> boards.BoardPlan:
    """A plan of a few files whose templates are made from a one-indicator catalogue."""
    raw = {
        "board": {
            "name": "B",
            "short_name": "B",
            "la_name": "L",
            "la_code": "E0",
            "la_old_code": "1",
        },  # fmt: skip
        "agencies": [{"code": "LA", "name": "Council"}],
        "indicators": [_INDICATOR],
    }
    text = yaml.safe_dump(raw, sort_keys=False)
    files = {"data/raw/reference/catalogue.yaml": text.encode(), **files}
    return boards.BoardPlan(
        la=None, model="2021", catalogue=parse_catalogue(raw), files=files,
        first_quarter=Quarter(2023, 4), template_quarter=Quarter(2024, 4), active=["2.1"],
        templates=[],
    )  # fmt: skip


def test_a_new_folder_appears_whole_with_its_templates(tmp_path):
    plan = _plan({"README.md": b"readme", "data/raw/2023Q4/DFE_2023Q4.csv": b"x"})
    out = boards.write_board(plan, tmp_path / "board")
    folder = tmp_path / "board"
    assert (folder / "README.md").read_bytes() == b"readme"
    assert out.templates == ["LA_2024Q4.xlsx"]  # the council's annual figures, due in Q4 2024/25
    assert (folder / "reports" / "templates" / "2024Q4" / "LA_2024Q4.xlsx").is_file()
    assert len(out.new) == 4 and out.rewritten == out.unchanged == []
    # nothing left beside it: the hidden folder it was laid out in is gone
    assert [p.name for p in tmp_path.iterdir()] == ["board"]


def test_an_existing_board_is_refused_unless_forced_and_then_only_its_files_rewritten(tmp_path):
    folder = tmp_path / "board"
    boards.write_board(_plan({"README.md": b"one"}), folder)
    own = folder / "data" / "raw" / "2024Q1" / "LA_2024Q1.csv"  # an agency's return, later
    own.parent.mkdir(parents=True)
    own.write_text("the council's return", encoding="utf-8")
    with pytest.raises(boards.BoardFolderError, match="already holds 4 file"):
        boards.write_board(_plan({"README.md": b"two"}), folder)
    assert (folder / "README.md").read_bytes() == b"one"
    out = boards.write_board(_plan({"README.md": b"two"}), folder, force=True)
    assert (folder / "README.md").read_bytes() == b"two"
    assert own.read_text(encoding="utf-8") == "the council's return"
    assert "README.md" in out.rewritten
    assert "data/raw/reference/catalogue.yaml" in out.unchanged


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(boards, "_write_templates", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        boards.write_board(_plan({"README.md": b"x"}), tmp_path / "board")
    assert list(tmp_path.iterdir()) == []


@needs_public
def test_plan_for_calderdale_from_the_public_files():
    plan = boards.plan_board("381", PUBLIC)
    cat = plan.catalogue
    assert (cat.la_name, cat.la_code, cat.la_old_code) == ("Calderdale", "E08000033", "381")
    assert (cat.region_code, cat.neighbour_model) == ("E12000003", "2021")
    assert [n.code for n in cat.neighbours][:3] == ["888", "808", "351"]
    assert plan.first_quarter == Quarter(2023, 4)  # the CIN 2024 release: 2023/24
    assert plan.template_quarter == Quarter(2024, 4)
    assert PUBLISHED_AGENCY in cat.agencies
    assert cat["2.1"].agency == "COUNCIL" and cat["2.1"].frequency == "annual"
    assert cat.board_name.startswith(PLACEHOLDER)
    # DfE's 2014/15 for Calderdale, as annual returns: 3,012 referrals over 45,585 children;
    # 205 children on a plan at 31 March 2015 (c1, d1 of the CIN 2024 release)
    rows = plan.files["data/raw/2014Q4/DFE_2014Q4.csv"].decode().splitlines()
    assert any(r.startswith("DFE,2.1,2014Q4,3012,45585,,") for r in rows)
    assert any(r.startswith("DFE,4.1,2014Q4,205,45585,,") for r in rows)
    text = plan.files["data/raw/reference/catalogue.yaml"].decode()
    assert "#   - ref: '1.1'" in text  # the framework's 1.1, commented out as a template
    assert "Calderdale" in plan.files["README.md"].decode()
    regs = [k for k in plan.files if k.startswith("data/raw/registers/")]
    assert len(regs) == 7


@needs_public
def test_the_board_file_s_names_replace_the_placeholders():
    from pmqa_lib.public.board_file import parse_board_file

    names = parse_board_file(
        {
            "name": "Kirklees Safeguarding Children Partnership",
            "short_name": "KSCP",
            "agencies": [
                {"role": "council", "code": "KMC", "name": "Kirklees Council",
                 "lead_officer": {"name": "A Person", "email": "a.person@example.org"}},
                {"role": "police", "code": "WYP", "name": "West Yorkshire Police",
                 "lead_officer": {"name": "B Person"}},
            ],
        }
    )  # fmt: skip
    plan = boards.plan_board("Kirklees", PUBLIC, board=names)
    cat = plan.catalogue
    assert cat.placeholders() == []
    assert sorted(cat.agencies) == ["DFE", "KMC", "WYP"]
    assert {i.agency for i in cat} == {"KMC"}
    assert cat["4.1"].lead_officer.name == "A Person"
    # the police's templates are led by its lead officer (CSCB04: repeat DV referrals)
    text = plan.files["data/raw/reference/catalogue.yaml"].decode()
    block = text[text.index("#   - ref: CSCB04") :]
    assert "#     agency: WYP" in block[:400] and "B Person" in block[:700]
