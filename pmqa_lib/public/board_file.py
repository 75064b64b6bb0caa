"""The board file: the partnership's own names, the one small file a user edits for ``make board``.

``board.yaml`` holds the board's name, its agencies (each with the role it plays, its code, its
name, a contact) and each agency's lead officer for the indicators it leads on. ``make board``
writes one filled with placeholders (marked :data:`pmqa_lib.core.catalogue.PLACEHOLDER`, which the
report lists as such) into the new board's folder; the user edits it and runs ``make board`` again
with ``BOARD=<folder>/board.yaml FORCE=1``.

```yaml
name: Kirklees Safeguarding Children Partnership
short_name: KSCP
agencies:
  - role: council                # council, police, health, education or partnership
    code: KMC                    # the code in return file names (KMC_2024Q4.csv): letters, digits
    name: Kirklees Council (Children's Services)
    short_name: Kirklees Council
    contact: {name: Performance team, email: performance@example.org}
    lead_officer: {name: A Person, email: a.person@example.org}
```

The council is required (DfE's figures are the council's); the other roles are optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pmqa_lib.core.catalogue import PLACEHOLDER, PUBLISHED_AGENCY
from pmqa_lib.public.starter import ROLES

BOARD_FILE = "board.yaml"
_CODE = re.compile(r"^[A-Z0-9]+$")
_AGENCY_FIELDS = {"role", "code", "name", "short_name", "contact", "lead_officer"}
_TOP_FIELDS = {"name", "short_name", "agencies"}
#: the default code and name of each role's agency ({la} is the authority's name)
ROLE_DEFAULTS = {
    "council": ("COUNCIL", "{la} Council (Children's Services)"),
    "police": ("POLICE", "the police force covering {la}"),
    "health": ("HEALTH", "{la} health partners (ICB and providers)"),
    "education": ("EDU", "{la} schools and education"),
    "partnership": ("BOARD", "{la} safeguarding children partnership business unit"),
}


class BoardFileError(ValueError):
    """The board file is not valid; the message names the file and the field."""


@dataclass(frozen=True)
class BoardAgency:
    role: str
    code: str
    name: str
    short_name: str
    contact: dict
    lead_officer: dict

    def catalogue_entry(self) -> dict:
        out = {"code": self.code, "name": self.name, "short_name": self.short_name}
        if self.contact:
            out["contact"] = dict(self.contact)
        return out


@dataclass(frozen=True)
class BoardFile:
    """The partnership's names, from ``board.yaml`` or placeholders."""

    name: str
    short_name: str
    agencies: tuple[BoardAgency, ...]

    def by_role(self, role: str) -> BoardAgency | None:
        return next((a for a in self.agencies if a.role == role), None)


def placeholder_board(la_name: str) -> BoardFile:
    """A board file for ``la_name`` whose every name is a placeholder."""
    agencies = []
    for role in ROLES:
        code, name = ROLE_DEFAULTS[role]
        agencies.append(
            BoardAgency(
                role=role,
                code=code,
                name=f"{PLACEHOLDER} {name.format(la=la_name)}",
                short_name=f"{PLACEHOLDER} {role}",
                contact={"name": f"{PLACEHOLDER} {role} contact", "email": ""},
                lead_officer={"name": f"{PLACEHOLDER} {role} lead officer", "email": ""},
            )
        )
    return BoardFile(
        name=f"{PLACEHOLDER} {la_name} Safeguarding Children Partnership",
        short_name=f"{PLACEHOLDER} {la_name} SCP",
        agencies=tuple(agencies),
    )


