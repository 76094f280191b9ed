"""System catalogs: which relations describe the database, and which hold its data.

ORMs and migration tools read catalogs all the time (Django's ``migrate`` introspects
``pg_catalog`` and ``sqlite_master``); that is metadata and must not be refused. But some catalog
relations hold *values*: ``pg_stats.most_common_vals`` holds column values, ``pg_stat_activity`` and
``pg_stat_statements`` hold other sessions' SQL text (with its literals), ``sqlite_stat4`` holds
sampled keys, ``pg_authid`` and ``pg_user_mappings`` hold secrets. Those are **data**: reading one is
reading every category the database holds.

The rule is an allow-list: a catalog relation is metadata only when it is listed in
:data:`PG_METADATA` / :data:`SQLITE_METADATA` (or lives in ``information_schema``); every other
catalog relation is data. Column lists (so the inspector can resolve ``SELECT relname FROM
pg_class c JOIN pg_namespace n ...`` like the server does) come from ``catalog_columns.json``,
generated from a PostgreSQL server with :func:`regenerate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

CATALOG_NAMESPACES = {
    "postgres": frozenset({"pg_catalog", "information_schema"}),
    "sqlite": frozenset(),
    "mysql": frozenset({"information_schema", "performance_schema", "mysql", "sys"}),
    "tsql": frozenset({"sys", "information_schema"}),
    "oracle": frozenset({"sys"}),
}

# pg_catalog relations that describe the database and hold none of its values.
PG_METADATA = frozenset(
    {
        "pg_aggregate", "pg_am", "pg_amop", "pg_amproc", "pg_attrdef", "pg_attribute", "pg_auth_members", "pg_cast",
        "pg_class", "pg_collation", "pg_constraint", "pg_conversion", "pg_database", "pg_default_acl", "pg_depend",
        "pg_description", "pg_enum", "pg_event_trigger", "pg_extension", "pg_foreign_data_wrapper",
        "pg_foreign_table", "pg_index", "pg_indexes", "pg_inherits", "pg_init_privs", "pg_language", "pg_locks",
        "pg_namespace", "pg_opclass", "pg_operator", "pg_opfamily", "pg_partitioned_table", "pg_proc", "pg_range",
        "pg_rewrite", "pg_roles", "pg_rules", "pg_sequence", "pg_sequences", "pg_settings", "pg_shdepend",
        "pg_shdescription", "pg_tables", "pg_tablespace", "pg_timezone_abbrevs", "pg_timezone_names",
        "pg_transform", "pg_trigger", "pg_ts_config", "pg_ts_config_map", "pg_ts_dict", "pg_ts_parser",
        "pg_ts_template", "pg_type", "pg_views", "pg_matviews", "pg_available_extensions",
        "pg_available_extension_versions", "pg_publication", "pg_publication_namespace", "pg_publication_rel",
        "pg_publication_tables", "pg_stat_all_tables", "pg_stat_user_tables", "pg_stat_sys_tables",
        "pg_stat_all_indexes", "pg_stat_user_indexes", "pg_stat_sys_indexes", "pg_statio_all_tables",
        "pg_statio_user_tables", "pg_statio_sys_tables", "pg_statio_all_indexes", "pg_statio_user_indexes",
        "pg_statio_sys_indexes", "pg_statio_all_sequences", "pg_statio_user_sequences", "pg_statio_sys_sequences",
        "pg_stat_xact_all_tables", "pg_stat_xact_user_tables", "pg_stat_xact_sys_tables", "pg_stat_database",
        "pg_stat_database_conflicts", "pg_stat_bgwriter", "pg_stat_wal", "pg_stat_archiver", "pg_stat_slru",
        "pg_stat_progress_vacuum", "pg_stat_progress_analyze", "pg_stat_progress_cluster",
        "pg_stat_progress_create_index", "pg_stat_progress_copy", "pg_stat_progress_basebackup",
        "pg_stat_user_functions", "pg_stat_xact_user_functions", "pg_statistic_ext", "pg_largeobject_metadata",
    }
)
SQLITE_METADATA = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema",
                             "sqlite_sequence", "sqlite_stat1"})
# Relations outside the catalog namespaces that hold other sessions' SQL text (extensions).
VALUE_HOLDING_ANYWHERE = frozenset({"pg_stat_statements", "pg_stat_statements_info", "pg_stat_monitor",
                                    "pg_store_plans", "pg_qualstats"})


@dataclass(frozen=True)
class CatalogRelation:
    dialect: str
    namespace: str
    name: str
    columns: tuple[str, ...]
    holds_values: bool

    @property
    def key(self) -> str:
        return f"{self.namespace}.{self.name}"


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("status_guard.sql").joinpath("catalog_columns.json").read_text(encoding="utf-8")
    return json.loads(text)


def holds_values(dialect: str, namespace: str, name: str) -> bool:
    if name in VALUE_HOLDING_ANYWHERE:
        return True
    if dialect == "postgres":
        return namespace != "information_schema" and name not in PG_METADATA
    if dialect == "sqlite":
        return name not in SQLITE_METADATA
    return namespace in ("performance_schema", "mysql", "sys")


@lru_cache(maxsize=4096)
def catalog_relation(dialect: str, namespace: str | None, name: str) -> CatalogRelation | None:
    """The catalog relation a (possibly unqualified) name denotes, or None. PostgreSQL searches
    ``pg_catalog`` before the search path for unqualified names; SQLite's ``sqlite_*`` tables live in
    every schema."""
    data = _data().get(dialect, {})
    if dialect == "postgres":
        spaces = [namespace] if namespace else ["pg_catalog"]
    elif dialect == "sqlite":
        spaces = ["main"] if namespace in (None, "main", "temp") else []
    else:
        spaces = [namespace] if namespace in CATALOG_NAMESPACES.get(dialect, ()) else []
    for ns in spaces:
        cols = data.get(ns, {}).get(name)
        if cols is not None:
            return CatalogRelation(dialect, ns, name, tuple(cols), holds_values(dialect, ns, name))
    if namespace and namespace in CATALOG_NAMESPACES.get(dialect, ()):
        # a catalog namespace the column data does not describe (another server version, MySQL,
        # T-SQL): columns unknown, so only whole-relation analysis is possible
        return CatalogRelation(dialect, namespace, name, (), holds_values(dialect, namespace, name))
    return None


def regenerate(dsn: str) -> dict[str, Any]:  # pragma: no cover - maintenance helper
    """Read the column lists of pg_catalog / information_schema relations from a live server."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT n.nspname, cl.relname, array_agg(a.attname::text ORDER BY a.attnum) FROM pg_class cl "
            "JOIN pg_namespace n ON n.oid = cl.relnamespace JOIN pg_attribute a ON a.attrelid = cl.oid "
            "AND a.attnum > 0 AND NOT a.attisdropped WHERE n.nspname IN ('pg_catalog', 'information_schema') "
            "AND cl.relkind IN ('r', 'v', 'm', 'f', 'p') GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    out: dict[str, Any] = {}
    for ns, rel, cols in rows:
        out.setdefault(ns, {})[rel] = cols
    return out


