"""The one place that talks to Great Expectations (GX 1.x): quiet, offline, ephemeral.

It lives in core because two stages use it: :mod:`pmqa_lib.validate` runs the return suites and
:mod:`pmqa_lib.registers` the register suites, so returns and registers share one rule language
(and, through :mod:`pmqa_lib.core.text_rules`, one set of text patterns).

Public API
----------
``load_suite(path) -> dict``
    Read an expectation suite stored as JSON in ``expectations/`` (``{"name", "expectations":
    [{"type", "kwargs", "meta"}], "meta"}``; no ids, so the file is stable in git). Raises
    :class:`SuiteError` on a missing file, bad JSON, or an expectation type GX does not know.
``run_suite(df, suite, parameters=None) -> DataFrame``
    Validate ``df`` (a pandas DataFrame; its index labels identify the rows) against ``suite`` (a
    path or the dict from :func:`load_suite`). ``parameters`` fills ``{"$PARAMETER": "name"}``
    placeholders in the suite, e.g. catalogue-dependent value sets. Returns the failures as a tidy
    frame, one row per failing (expectation, row), columns :data:`RESULT_COLUMNS`:

    ``expectation`` (GX type), ``expectation_index`` (the expectation's position in
    ``suite["expectations"]``, 0-based: several may share a ``rule``, and a caller can read the
    rest of that expectation's ``meta``), ``rule`` (the suite's ``meta.rule`` id), ``column``,
    ``row`` (the index label of the failing row, ``<NA>`` for a table-level failure), ``value``
    (the offending value as text), ``rule_text`` (``meta.text``: the rule in plain English),
    ``what_to_do`` (``meta.todo``), ``severity`` (``meta.severity``: ``error`` or ``warning``;
    default ``error``). Rows come in Great Expectations' result order.

    An expectation that could not be evaluated (e.g. its column is absent) is reported as a
    table-level failure whose ``value`` holds GX's message; it never raises.
``rule_catalogue(suite) -> DataFrame``
    The rules of a suite as a table (rule, expectation, column, rule_text, what_to_do, severity),
    for documentation and reports.

Quiet and offline: ``GX_ANALYTICS_ENABLED=False`` is set before GX is imported, the ephemeral
context is created with ``progress_bars`` disabled globally and for metric calculations (GX's
``ProgressBarsConfig``; otherwise GX draws "Calculating Metrics" tqdm bars on stderr), tqdm's own
``TQDM_DISABLE`` is set, and nothing is written to disk: the context keeps suites in memory.
Great Expectations is imported lazily (it costs several seconds), only when a suite is run.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

RESULT_COLUMNS = [
    "expectation", "expectation_index", "rule", "column", "row", "value", "rule_text",
    "what_to_do", "severity",
]  # fmt: skip
SEVERITIES = ("error", "warning")
#: the key under which each expectation's position in the suite travels through GX (in its meta)
_INDEX_KEY = "pmqa_expectation_index"
_names = itertools.count(1)


class SuiteError(ValueError):
    """An expectation suite file that cannot be used; the message names the file."""


#: Modules Great Expectations pulls in that pmqa never uses, kept out of the process: jsonschema
#: (through altair) imports ``rfc3987_syntax`` for its optional ``iri`` format check, which builds
#: a grammar at import and costs about 1.5 s; jsonschema catches the ImportError and simply has no
#: ``iri`` check (no pmqa suite or schema uses one).
_UNUSED_MODULES = ("rfc3987_syntax",)


def _quiet_environment() -> None:
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("TQDM_DISABLE", "1")


def _import_gx():
    """Import Great Expectations quietly, without the modules pmqa does not use."""
    _quiet_environment()
    for name in _UNUSED_MODULES:
        # None in sys.modules makes ``import name`` raise ImportError; one already imported (by
        # something else in this process) is left as it is
        sys.modules.setdefault(name, None)
    import great_expectations as gx

    return gx


@lru_cache(maxsize=1)
def _context():
    """One ephemeral, in-memory, quiet GX context per process."""
    gx = _import_gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    ctx = gx.get_context(mode="ephemeral", project_config=config)
    datasource = ctx.data_sources.add_pandas("pmqa")
    return ctx, datasource


def load_suite(path: Path | str) -> dict:
    """Read and check a suite JSON file.

    Parameters
    ----------
    path : path
        A file such as ``expectations/agency_return.json``.

    Returns
    -------
    dict
        ``{"name": str, "expectations": [...], "meta": {...}}``.

    Raises
    ------
    SuiteError
        The file is missing, is not JSON, or does not have the suite shape.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            suite = json.load(fh)
    except FileNotFoundError:
        raise SuiteError(f"expectation suite not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise SuiteError(f"expectation suite {path} is not valid JSON: {exc}") from None
    if (
        not isinstance(suite, dict)
        or "name" not in suite
        or not isinstance(suite.get("expectations"), list)
    ):
        raise SuiteError(f"expectation suite {path} needs a name and a list of expectations")
    for k, e in enumerate(suite["expectations"], 1):
        if not isinstance(e, dict) or "type" not in e or not isinstance(e.get("kwargs"), dict):
            raise SuiteError(f"expectation suite {path}: expectation {k} needs a type and kwargs")
        sev = e.get("meta", {}).get("severity", "error")
        if sev not in SEVERITIES:
            raise SuiteError(f"expectation suite {path}: expectation {k} has severity {sev!r}")
    suite.setdefault("meta", {})
    suite["_source"] = str(path)
    return suite


def _as_suite(suite: dict | Path | str) -> dict:
    return suite if isinstance(suite, dict) else load_suite(suite)


def rule_catalogue(suite: dict | Path | str) -> pd.DataFrame:
    """The rules of a suite, one row per expectation, for documentation and reports."""
    suite = _as_suite(suite)
    rows = []
    for e in suite["expectations"]:
        meta = e.get("meta", {})
        rows.append(
            {
                "rule": meta.get("rule", e["type"]),
                "expectation": e["type"],
                "column": _column_of(e),
                "rule_text": meta.get("text", ""),
                "what_to_do": meta.get("todo", ""),
                "severity": meta.get("severity", "error"),
            }
        )
    return pd.DataFrame(
        rows, columns=["rule", "expectation", "column", "rule_text", "what_to_do", "severity"]
    )


def _column_of(e: dict) -> str:
    meta, kw = e.get("meta", {}), e["kwargs"]
    if "column" in meta:
        return str(meta["column"])
    if "column" in kw:
        return str(kw["column"])
    if "column_A" in kw:
        return str(kw["column_A"])
    if "column_list" in kw and isinstance(kw["column_list"], list):
        return ",".join(map(str, kw["column_list"]))
    return ""


def _build(suite: dict):
    """Register the suite and a validation definition in the ephemeral context."""
    gx = _import_gx()
    from great_expectations.core import ExpectationSuite

    ctx, datasource = _context()
    n = next(_names)
    # the position goes into meta so that each result maps back to exactly one suite entry (a
    # register suite has many expectations with the same rule id, e.g. "required")
    expectations = [
        {"type": e["type"], "kwargs": e["kwargs"], "meta": {**e.get("meta", {}), _INDEX_KEY: k}}
        for k, e in enumerate(suite["expectations"])
    ]
    gx_logger = logging.getLogger("great_expectations")
    previous = gx_logger.level
    gx_logger.setLevel(
        logging.CRITICAL
    )  # GX logs, then drops, an unknown expectation: we raise instead
    try:
        gx_suite = ExpectationSuite(name=f"{suite['name']}-{n}", expectations=expectations)
    finally:
        gx_logger.setLevel(previous)
    if len(gx_suite.expectations) != len(expectations):
        known = {e.expectation_type for e in gx_suite.expectations}
        bad = sorted({e["type"] for e in expectations} - known)
        raise SuiteError(
            f"expectation suite {suite.get('_source', suite['name'])}: Great Expectations does not "
            f"accept {', '.join(bad) or 'some expectations'} (check the type and kwargs)"
        )
    gx_suite = ctx.suites.add(gx_suite)
    asset = datasource.add_dataframe_asset(f"frame-{n}")
    batch = asset.add_batch_definition_whole_dataframe("whole")
    vd = ctx.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=gx_suite, name=f"vd-{n}")
    )
    return vd


