"""Errors the user can act on. The command line prints them as one line, without a traceback."""


class UsageError(Exception):
    """A problem the user can fix from the command line (a bad Q=, an unknown IND=)."""