__all__ = ["CATALOG_NAMESPACES", "CatalogRelation", "PG_METADATA", "SQLITE_METADATA", "VALUE_HOLDING_ANYWHERE",
           "catalog_relation", "holds_values"]


# Bookkeeping tables that migration tools and ORMs keep about the *code* (applied migrations, model
# registry, permission names, schema version), with the exact columns those tools create: nothing
# about a person. A restricted requester's statement reading them (Django's ``migrate`` run outside
# a request, as `unknown`, reads ``django_content_type`` and ``auth_permission``) is not a read of
# personal data. A table of that name with any other column is data like any other.
FRAMEWORK_METADATA: dict[str, frozenset[str]] = {
    "django_migrations": frozenset({"id", "app", "name", "applied"}),
    "django_content_type": frozenset({"id", "app_label", "model", "name"}),
    "auth_permission": frozenset({"id", "name", "content_type_id", "codename"}),
    "alembic_version": frozenset({"version_num"}),
    "schema_migrations": frozenset({"version", "dirty", "inserted_at"}),
    "flyway_schema_history": frozenset({"installed_rank", "version", "description", "type", "script", "checksum",
                                        "installed_by", "installed_on", "execution_time", "success"}),
    "knex_migrations": frozenset({"id", "name", "batch", "migration_time"}),
}


def framework_metadata(key: str, columns: Any) -> bool:
    """``key``: a relation key (``ns.name`` or ``name``); ``columns``: its schema columns."""
    known = FRAMEWORK_METADATA.get(key.rsplit(".", 1)[-1])
    return known is not None and bool(columns) and all(c.name in known for c in columns)
