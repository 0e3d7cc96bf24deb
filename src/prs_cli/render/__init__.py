"""Output: rich tables for people, JSON for scripts, plain text for cron, CSV and iCalendar files."""
