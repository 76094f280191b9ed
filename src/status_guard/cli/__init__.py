"""The `status-guard` command line. Sub-commands live in their own modules and load lazily, so
`status-guard classify` never imports sqlglot or presidio."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .options import SuggestingGroup

# name -> (module, attribute). A module that is not installed (an optional extra) is left out.
COMMANDS: dict[str, tuple[str, str]] = {
    "policy": ("status_guard.cli.policy", "policy"),
    "classify": ("status_guard.cli.policy", "classify"),
    "audit": ("status_guard.cli.audit", "audit"),
    "sql": ("status_guard.cli.sql", "sql"),
    "text": ("status_guard.cli.text", "text"),
    "events": ("status_guard.cli.compliance", "events"),
    "obligations": ("status_guard.cli.compliance", "obligations"),
    "report": ("status_guard.cli.compliance", "report"),
    "complaint": ("status_guard.cli.compliance", "complaint"),
    "dashboard": ("status_guard.cli.compliance", "dashboard"),
    "scan": ("status_guard.cli.scan", "scan"),
    "inventory": ("status_guard.cli.scan", "inventory"),
    "gateway": ("status_guard.cli.gateway", "gateway"),
}


class LazyGroup(SuggestingGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in COMMANDS if self._load(n) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                return None
            raise
        cmd: Any = getattr(mod, attr, None)
        if isinstance(cmd, click.Group) and not isinstance(cmd, SuggestingGroup):
            # every sub-command group answers a typo with "did you mean"
            cmd.__class__ = type("Suggesting" + type(cmd).__name__, (SuggestingGroup, type(cmd)), {})
        return cmd if isinstance(cmd, click.Command) else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="status_guard")
def cli() -> None:
    """status_guard: enforce Cambridge ch. 2.129 (Welcoming Community Ordinance) in city software."""


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="status-guard", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
