"""pmqa: performance management and quality assurance for children's safeguarding partnerships."""

__version__ = "0.1.0"
