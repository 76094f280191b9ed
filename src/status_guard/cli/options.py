"""Conventions every `status-guard` command follows, in one place.

* **One ``--format``.** Listings take ``table`` (for people), ``json`` (one JSON document: an array
  or an object), ``jsonl`` (JSON Lines: one object per line) and ``csv`` (spreadsheet-safe); documents
  take their own formats (``html``, ``pdf``, ``md``...). ``json`` is never JSON Lines.
* **"Did you mean".** A mistyped choice or sub-command is answered with the closest valid ones.
* **Errors name the flag** the user typed (``--case``), never a Python parameter (``case_ref``).
* **``--out`` matches ``--format``.** One rule for every command: the extension of ``--out`` must be
  one of the format's (table .txt, json .json, jsonl .jsonl, csv .csv, html .html, md .md, pdf .pdf,
  sarif .sarif). ``--out report.pdf --format html`` is an error naming both flags, and so is an
  extension of no format the command writes (``--out r.docx``); with no ``--format``, the extension
  of ``--out`` chooses it.
* **A bare path is an audit spec.** ``--audit ./audit.jsonl`` means ``jsonl:./audit.jsonl``
  (``.db``/``.sqlite``/``.sqlite3`` mean ``sqlite:``).
* **Progress** on long work goes to standard error through Rich, only on a terminal; **colour**
  only on a terminal, and never when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

ENV_AUDIT = "STATUS_GUARD_AUDIT"
ENV_HMAC_KEY_FILE = "STATUS_GUARD_AUDIT_HMAC_KEY_FILE"
ENV_PUBLIC_KEY_FILE = "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE"
ENV_CORRELATION_KEY_FILE = "STATUS_GUARD_AUDIT_CORRELATION_KEY_FILE"
ENV_PERSON_KEY_FILE = "STATUS_GUARD_PERSON_KEY_FILE"
LISTING_FORMATS = ("table", "json", "jsonl", "csv")
# exit code of every command that checks the log when the check could not be done because a key was not
# supplied: a yellow "cannot verify", distinct from 1 (the red tamper alarm) and 2 (bad input)
EXIT_CANNOT_VERIFY = 3
SPEC_SCHEMES = ("jsonl", "sqlite", "postgresql", "postgres", "memory")
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
EXTENSIONS = {"htm": "html", "markdown": "md", "txt": "table", "ndjson": "jsonl", "sarif": "sarif"}


def suggest(value: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest choices, else ''."""
    close = difflib.get_close_matches(str(value).lower(), [c.lower() for c in choices], n=2, cutoff=0.6)
    originals = {c.lower(): c for c in choices}
    if not close:
        return ""
    return " (did you mean " + " or ".join(f'"{originals[c]}"' for c in close) + "?)"


class Choice(click.Choice):
    """click.Choice that answers a typo with the closest valid choice."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            hint = suggest(str(value), [str(c) for c in self.choices])
            self.fail(f"{str(value)[:60]!r} is not one of {', '.join(map(str, self.choices))}{hint}", param, ctx)


class SuggestingGroup(click.Group):
    """A group whose "No such command" names the closest commands."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            hint = suggest(name, self.list_commands(ctx))
            ctx.fail(f"No such command {name[:60]!r}{hint}. Try '{ctx.command_path} --help'.")
        return super().resolve_command(ctx, args)


# -- the audit spec ------------------------------------------------------------------------------------
def normalize_spec(value: str | None) -> str | None:
    """``jsonl:PATH`` for a bare path (``sqlite:`` for .db/.sqlite/.sqlite3); a spec stays as it is."""
    if value is None:
        return None
    v = value.strip()
    scheme, sep, _ = v.partition(":")
    if sep and scheme.lower() in SPEC_SCHEMES:
        return v
    if sep and len(scheme) > 1 and "/" not in scheme and "\\" not in scheme and "." not in scheme:
        raise click.BadParameter(f"unknown audit spec scheme {scheme[:20]!r}{suggest(scheme, SPEC_SCHEMES)}; use "
                                 "jsonl:PATH, sqlite:PATH, postgresql://... or a plain file path")
    return ("sqlite:" if Path(v).suffix.lower() in SQLITE_SUFFIXES else "jsonl:") + v


def missing_audit(ctx: click.Context | None) -> NoReturn:
    """No --audit and no $STATUS_GUARD_AUDIT: say where the log comes from, and why it may be missing."""
    raise click.UsageError(
        f"no audit log given. Give --audit PATH, or set the environment variable {ENV_AUDIT} in this "
        f"terminal window:\n    export {ENV_AUDIT}=~/status-guard/log/audit.jsonl\n"
        "A new terminal window does not keep the settings made in another one: see docs/compliance.md, "
        "\"Every new terminal window\" (if you followed it: source ~/status-guard/settings.sh).", ctx)


