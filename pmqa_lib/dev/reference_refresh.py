"""Developer step: refresh the example board's committed reference extracts from the public files.

``data/raw/reference/comparators.csv`` (with ``comparators_PROVENANCE.md``) and
``population_0_17.csv`` are small extracts of the public files that the example board needs, so
``make quarter`` runs without them. When DfE publishes, a developer reruns this and commits the
result (``python -m pmqa_lib.dev.reference_refresh [2021|2025]``; ``make examples`` refreshes the
population). The extracts themselves are built by :mod:`pmqa_lib.public.reference_extracts`, the
same code ``make board`` uses for a new board's folder; this wrapper only points it at the
checkout's example board. It is one of the deliberate exceptions to "code never writes data/raw":
the files are reference *input*, written atomically with ``atomic_write(allow_raw=True)``. The
pipeline never imports this module.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pmqa_lib.core.catalogue import load_catalogue
from pmqa_lib.core.files import atomic_write
from pmqa_lib.public import downloads
from pmqa_lib.public.comparators import COMMITTED_FILE, PROVENANCE_FILE, build_comparators
from pmqa_lib.public.reference_extracts import (
    POPULATION_SOURCES,
    csv_text,
    extract_population,
    provenance_markdown,
)

log = logging.getLogger(__name__)

__all__ = ["POPULATION_SOURCES", "extract_example_comparators", "extract_population"]


def extract_example_comparators(
    catalogue_path: Path | str | None = None,
    public_dir: Path | str | None = None,
    model: str | None = None,
    out_dir: Path | str | None = None,
) -> Path:
    """DEVELOPER STEP: write ``data/raw/reference/comparators.csv`` and its provenance.

    Parameters
    ----------
    catalogue_path : path, optional
        Defaults to the project's ``data/raw/reference/catalogue.yaml``.
    model : {"2021", "2025"}, optional
        The neighbour list; defaults to the catalogue's ``board.neighbour_model``, else 2021.
    out_dir : path, optional
        Defaults to the catalogue's folder.

    Returns
    -------
    Path
        The CSV written.
    """
    cat = load_catalogue(catalogue_path)
    model = str(model or cat.neighbour_model or "2021")
    folder = downloads.require_public_dir(public_dir)
    table = build_comparators(cat, folder, model)
    out = Path(out_dir) if out_dir is not None else Path(cat.source).parent
    csv_path = out / COMMITTED_FILE
    made_by = "`pmqa_lib.dev.reference_refresh.extract_example_comparators`"
    _write_reference(csv_text(table), csv_path)
    _write_reference(provenance_markdown(cat, table, folder, model, made_by), out / PROVENANCE_FILE)
    return csv_path


def _write_reference(text: str, path: Path) -> None:
    """Atomic write for the developer step above, the one explicit exception to data/raw/ being
    read-only (atomic_write refuses it unless told)."""
    with atomic_write(path, allow_raw=True) as fh:
        fh.write(text)


if __name__ == "__main__":  # developer step: python -m pmqa_lib.dev.reference_refresh [2021|2025]
    import sys

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    written = extract_example_comparators(model=sys.argv[1] if len(sys.argv) > 1 else None)
    print(f"wrote {written} and {written.parent / PROVENANCE_FILE}")
