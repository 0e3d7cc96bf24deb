"""`prs timeline`: the season at a glance, one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from prs_cli.cli import common


def timeline(
    out: Annotated[Path, typer.Option("--out", metavar="FILE.html", help="The page to write (owner-only).")],
    series: Annotated[Optional[str], typer.Option("--series", help="Series id (default: the series in hand).")] = None,
    today: common.Today = None,
    db: common.Db = None,
    data_dir: common.DataDir = None,
) -> None:
    """The season at a glance: one HTML page with every date of a series, today's line and each deadline's requests. Needs no network; prints on A4 landscape."""
    from prs_cli import config, paths
    from prs_cli.files import write_private
    from prs_cli.render import documents
    from prs_cli.render.timeline import page
    from prs_cli.service.timeline import timeline as build

    settings = config.load()
    season = build(paths.database_path(db), common.calendar(data_dir), settings, series=series, today=common.today(today))
    env = documents.environment(documents.centre_templates(settings.templates_dir))
    write_private(out, page(env, season))
    dated = sum(row.date is not None for row in season.rows)
    common.note(f"Wrote {out}: {season.series_name}, {dated} dates on the timeline, {len(season.rows) - dated} not yet published.")
