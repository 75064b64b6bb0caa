"""Core: what every stage shares. Periods, the indicator catalogue, reference tables, paths and
atomic writes, user errors, the one home of display rules (rounding, formats, no-data wording, RAG), and
the Great Expectations runner and free-text patterns that the return and register suites share."""
