"""Report: everything a reader sees. Report inputs, tables, narrative, charts, HTML building blocks,
board pages, drill-downs, validation and register pages, profiles, and publishing (HTML, PDF, xlsx)."""
