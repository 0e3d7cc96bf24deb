"""`prs config`: the centre's own settings (centre, internal lead time, who may submit, look-ahead)."""

from __future__ import annotations

from typing import Annotated

import typer

from prs_cli.cli import common

app = common.group("Show and change the centre's settings.")


@app.command("show")
def show(json: common.Json = False) -> None:
    """The settings in force, and the file they live in."""
    from prs_cli import config, paths

    path = paths.config_path()
    settings = config.load(path)
    if json:
        common.print_json({"file": str(path), "exists": path.exists(), "settings": settings.as_dict()})
        return
    for key, value in settings.as_dict().items():
        typer.echo(f"{key}: {_shown(key, value)}")
    if not path.exists():
        common.note(f"No settings file yet ({path}); these are the defaults. Set one with 'prs config set'.")


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="centre_number, centre_name, lead_days, authorised_staff, look_ahead_days, templates_dir, triage_within or cambridge_english_enquiry_days.")],
    value: Annotated[str, typer.Argument(help="The new value; authorised_staff takes a comma-separated list, \"\" clears it.")],
) -> None:
    """Change one setting; comments you wrote in the file are kept."""
    from prs_cli import config, paths

    path = paths.config_path()
    name = config.setting_name(key)
    settings = config.set_value(name, value, path)
    typer.echo(f"{name}: {_shown(name, getattr(settings, name))} (saved in {path})")


@app.command("path")
def path() -> None:
    """Where the settings file is (it may not exist yet)."""
    from prs_cli import paths

    typer.echo(str(paths.config_path()))


def _shown(key: str, value) -> str:
    if key == "authorised_staff":
        return ", ".join(value) if value else "(anyone may submit)"
    if value is None:
        return "(not set)"
    return str(value)
