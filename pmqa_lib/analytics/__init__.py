"""Analytics: pure computation, DataFrames in and out. Measures, intervals, trend, SPC, the
assurance continuum with RAG and triggers, and the per-quarter assessment of every indicator."""
