"""Reading and checking the governance registers in ``data/raw/registers/``.

Each register is one file, ``<name>.csv`` or ``<name>.xlsx`` (first sheet), laid out as in
:mod:`pmqa_lib.registers.specs`. Reading never stops the quarter's report:

- a file that cannot be read, is empty, or lacks a required column is rejected whole (the
  register is then empty) with one message naming the file and what is wrong;
- a row that breaks a rule (a date that cannot be read, an unknown RAG, a due date before the
  request date, a reminder outside request..due, a duplicate reference, a deferral without its new
  date, HTML or spreadsheet formulas in free text) is rejected, with a message naming the file,
  row (as a person sees it: header = row 1), column and rule;
- warnings (a near-duplicate row, a request made over a year before the due date, a linked
  indicator not in the catalogue, an unknown column) are reported and the row kept.

The rules themselves are Great Expectations suites stored as JSON in
``expectations/register_<name>.json``. They run on the *parsed* register (dates read by
:mod:`pmqa_lib.registers.dates`, RAG normalised, helper columns such as ``deferred_without_date``)
through :func:`pmqa_lib.core.gx_runner.run_suite`, the same Great Expectations 1.x runner as the
agency returns, with the same free-text patterns (:mod:`pmqa_lib.core.text_rules`, passed as the
suite parameters ``formula_pattern`` and ``markup_pattern``): registers and returns share one runner
and one pattern set. :func:`check_rows` turns the runner's failures into problems. Great
Expectations is imported the first time a register with rows is checked.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmqa_lib.core import gx_runner, text_rules
from pmqa_lib.core.files import EXPECTATIONS_DIR, NotARegularFile, read_regular_file
from pmqa_lib.registers.dates import DateTextError, all_dates_in_text, parse_date_text
from pmqa_lib.registers.specs import SPECS, RegisterSpec, normalise_heading

log = logging.getLogger(__name__)

PROBLEM_COLUMNS = ["register", "file", "row", "column", "value", "rule", "severity", "message"]
RAG_VALUES = {
    "r": "Red",
    "red": "Red",
    "a": "Amber",
    "amber": "Amber",
    "g": "Green",
    "green": "Green",
}
#: a register is a few hundred rows: a larger file is refused unread
MAX_REGISTER_BYTES = 20 * 1024 * 1024
DEFERRAL_WORDS = re.compile(r"\b(?:defer\w*|delay\w*|postpone\w*|put back)\b", re.IGNORECASE)


@dataclass
class RegisterRead:
    """One register after reading and checking.

    Attributes
    ----------
    spec : RegisterSpec
    frame : DataFrame
        Accepted rows: the original columns (text as written) plus parsed helper columns
        (``<date>_date``, ``times_deferred``, ``new_due_date``, ``ref_key`` ...), ``source_file``
        and ``source_row``.
    problems : DataFrame
        Columns :data:`PROBLEM_COLUMNS`; ``severity`` is ``error`` (row or file rejected) or
        ``warning`` (kept).
    file : Path or None
        The file read (None when there is none).
    """

    spec: RegisterSpec
    frame: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    file: Path | None = None


def empty_problems() -> pd.DataFrame:
    return pd.DataFrame(columns=PROBLEM_COLUMNS)


def _problem(spec: RegisterSpec, file: str, message: str, rule: str, column: str = "",
             row: int | None = None, value: str = "", severity: str = "error") -> dict:  # fmt: skip
    return {
        "register": spec.name, "file": file, "row": row, "column": column, "value": value,
        "rule": rule, "severity": severity, "message": message,
    }  # fmt: skip


# ---------------------------------------------------------------------------------------
# Reading the file


def find_register_file(folder: Path, spec: RegisterSpec) -> tuple[Path | None, list[dict]]:
    """The register's file in ``folder``: ``<name>.csv`` or ``<name>.xlsx``.

    When both exist the CSV is read and a problem says the workbook was ignored.
    """
    csv, xlsx = folder / f"{spec.name}.csv", folder / f"{spec.name}.xlsx"
    if (csv.exists() or csv.is_symlink()) and (xlsx.exists() or xlsx.is_symlink()):
        return csv, [
            _problem(
                spec,
                xlsx.name,
                f"both {csv.name} and {xlsx.name} exist; read {csv.name} "
                f"and ignored {xlsx.name}: keep one",
                "one_file_per_register",
                severity="warning",
            )  # fmt: skip
        ]
    for p in (csv, xlsx):
        if p.exists() or p.is_symlink():  # a link is found, then refused when read
            return p, []
    return None, []


def read_register_file(path: Path) -> pd.DataFrame:
    """Read a register file as text (CSV) or as cells (XLSX, so Excel dates stay dates).

    Blank cells are missing; surrounding spaces are removed; wholly blank rows are dropped but
    ``source_row`` keeps the row number a person sees in the file (header = row 1).

    Raises
    ------
    ValueError
        When the file is empty, unreadable or not UTF-8 text.
    """
    try:  # never through a link, never a pipe or a folder
        data, size, _ = read_regular_file(path, MAX_REGISTER_BYTES)
    except NotARegularFile as exc:
        raise ValueError(exc.reason) from None
    if size == 0:
        raise ValueError("the file is empty (0 bytes)")
    if data is None:
        raise ValueError(
            f"the file is {size / 1e6:.0f} MB, over the {MAX_REGISTER_BYTES / 1e6:.0f} MB a "
            "register can be"
        )
    try:
        if path.suffix.lower() == ".xlsx":
            raw = pd.read_excel(
                io.BytesIO(data), sheet_name=0, dtype=object, header=0, engine="openpyxl"
            )
        else:
            raw = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text; save it as CSV UTF-8") from None
    except pd.errors.EmptyDataError:
        raise ValueError("the file is empty (no header row)") from None
    except Exception as exc:  # openpyxl/zipfile/parser errors: the message is what matters
        raise ValueError(f"the file cannot be read: {exc}") from None
    raw = raw.map(_cell_text)
    raw = raw.replace({"": np.nan})
    raw.insert(0, "source_row", np.arange(2, len(raw) + 2))
    raw = raw.dropna(how="all", subset=[c for c in raw.columns if c != "source_row"])
    return raw


def _cell_text(v: object) -> object:
    """Text as text (stripped); Excel dates stay dates; Excel numbers become their text, so a
    ``linked_indicators`` cell typed as 2.5 reads as ``"2.5"`` (``20`` not ``20.0``)."""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool) or v is None or isinstance(v, dt.date | dt.datetime | pd.Timestamp):
        return v
    if isinstance(v, int | float | np.integer | np.floating):
        if pd.isna(v):
            return v
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return v


def _rename_columns(raw: pd.DataFrame, spec: RegisterSpec, fname: str) -> tuple[pd.DataFrame, list]:
    problems = []
    mapping = {c: normalise_heading(c) for c in raw.columns if c != "source_row"}
    unknown = [orig for orig, new in mapping.items() if new not in spec.columns]
    for orig in unknown:
        problems.append(
            _problem(
                spec,
                fname,
                f"column {orig!r} is not part of the {spec.title} layout and was ignored",
                "known_columns",
                column=str(orig),
                severity="warning",
            )  # fmt: skip
        )
    df = raw.rename(columns=mapping).drop(columns=[mapping[u] for u in unknown])
    df = df.loc[:, ~df.columns.duplicated()]
    for c in spec.columns:
        if c not in df.columns:
            df[c] = pd.Series(np.nan, index=df.index, dtype=object)
    return df[["source_row", *spec.columns]], problems


# ---------------------------------------------------------------------------------------
# Parsing into helper columns (what the suites check)


def _parse_dates(df: pd.DataFrame, spec: RegisterSpec) -> pd.DataFrame:
    out = df.copy()
    order = sorted(spec.dates, key=lambda c: spec.dates[c] is not None)  # references first
    for col in order:
        ref_col = spec.dates[col]
        refs = out[f"{ref_col}_date"] if ref_col else pd.Series(pd.NaT, index=out.index)
        dates, errors, rules = [], [], []
        for text, ref in zip(out[col], refs, strict=True):
            try:
                parsed = parse_date_text(text, None if pd.isna(ref) else pd.Timestamp(ref).date())
            except DateTextError as exc:
                dates.append(pd.NaT), errors.append(str(exc)), rules.append(None)
                continue
            dates.append(pd.Timestamp(parsed.date) if parsed else pd.NaT)
            errors.append(None), rules.append(parsed.rule if parsed else None)
        out[f"{col}_date"] = pd.to_datetime(pd.Series(dates, index=out.index, dtype="object"))
        out[f"{col}_error"] = pd.Series(errors, index=out.index, dtype="object")
        out[f"{col}_rule"] = pd.Series(rules, index=out.index, dtype="object")
    for col in spec.multi_date:
        firsts, lasts, counts, errors = [], [], [], []
        for text in out[col]:
            try:
                found = all_dates_in_text(text)
            except DateTextError as exc:
                found, err = [], str(exc)
            else:
                err = None
            firsts.append(pd.Timestamp(min(found)) if found else pd.NaT)
            lasts.append(pd.Timestamp(max(found)) if found else pd.NaT)
            counts.append(len(found))
            errors.append(err)
        out[f"{col}_first"] = pd.to_datetime(pd.Series(firsts, index=out.index, dtype="object"))
        out[f"{col}_last"] = pd.to_datetime(pd.Series(lasts, index=out.index, dtype="object"))
        out[f"{col}_count"] = pd.Series(counts, index=out.index, dtype="int64")
        out[f"{col}_error"] = pd.Series(errors, index=out.index, dtype="object")
    return out


def _parse_deferrals(df: pd.DataFrame, spec: RegisterSpec) -> pd.DataFrame:
    """``deferred_to`` holds one or more new dates separated by ``;`` (deferred twice = two)."""
    out = df.copy()
    if spec.deferral is None:
        return out
    text_col, def_col, due_col = spec.deferral
    out["mentions_deferral"] = out[text_col].fillna("").str.contains(DEFERRAL_WORDS)
    # the rule "a row that says deferred gives its new date", as a column the suite checks (GX
    # 1.9+ deprecates string row conditions)
    out["deferred_without_date"] = (out["mentions_deferral"] & out[def_col].isna()).astype(bool)
    times, new_dates, in_order, errors = [], [], [], []
    for text, due in zip(out[def_col], out[f"{due_col}_date"], strict=True):
        parts = [p for p in re.split(r"[;\n]", text) if p.strip()] if isinstance(text, str) else []
        ref = None if pd.isna(due) else pd.Timestamp(due).date() + dt.timedelta(days=366)
        try:
            found = [parse_date_text(p, ref).date for p in parts]
        except DateTextError as exc:
            times.append(len(parts)), new_dates.append(pd.NaT), in_order.append(None)
            errors.append(str(exc))
            continue
        times.append(len(found))
        new_dates.append(pd.Timestamp(found[-1]) if found else pd.NaT)
        chain = ([] if pd.isna(due) else [pd.Timestamp(due).date()]) + found
        in_order.append(
            all(a < b for a, b in zip(chain, chain[1:], strict=False)) if found else None
        )
        errors.append(None)
    out["times_deferred"] = pd.Series(times, index=out.index, dtype="int64")
    out["new_due_date"] = pd.to_datetime(pd.Series(new_dates, index=out.index, dtype="object"))
    out["deferrals_in_order"] = pd.Series(in_order, index=out.index, dtype="object")
    out["deferred_to_error"] = pd.Series(errors, index=out.index, dtype="object")
    return out


def _ref_key(values: pd.Series) -> pd.Series:
    """``'MAA 1.'``, ``'maa1'`` and ``' MAA  1 '`` are the same reference: ``MAA1``."""
    return values.astype("string").str.upper().str.replace(r"[^0-9A-Z]+", "", regex=True)


def _parse_helpers(
    df: pd.DataFrame, spec: RegisterSpec, indicators: set[str] | None
) -> pd.DataFrame:
    out = _parse_deferrals(_parse_dates(df, spec), spec)
    key_parts = [_ref_key(out[c]).fillna("") for c in spec.key]
    out["ref_key"] = (
        key_parts[0].str.cat(key_parts[1:], sep="|") if len(key_parts) > 1 else key_parts[0]
    )
    out.loc[out[list(spec.key)].isna().any(axis=1), "ref_key"] = pd.NA
    if spec.rag:
        raw = out[spec.rag].astype("string")
        out[f"{spec.rag}_value"] = raw.str.lower().map(RAG_VALUES).fillna(raw)
    for col in spec.whole_numbers:
        num = pd.to_numeric(out[col], errors="coerce")
        bad = out[col].notna() & (num.isna() | (num % 1 != 0) | (num < 0))
        out[f"{col}_number"] = num.where(~bad)
        out[f"{col}_error"] = np.where(bad, "is not a whole number of 0 or more", None)
    if spec.linked:
        lists = (
            out[spec.linked]
            .fillna("")
            .str.split(r"[;,]")
            .map(lambda xs: [x.strip() for x in xs if x.strip()])
        )
        out["linked_list"] = lists
        if indicators is not None:
            unknown = lists.map(lambda xs: "; ".join(x for x in xs if x not in indicators) or None)
            out["unknown_linked"] = unknown.astype("object")
        else:
            out["unknown_linked"] = pd.Series(None, index=out.index, dtype="object")
    if spec.name == "rolling_reports":
        out = _rolling_report_helpers(out)
    return out


def _rolling_report_helpers(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["request_lead_days"] = (out["dates_due_date"] - out["request_date_date"]).dt.days
    ident = (
        out["report"].astype("string").str.lower().str.strip().fillna("")
        + "|" + out["dates_due_date"].astype("string").fillna("")
        + "|" + out["named_lead"].astype("string").str.lower().fillna("")
    )  # fmt: skip
    first_ref = out.groupby(ident)["ref"].transform("first")
    dup = ident.duplicated(keep="first") & out["dates_due_date"].notna()
    out["possible_duplicate_of"] = first_ref.where(dup).astype("object")
    return out


# ---------------------------------------------------------------------------------------
# The suites


def suite_path(spec: RegisterSpec, folder: Path | None = None) -> Path:
    """The register's Great Expectations suite: ``expectations/register_<name>.json``."""
    return (folder or EXPECTATIONS_DIR) / f"{spec.suite_name}.json"


