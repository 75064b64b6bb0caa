"""The board file (board.yaml): placeholders, reading it back, and each fault named."""

from __future__ import annotations

import pytest
import yaml

from pmqa_lib.core.catalogue import PLACEHOLDER
from pmqa_lib.public.board_file import (
    BoardFileError,
    board_file_text,
    load_board_file,
    parse_board_file,
    placeholder_board,
)
from pmqa_lib.public.starter import ROLES

GOOD = {
    "name": "Kirklees Safeguarding Children Partnership",
    "short_name": "KSCP",
    "agencies": [
        {"role": "council", "code": "KMC", "name": "Kirklees Council (Children's Services)",
         "lead_officer": {"name": "A Person", "email": "a.person@example.org"}},
        {"role": "police", "code": "WYP", "name": "West Yorkshire Police"},
    ],
}  # fmt: skip


def test_placeholders_for_every_role_and_name():
    b = placeholder_board("Devon")
    assert [a.role for a in b.agencies] == list(ROLES)
    assert b.name == f"{PLACEHOLDER} Devon Safeguarding Children Partnership"
    council = b.by_role("council")
    assert council.code == "COUNCIL"
    assert council.name == f"{PLACEHOLDER} Devon Council (Children's Services)"
    assert all(PLACEHOLDER in a.lead_officer["name"] for a in b.agencies)


def test_the_written_file_reads_back_as_it_was(tmp_path):
    b = placeholder_board("Devon")
    path = tmp_path / "board.yaml"
    path.write_text(board_file_text(b, "Devon"), encoding="utf-8")
    assert load_board_file(path) == b
    assert path.read_text(encoding="utf-8").startswith("# The partnership's own names")


def test_a_real_board_file():
    b = parse_board_file(GOOD)
    assert (b.name, b.short_name) == ("Kirklees Safeguarding Children Partnership", "KSCP")
    assert b.by_role("council").lead_officer == {
        "name": "A Person",
        "email": "a.person@example.org",
    }
    # short name defaults to the name; a missing lead officer is a placeholder
    police = b.by_role("police")
    assert police.short_name == "West Yorkshire Police"
    assert police.lead_officer["name"] == f"{PLACEHOLDER} police lead officer"
    assert b.by_role("health") is None


@pytest.mark.parametrize(
    "change, words",
    [
        ({"colour": "blue"}, "field 'colour': unknown field"),
        ({"name": ""}, "field 'name': missing"),
        ({"agencies": "KMC"}, "field 'agencies': must be a list"),
        ({"agencies": [{"role": "council", "code": "kmc", "name": "K"}]},
         "field 'agencies\\[1\\].code': 'kmc' must be capital letters and digits"),
        ({"agencies": [{"role": "council", "code": "DFE", "name": "K"}]},
         "'DFE' must be capital letters and digits .* and not DFE"),
        ({"agencies": [{"role": "council", "code": "A", "name": "K"},
                       {"role": "council", "code": "B", "name": "L"}]},
         "field 'agencies\\[2\\]': role 'council' or code 'B' appears twice"),
        ({"agencies": [{"role": "fire", "code": "F", "name": "Fire"}]},
         "'fire' is not one of council, police, health, education, partnership"),
        ({"agencies": [{"role": "police", "code": "P", "name": "Police"}]},
         "needs the council"),
        ({"agencies": [{"role": "council", "code": "K", "name": "K", "lead_officer": "Ann"}]},
         "lead_officer': must be a mapping with at least a name"),
    ],
)  # fmt: skip
def test_each_fault_is_named(change, words):
    with pytest.raises(BoardFileError, match=words):
        parse_board_file({**GOOD, **change})


def test_missing_and_broken_files_are_named(tmp_path):
    with pytest.raises(BoardFileError, match="board file not found"):
        load_board_file(tmp_path / "nope.yaml")
    bad = tmp_path / "board.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(BoardFileError, match="is not valid YAML"):
        load_board_file(bad)
    bad.write_text(yaml.safe_dump(["a list"]), encoding="utf-8")
    with pytest.raises(BoardFileError, match="must be a mapping"):
        load_board_file(bad)
