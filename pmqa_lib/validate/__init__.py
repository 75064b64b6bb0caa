"""Validate: agency returns in, accepted and rejected rows out. File safety and ingest, the Great
Expectations runner and return rules, observations (the value history) and return templates."""