def load_board_file(path: Path | str) -> BoardFile:
    """Read and check a board file.

    Raises
    ------
    BoardFileError
        A missing file, bad YAML, an unknown or missing field, an unknown role, a role or code
        given twice, a code that is not capital letters and digits (or is DfE's own, ``DFE``),
        or no council; the message names the file and the field.
    """
    path = Path(path)
    if not path.is_file():
        raise BoardFileError(f"board file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BoardFileError(f"{path} is not valid YAML: {exc}") from None
    return parse_board_file(raw, path.name)


def parse_board_file(raw: object, where: str = BOARD_FILE) -> BoardFile:
    """A :class:`BoardFile` from the parsed YAML, checking every field."""

    def fail(field: str, message: str) -> BoardFileError:
        return BoardFileError(f"{where}, field '{field}': {message}")

    if not isinstance(raw, dict):
        raise BoardFileError(f"{where}: must be a mapping with name, short_name and agencies")
    for k in raw:
        if k not in _TOP_FIELDS:
            raise fail(str(k), f"unknown field (allowed: {', '.join(sorted(_TOP_FIELDS))})")
    for k in ("name", "agencies"):
        if not raw.get(k):
            raise fail(k, "missing")
    agencies, roles, codes = [], set(), set()
    if not isinstance(raw["agencies"], list):
        raise fail("agencies", "must be a list of agencies")
    for i, a in enumerate(raw["agencies"], start=1):
        at = f"agencies[{i}]"
        if not isinstance(a, dict):
            raise fail(at, "must be a mapping with role, code and name")
        for k in a:
            if k not in _AGENCY_FIELDS:
                raise fail(
                    f"{at}.{k}", f"unknown field (allowed: {', '.join(sorted(_AGENCY_FIELDS))})"
                )
        for k in ("role", "code", "name"):
            if not a.get(k):
                raise fail(f"{at}.{k}", "missing")
        role, code = str(a["role"]).strip(), str(a["code"]).strip()
        if role not in ROLES:
            raise fail(f"{at}.role", f"{role!r} is not one of {', '.join(ROLES)}")
        if not _CODE.match(code) or code == PUBLISHED_AGENCY:
            raise fail(
                f"{at}.code",
                f"{code!r} must be capital letters and digits (it names return files: "
                f"{code}_2024Q4.csv), and not {PUBLISHED_AGENCY}, DfE's own",
            )
        if role in roles or code in codes:
            raise fail(at, f"role {role!r} or code {code!r} appears twice")
        roles.add(role)
        codes.add(code)
        for k in ("contact", "lead_officer"):
            if a.get(k) is not None and not (isinstance(a[k], dict) and a[k].get("name")):
                raise fail(f"{at}.{k}", "must be a mapping with at least a name")
        agencies.append(
            BoardAgency(
                role=role,
                code=code,
                name=str(a["name"]),
                short_name=str(a.get("short_name") or a["name"]),
                contact={k: str(v) for k, v in (a.get("contact") or {}).items()},
                lead_officer={k: str(v) for k, v in (a.get("lead_officer") or {}).items()}
                or {"name": f"{PLACEHOLDER} {role} lead officer", "email": ""},
            )
        )
    if "council" not in roles:
        raise fail("agencies", "needs the council (role: council): DfE's figures are the council's")
    return BoardFile(
        name=str(raw["name"]),
        short_name=str(raw.get("short_name") or raw["name"]),
        agencies=tuple(agencies),
    )


def board_file_text(board: BoardFile, la_name: str) -> str:
    """``board.yaml`` as written into a new board's folder: the names with a header saying how
    to use it."""
    body = {
        "name": board.name,
        "short_name": board.short_name,
        "agencies": [
            {
                "role": a.role,
                "code": a.code,
                "name": a.name,
                "short_name": a.short_name,
                "contact": a.contact,
                "lead_officer": a.lead_officer,
            }
            for a in board.agencies
        ],
    }
    head = (
        f"# The partnership's own names for its pmqa board ({la_name}). Replace every\n"
        f"# {PLACEHOLDER} (the report lists any left), then rebuild the board's files:\n"
        "#   make board LA=... DIR=<this folder> BOARD=<this folder>/board.yaml FORCE=1\n"
        "# role: council, police, health, education or partnership (the council is required);\n"
        "# code: capital letters and digits, the prefix of the agency's return files\n"
        "# (COUNCIL_2024Q4.csv); lead_officer: the lead officer of the indicators it leads on.\n"
    )
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
