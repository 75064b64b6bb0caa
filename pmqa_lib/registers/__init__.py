"""Registers: the governance registers of Appendices 2-5 and the impact log. Their layouts, the
framework's date rules, reading and checking through Great Expectations, and status as at a date."""
