"""Validate: agency returns in, accepted and rejected rows out. File safety and ingest, the return
rules (run by :mod:`pmqa_lib.core.gx_runner`), observations (the value history) and return templates."""
