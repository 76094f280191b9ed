"""Errors of the compliance toolkit. A message names the parameter, never the value given."""

from __future__ import annotations

import re
from collections.abc import Mapping

from status_guard.errors import StatusGuardError


class EventError(StatusGuardError, ValueError):
    """An event is incomplete, malformed or contradicts the log.

    ``param`` is the Python parameter the problem is about; the message template says ``{param}``
    where it is named, so each front end names it its own way (the CLI says ``--case`` where the
    Python API says ``case_ref``): ``err.render({"case_ref": "--case"})``."""

    def __init__(self, template: str, param: str | None = None) -> None:
        self.template = template
        self.param = param
        super().__init__(self.render())

    def render(self, names: Mapping[str, str] | None = None) -> str:
        """The message with ``{param}`` (and any other ``{python_name}``) written as ``names`` says."""
        names = names or {}
        p = self.param or ""
        return re.sub(r"\{([a-z_]+)\}", lambda m: names.get(p, p) if m.group(1) == "param"
                      else names.get(m.group(1), m.group(1)), self.template)