def check_rows(parsed: pd.DataFrame, spec: RegisterSpec, fname: str,
               suites_dir: Path | None = None) -> pd.DataFrame:  # fmt: skip
    """Run the register's suite through Great Expectations; one problem row per failing cell.

    The suite runs on the parsed register with :func:`pmqa_lib.core.gx_runner.run_suite`, the
    runner the return suites use, with the shared text patterns of
    :mod:`pmqa_lib.core.text_rules` as suite parameters. Each expectation's ``meta`` carries the
    plain-English ``rule``, the ``column`` to name (the register's own column, not the helper), the
    ``message`` (``{value}`` and ``{other}`` are filled from the row's ``meta.value_column`` and
    ``meta.other_column``), and ``severity`` (``error`` rejects the row, ``warning`` keeps it).

    Returns
    -------
    DataFrame
        Columns :data:`PROBLEM_COLUMNS` plus ``_index`` (the row's label in ``parsed``).

    Raises
    ------
    RuntimeError
        An expectation could not be evaluated: a fault in the suite or the parsing step, not in
        the register.
    """
    columns = [*PROBLEM_COLUMNS, "_index"]
    if parsed.empty:
        return pd.DataFrame(columns=columns)
    suite = gx_runner.load_suite(suite_path(spec, suites_dir))
    failures = gx_runner.run_suite(parsed, suite, text_rules.suite_parameters())
    unevaluated = failures.loc[failures["row"].isna(), ["rule", "value"]]
    if len(unevaluated):
        raise RuntimeError(f"register rules could not be checked: {unevaluated.to_dict('records')}")
    position = pd.Series(np.arange(len(parsed)), index=parsed.index)
    failures = failures.assign(_at=position.loc[failures["row"]].to_numpy()).sort_values(
        ["expectation_index", "_at"], kind="stable"
    )
    rows = []
    for k, hits in failures.groupby("expectation_index", sort=True):
        exp = suite["expectations"][k]
        meta, kw = exp.get("meta", {}), exp["kwargs"]
        label = meta.get("column", kw.get("column", kw.get("column_A", "")))
        value_col = meta.get("value_column", label if label in parsed.columns else kw.get("column"))
        other_col = meta.get("other_column")
        bad = parsed.loc[hits["row"]]
        if exp["type"] == "expect_column_values_to_be_unique":  # name every row of each copy
            rows_of = bad.groupby(kw["column"])["source_row"].agg(lambda r: ", ".join(map(str, r)))
        for idx, r in bad.iterrows():
            value = r.get(value_col)
            other = r.get(other_col) if other_col else ""
            if exp["type"] == "expect_column_values_to_be_unique":
                other = rows_of[r[kw["column"]]]
            text = meta.get("message", "breaks rule {rule}").format(
                value="" if _isna(value) else _show(value), other="" if _isna(other) else _show(other),
                rule=meta.get("rule", exp["type"]),
            )  # fmt: skip
            rows.append(
                _problem(
                    spec,
                    fname,
                    f"{fname} row {r['source_row']}, column {label}: {text}",
                    meta.get("rule", exp["type"]),
                    column=label,
                    row=int(r["source_row"]),
                    value="" if _isna(value) else _show(value),
                    severity=meta.get("severity", "error"),
                )  # fmt: skip
            )
            rows[-1]["_index"] = idx
    return pd.DataFrame(rows, columns=columns)


