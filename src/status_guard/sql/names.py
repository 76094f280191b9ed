"""How each database turns the identifiers of a statement into the names it stores.

The inspector must resolve a name to the same table and column the database resolves it to, or a
statement could read one column while the inspector decides on another. Each dialect has one
:class:`Naming`:

* **PostgreSQL** — an unquoted identifier is folded to lower case (ASCII ``A-Z`` only: with a UTF-8
  server encoding, PostgreSQL's ``downcase_identifier`` leaves other letters alone); a quoted one
  keeps its case. Either is then truncated to ``NAMEDATALEN - 1`` = 63 bytes on a character
  boundary (``truncate_identifier``), so a 70-byte name whose first 63 bytes spell a real column
  *is* that column. Stored names compare exactly.
* **SQLite** — names compare case-insensitively, quoted or not, folding ASCII letters only
  (``sqlite3StrICmp``); no length limit.
* **MySQL / MariaDB**, **T-SQL** — names compare case-insensitively (the common server defaults:
  case-insensitive column names and collations); a deployment with case-sensitive table names
  (MySQL ``lower_case_table_names=0``) is treated the same way, which can only make two distinct
  tables look alike to the inspector, never split one table in two.
* **Oracle** — unquoted identifiers fold to upper case; the inspector compares Oracle names
  case-insensitively (an approximation: two tables differing only in quoted case look alike).

``Naming.ident(text, quoted)`` gives the lookup key of a statement identifier, ``Naming.stored(name)``
the lookup key of a name as the database stores it (from reflection or configuration); a name
resolves when the two keys are equal.
"""

from __future__ import annotations

from dataclasses import dataclass

PG_NAMEDATALEN = 64
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def ascii_lower(name: str) -> str:
    return name.translate(_ASCII_LOWER)


def truncate_bytes(name: str, limit: int) -> str:
    """The longest prefix of ``name`` whose UTF-8 encoding fits in ``limit`` bytes (whole characters)."""
    raw = name.encode("utf-8", "surrogatepass")
    if len(raw) <= limit:
        return name
    cut = raw[:limit]
    while cut:
        try:
            return cut.decode("utf-8")
        except UnicodeDecodeError:
            cut = cut[:-1]
    return ""


@dataclass(frozen=True)
class Naming:
    dialect: str
    fold_unquoted: str  # "lower" | "upper" | "none"
    case_insensitive: bool  # stored names compare case-insensitively (quoted identifiers too)
    max_bytes: int | None  # identifier truncation (PostgreSQL)

    def ident(self, text: str, quoted: bool = False) -> str:
        """The lookup key of an identifier as written in a statement."""
        name = text
        if self.case_insensitive:
            name = ascii_lower(name) if self.dialect == "sqlite" else name.lower()
        elif not quoted:
            if self.fold_unquoted == "lower":
                name = ascii_lower(name)
            elif self.fold_unquoted == "upper":
                name = name.translate(_ASCII_UPPER)
        if self.max_bytes is not None:
            name = truncate_bytes(name, self.max_bytes)
        return name

    def stored(self, name: str) -> str:
        """The lookup key of a name as the database stores it."""
        if self.case_insensitive:
            return ascii_lower(name) if self.dialect == "sqlite" else name.lower()
        return name


NAMINGS: dict[str, Naming] = {
    "postgres": Naming("postgres", "lower", False, PG_NAMEDATALEN - 1),
    "sqlite": Naming("sqlite", "none", True, None),
    "mysql": Naming("mysql", "none", True, None),
    "tsql": Naming("tsql", "none", True, None),
    "oracle": Naming("oracle", "upper", True, None),  # approximated: names compared case-insensitively
}


def naming(dialect: str) -> Naming:
    return NAMINGS[dialect]


# The namespace an unqualified name lives in when the schema does not say (configuration written
# as ``{"students": {...}}``), and the names a statement may use to qualify it.
DEFAULT_NAMESPACE = {"postgres": "public", "sqlite": "main", "tsql": "dbo", "mysql": None, "oracle": None}


__all__ = ["DEFAULT_NAMESPACE", "NAMINGS", "Naming", "PG_NAMEDATALEN", "ascii_lower", "naming", "truncate_bytes"]
