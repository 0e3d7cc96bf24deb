"""prs: post-results services for exams officers."""

__version__ = "0.1.0"
