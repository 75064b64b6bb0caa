"""Core: what every stage shares. Periods, the indicator catalogue, reference tables, paths and
atomic writes, user errors, and the one home of display rules (rounding, formats, no-data wording, RAG)."""
