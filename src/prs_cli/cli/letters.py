"""`prs letters`: a letter to each candidate with the outcomes recorded, and a mail-merge file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def letters(
    candidate: Annotated[Optional[str], typer.Option("--candidate", help="The 4-digit candidate number: only that candidate's letter.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="YYYY-MM-DD", help="Only outcomes received on or after this day.")] = None,
    format: Annotated[str, typer.Option("--format", metavar="text|markdown|html", help="The document format.")] = "text",
    out: Annotated[Optional[Path], typer.Option("--out", metavar="DIR", help="Write one letter per candidate into this folder (owner-only).")] = None,
    merge: Annotated[Optional[Path], typer.Option("--merge", metavar="FILE.csv", help="Also write the outcomes as a mail-merge CSV for Word or Outlook (owner-only, formula-safe).")] = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
) -> None:
    """Letters to candidates with the outcomes recorded: marks and grades before and after, the fee, how to appeal."""
    from prs_cli import codes, config, paths
    from prs_cli.errors import InputError
    from prs_cli.render import documents as render
    from prs_cli.service.documents import MERGE_COLUMNS, merge_rows, outcome_letters

    if out is None and merge is None and candidate is None:
        raise InputError("give --candidate N to print one letter, --out DIR to write one per candidate, or --merge FILE.csv")
    fmt = codes.resolve("format", format, tuple(render.FORMATS))
    settings = config.load()
    papers = outcome_letters(paths.database_path(db), common.calendar(data_dir), settings, candidate=candidate,
                             since=common.optional_date(since, "--since"), today=common.today(today))
    env = render.environment(render.centre_templates(settings.templates_dir))
    if merge is not None:
        from prs_cli.render.csvout import write_csv

        count = write_csv(merge, MERGE_COLUMNS, merge_rows(papers))
        common.note(f"Wrote {count} outcome{'s' if count != 1 else ''} to {merge} for a mail merge.")
    if out is not None:
        written = render.write_papers(env, papers, "outcome_letter", "letter", fmt, out)
        common.note(f"Wrote {len(written)} letter{'s' if len(written) != 1 else ''} in {out}." if written
                    else "No outcome is recorded yet, so no letter was written.")
    elif merge is None:
        typer.echo(render.render(env, f"outcome_letter.{render.FORMATS[fmt]}.j2", papers[0].context), nl=False)