def audit_option(required: bool = True) -> Callable[[Any], Any]:
    return click.option(
        "--audit", "audit_spec", envvar=ENV_AUDIT, required=False, metavar="SPEC|PATH",
        callback=lambda ctx, p, v: check_audit_spec(v) if v or not required else missing_audit(ctx),
        help=f"the audit log: a file path (JSON Lines), jsonl:PATH, sqlite:PATH or postgresql://... "
             f"(default: ${ENV_AUDIT})")


def check_audit_spec(value: str | None) -> Any:
    spec = normalize_spec(value) if value else value
    path = spec_path(spec) if isinstance(spec, str) else None
    if path is not None and path.is_dir():
        raise click.BadParameter(f"{path} is a folder, not an audit log file; give the log file in it "
                                 f"(for example {path / 'audit.jsonl'})", param_hint="'--audit'")
    return spec


def spec_path(spec: str) -> Path | None:
    scheme, _, rest = spec.partition(":")
    if scheme.lower() in ("jsonl", "sqlite") and rest:
        return Path(os.path.expanduser(rest))
    return None


hmac_key_option = click.option(
    "--hmac-key-file", envvar=ENV_HMAC_KEY_FILE, type=click.Path(dir_okay=False), default=None,
    help=f"HMAC chain key of the log, if it is HMAC-chained (default: ${ENV_HMAC_KEY_FILE})")
public_key_option = click.option(
    "--public-key", envvar=ENV_PUBLIC_KEY_FILE, type=click.Path(dir_okay=False), default=None,
    help=f"Ed25519 public key (PEM) that checks the log's signed checkpoints (default: ${ENV_PUBLIC_KEY_FILE})")
person_key_option = click.option(
    "--person-key-file", envvar=[ENV_PERSON_KEY_FILE, ENV_CORRELATION_KEY_FILE], type=click.Path(dir_okay=False),
    default=None,
    help=f"key for person references and sealed local ids (default: ${ENV_PERSON_KEY_FILE}, "
         f"else ${ENV_CORRELATION_KEY_FILE}, its former name)")
policy_option = click.option(
    "--policy", "policy_path", type=click.Path(dir_okay=False, exists=True), default=None,
    help="policy pack YAML (default: the bundled Cambridge 2.129 pack)")


def format_option(choices: Sequence[str] = LISTING_FORMATS, default: str | None = "table",
                  help: str | None = None) -> Callable[[Any], Any]:
    return click.option("--format", "fmt", type=Choice(list(choices)), default=default,
                        show_default=default is not None,
                        help=help or "table: for people; json: one JSON document; jsonl: one JSON object per line; "
                                     "csv: for spreadsheets")


def out_option(help: str = "write to this file instead of standard output") -> Callable[[Any], Any]:
    return click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, help=help)


# the file extensions of each format: ``--out``'s extension must be one of the format's (one rule, every command)
FORMAT_EXTENSIONS = {"table": ("txt",), "json": ("json",), "jsonl": ("jsonl", "ndjson"), "csv": ("csv",),
                     "html": ("html", "htm"), "md": ("md", "markdown"), "pdf": ("pdf",), "sarif": ("sarif",)}


def _extensions_of(choices: Sequence[str]) -> str:
    return ", ".join(f"{c} (.{FORMAT_EXTENSIONS.get(c, (c,))[0]})" for c in choices)


def format_for_out(fmt: str | None, out: str | None, choices: Sequence[str], default: str) -> str:
    """The format to write. One rule for every command: the extension of ``--out`` must be one of the
    extensions of the format written (``FORMAT_EXTENSIONS``: table .txt, json .json, jsonl .jsonl,
    csv .csv, html .html, md .md, pdf .pdf, sarif .sarif). With ``--format``, the extension must match it;
    without, the extension chooses the format; an extension of no format this command writes is refused
    (whatever the command). A file name without an extension takes ``--format`` (else ``default``)."""
    ext = Path(out).suffix.lower().lstrip(".") if out else ""
    ext_fmt = EXTENSIONS.get(ext, ext)
    name = Path(out).name if out else ""
    if out and ext and ext_fmt not in choices:
        want = fmt or default
        fail(f"--out {name}: .{ext} is not a format this command writes. Name the file for the format you want, "
             f"and give --format to match or leave it out: {_extensions_of(choices)}"
             + (f" — e.g. --format {want} --out {Path(out).with_suffix('.' + FORMAT_EXTENSIONS.get(want, (want,))[0]).name}"
                if want in choices else ""))
    if fmt is not None:
        if out and ext and ext_fmt != fmt:
            fail(f"--out {name} does not match --format {fmt}: name the file "
                 f"{Path(out).with_suffix('.' + FORMAT_EXTENSIONS.get(fmt, (fmt,))[0]).name}, "
                 f"or give --format {ext_fmt} (or leave --format out: the extension chooses)")
        return fmt
    if out and ext:
        return ext_fmt
    return default