def run_suite(
    df: pd.DataFrame, suite: dict | Path | str, parameters: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Validate ``df`` against ``suite``; return the failures (see the module docstring).

    Parameters
    ----------
    df : DataFrame
        The data. Its index labels are returned in ``row``; keep them unique.
    suite : dict or path
        A suite from :func:`load_suite`, or the path of its JSON file.
    parameters : dict, optional
        Values for the suite's ``{"$PARAMETER": name}`` placeholders.

    Returns
    -------
    DataFrame
        Columns :data:`RESULT_COLUMNS`; empty when everything passes.
    """
    suite = _as_suite(suite)
    if not df.index.is_unique:
        raise ValueError(
            "run_suite needs a DataFrame with a unique index (row labels identify failures)"
        )
    vd = _build(suite)
    with warnings.catch_warnings():  # GX's pandas metrics warn about regex groups etc.: keep quiet
        warnings.simplefilter("ignore")
        result = vd.run(
            batch_parameters={"dataframe": df},
            expectation_parameters=dict(parameters or {}),
            result_format="COMPLETE",
        )
    by_position = suite["expectations"]
    frames = []
    for res in result.results:
        if res.success:
            continue
        cfg = res.expectation_config
        position = int(cfg.meta[_INDEX_KEY])
        spec = by_position[position]
        meta = spec.get("meta", {})
        base = {
            "expectation": cfg.type,
            "expectation_index": position,
            "rule": meta.get("rule", cfg.type),
            "column": _column_of(spec),
            "rule_text": meta.get("text", cfg.type.replace("_", " ")),
            "what_to_do": meta.get("todo", ""),
            "severity": meta.get("severity", "error"),
        }
        info = res.exception_info or {}
        raised = info.get("raised_exception") if isinstance(info, dict) else False
        r = res.result or {}
        if raised:
            frames.append(
                pd.DataFrame([{**base, "row": pd.NA, "value": str(info.get("exception_message"))}])
            )
        elif "unexpected_index_list" in r and r.get("unexpected_index_list") is not None:
            idx = list(r["unexpected_index_list"])
            vals = list(r.get("unexpected_list") or [None] * len(idx))
            if len(vals) != len(idx):
                vals = [None] * len(idx)
            part = pd.DataFrame({"row": idx, "value": [_text(v) for v in vals]})
            for k, v in base.items():
                part[k] = v
            frames.append(part)
        else:
            frames.append(
                pd.DataFrame([{**base, "row": pd.NA, "value": _text(r.get("observed_value"))}])
            )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RESULT_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    return out[RESULT_COLUMNS]


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and pd.isna(v):
        return None
    if isinstance(v, tuple):
        return ", ".join("" if x is None else _num_text(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}={_num_text(x)}" for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return _num_text(v)


def _num_text(x: Any) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if isinstance(x, str):
        return x
    return f"{f:g}" if f == f else ""