def _isna(v) -> bool:
    return v is None or (not isinstance(v, list | tuple) and pd.isna(v))


def _show(v) -> str:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%d %B %Y").lstrip("0")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v)
    return s if len(s) <= 80 else s[:77] + "..."


# ---------------------------------------------------------------------------------------
# The one entry point


def read_register(folder: Path, spec: RegisterSpec, indicators: set[str] | None = None,
                  suites_dir: Path | None = None) -> RegisterRead:  # fmt: skip
    """Read, parse and check one register; never raises for bad content.

    Parameters
    ----------
    folder : Path
        ``data/raw/registers``.
    spec : RegisterSpec
    indicators : set of str, optional
        Catalogue references, to warn about unknown ``linked_indicators``.
    suites_dir : Path, optional
        Where the suites are (default ``expectations/``).
    """
    path, problems = find_register_file(folder, spec)
    empty = _parse_helpers(pd.DataFrame(columns=["source_row", *spec.columns]), spec, indicators)
    empty["source_file"] = pd.Series(dtype="object")
    if path is None:
        problems.append(
            _problem(
                spec,
                f"{spec.name}.csv",
                f"no {spec.title} register: looked for "
                f"{spec.name}.csv or {spec.name}.xlsx in {folder}",
                "file_present",
                severity="warning",
            )  # fmt: skip
        )
        return RegisterRead(spec, empty, pd.DataFrame(problems, columns=PROBLEM_COLUMNS), None)
    fname = path.name
    try:
        raw = read_register_file(path)
    except ValueError as exc:
        problems.append(_problem(spec, fname, f"{fname}: {exc}; the register is left out of the "
                                 "report", "file_readable"))  # fmt: skip
        return RegisterRead(spec, empty, pd.DataFrame(problems, columns=PROBLEM_COLUMNS), path)
    df, col_problems = _rename_columns(raw, spec, fname)
    problems += col_problems
    present = {normalise_heading(c) for c in raw.columns}
    missing = [c for c in spec.required if c not in present]
    if missing:
        problems.append(_problem(
            spec, fname, f"{fname}: required column(s) {', '.join(missing)} missing; the "
            f"{spec.title} register is left out of the report", "required_columns",
            column=", ".join(missing)))  # fmt: skip
        return RegisterRead(spec, empty, pd.DataFrame(problems, columns=PROBLEM_COLUMNS), path)
    if df.empty:
        problems.append(_problem(spec, fname, f"{fname}: has a header but no rows", "has_rows",
                                 severity="warning"))  # fmt: skip
    parsed = _parse_helpers(df, spec, indicators)
    parsed["source_file"] = fname
    failures = check_rows(parsed, spec, fname, suites_dir)
    rejected = set(failures.loc[failures["severity"] == "error", "_index"])
    accepted = parsed.loc[~parsed.index.isin(rejected)].reset_index(drop=True)
    all_problems = pd.concat(
        [pd.DataFrame(problems, columns=PROBLEM_COLUMNS), failures[PROBLEM_COLUMNS]],
        ignore_index=True,
    )
    if len(all_problems):
        n_err = int((all_problems["severity"] == "error").sum())
        log.info("%s: %d row(s) accepted, %d problem(s) (%d rejecting)", fname, len(accepted),
                 len(all_problems), n_err)  # fmt: skip
    return RegisterRead(spec, accepted, all_problems, path)


def read_registers(folder: Path, indicators: set[str] | None = None,
                   suites_dir: Path | None = None) -> dict[str, RegisterRead]:  # fmt: skip
    """Every register in ``folder``, keyed by name (see :data:`pmqa_lib.registers.specs.SPECS`)."""
    return {
        name: read_register(folder, spec, indicators, suites_dir) for name, spec in SPECS.items()
    }


def problems_frame(reads: dict[str, RegisterRead]) -> pd.DataFrame:
    """All problems of all registers in one table, errors first."""
    frames = [r.problems for r in reads.values() if len(r.problems)]
    if not frames:
        return empty_problems()
    out = pd.concat(frames, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    order = out["severity"].map({"error": 0, "warning": 1})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "register", "row"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