def check_out_not_log(out: str, audit_spec: str) -> None:
    """Refuse an --out that is the audit log (or its SQLite journal): writing there would destroy it."""
    log = spec_path(audit_spec)
    if log is None:
        return
    log = log.resolve()
    target = Path(out).resolve()
    if target in {log, Path(str(log) + "-wal"), Path(str(log) + "-shm"), Path(str(log) + "-journal")}:
        fail("--out names the audit log itself; refusing to overwrite it (choose another file)")


def write_out(out: str, data: bytes) -> None:
    """Write through a fresh temporary file in the same directory, then rename: never follows a
    planted ``OUT.tmp`` symlink, and a reader never sees half a file."""
    import tempfile

    target = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent or ".")
    except OSError as e:
        fail(f"cannot write --out {out} ({e.strerror or e.__class__.__name__})")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # a report is for sharing: the usual permissions, not mkstemp's 0600
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# -- output --------------------------------------------------------------------------------------------
def fail(msg: str, code: int = 2) -> NoReturn:
    click.echo(style("error:", fg="red", bold=True, err=True) + f" {msg}", err=True)
    sys.exit(code)


def color_on(err: bool = False) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    stream = sys.stderr if err else sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def style(text: str, *, err: bool = False, **kw: Any) -> str:
    """``text`` styled only when the stream it goes to is a terminal (and NO_COLOR is unset)."""
    return click.style(text, **kw) if color_on(err) else text


def _csv_cell(v: Any) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)  # a number is data, never a formula
    s = "" if v is None else (", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v))
    return "'" + s if s.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) else s


def render_rows(rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str],
                headers: Mapping[str, str] | None = None, *, empty: str = "(none)") -> str:
    """Rows as a table, one JSON array, JSON Lines or CSV (the same keys in every format)."""
    if fmt == "json":
        return json.dumps(list(rows), indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt == "jsonl":
        return "".join(_one_line(json.dumps(r, ensure_ascii=False, default=str)) + "\n" for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: a cell holding CR or LF is quoted
        w.writerow(columns)
        for r in rows:
            w.writerow([_csv_cell(r.get(c)) for c in columns])
        return buf.getvalue()
    if not rows:
        return empty + "\n"
    heads = [(headers or {}).get(c, c) for c in columns]
    cells = [[_table_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(heads)).rstrip()]
    lines += ["  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """JSON text that every line splitter reads as one line (NEL and the Unicode separators escaped)."""
    return text.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _table_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    s = " ".join(str(v).split())
    return s if len(s) <= 60 else s[:59] + "…"


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar on standard error when it is a terminal; otherwise nothing is drawn.
    Yields ``advance(n)``."""
    if not color_on(err=True) and not os.environ.get("STATUS_GUARD_FORCE_PROGRESS"):
        yield lambda n=1: None
        return
    try:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn)
    except ImportError:  # the bare install has no Rich: no progress bar, never an error
        yield lambda n=1: None
        return

    console = Console(stderr=True)
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as p:
        task = p.add_task(description, total=total)
        yield lambda n=1: p.advance(task, n)


def load_key(path: str | None, what: str, flag: str) -> bytes | None:
    """A hex key file (None when not given); errors name the flag."""
    if not path:
        return None
    from status_guard.audit.keys import load_secret_file

    try:
        return load_secret_file(path, what)
    except (OSError, ValueError) as e:
        fail(f"{flag} {path}: {e}")
    except Exception as e:  # AuditConfigError and friends
        fail(f"{flag} {path}: {e}")


def load_public(path: str | None) -> Any:
    if not path:
        return None
    from status_guard.audit.keys import load_public_key

    try:
        return load_public_key(path)
    except Exception as e:  # noqa: BLE001 - any unreadable key is a usage error naming the flag
        fail(f"--public-key {path}: {e}")
