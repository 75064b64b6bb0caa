"""Developer tools, never imported by the runtime: the seeded example-board generator, the
benchmark (make bench) and the refresh of the committed comparator extract."""
