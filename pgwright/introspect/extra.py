"""Catalog reads that only `pgwright inspect` needs: which schemas to manage, which sequences
are owned by a column, and which objects the spec format cannot express.

Like ``queries.py``, each read is one query whatever the number of tables, and runs with an
empty search_path inside the caller's snapshot (``catalog.catalog_snapshot``), so every name
comes out schema-qualified. Objects that belong to an extension are the extension's business
and are never reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pgwright.errors import IntrospectionError


def _is_extension_member(catalog: str, oid: str) -> str:
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '{catalog}'::regclass"
            f" AND d.objid = {oid} AND d.deptype = 'e')")


# Every user schema: not a system schema, not pgwright's own (migration history), not one an
# extension created. For each: its table count and whether anything at all lives in it.
CANDIDATE_SCHEMAS = f"""
SELECT n.nspname,
       (SELECT count(*) FROM pg_catalog.pg_class c
        WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p')) AS tables,
       EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t WHERE t.typnamespace = n.oid)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.pronamespace = n.oid)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extnamespace = n.oid)
       AS occupied
FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname NOT IN ('information_schema', 'pgwright')
  AND NOT {_is_extension_member('pg_catalog.pg_namespace', 'n.oid')}
ORDER BY 1
"""

# Sequences in the managed schemas, with the column that owns them, if any: deptype 'a' is
# OWNED BY (what serial creates), 'i' an identity column's sequence. The options are
# compared with what serial and identity create, which is all the spec can say.
SEQUENCES = f"""
SELECT sn.nspname, s.relname, d.deptype, tn.nspname, t.relname, a.attname,
       pg_catalog.format_type(seq.seqtypid, NULL),
       seq.seqstart, seq.seqincrement, seq.seqmin, seq.seqmax, seq.seqcache, seq.seqcycle
FROM pg_catalog.pg_class s
JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_catalog.pg_sequence seq ON seq.seqrelid = s.oid
LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass
     AND d.objid = s.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass
     AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S' AND sn.nspname = ANY(%(schemas)s)
  AND NOT {_is_extension_member('pg_catalog.pg_class', 's.oid')}
ORDER BY 1, 2
"""

def _granted(acl: str, kind: str, owner: str, oid: str, catalog: str) -> str:
    """A privilege list that differs from what the owner gets by default, and from what the
    object had when the database was created (the public schema's)."""
    return (f"({acl} IS NOT NULL AND {acl} <> pg_catalog.acldefault({kind}, {owner})"
            f" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_init_privs ip WHERE ip.objoid = {oid}"
            f" AND ip.classoid = '{catalog}'::regclass AND ip.objsubid = 0"
            f" AND ip.initprivs = {acl}))")


_RELATION_ACL_KIND = "(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::\"char\""
_RELATION = "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)"
_IN_MANAGED = "n.nspname = ANY(%(schemas)s)"
_FUNCTION = ("pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) "
             "|| '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')'")


# A sequence that belongs to a column (OWNED BY, or an identity column's): the column's.
_OWNED_SEQUENCE = """EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
        WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid
          AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0
          AND dep.deptype IN ('a', 'i'))"""


def _unsupported_query(server_version: int) -> str:
    """What the spec cannot express, as (kind, name, detail) rows, one query for all kinds."""
    relation_kinds = f"""
SELECT 'sequence', {_RELATION}, NULL
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND {_IN_MANAGED} AND NOT {_OWNED_SEQUENCE}
  AND NOT {_is_extension_member('pg_catalog.pg_class', 'c.oid')}
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table'
                      WHEN 'c' THEN 'composite type' END,
       {_RELATION}, NULL
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm', 'f', 'p', 'c') AND NOT c.relispartition AND {_IN_MANAGED}
  AND NOT {_is_extension_member('pg_catalog.pg_class', 'c.oid')}
UNION ALL
SELECT 'partition', {_RELATION}, NULL
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relispartition AND c.relkind IN ('r', 'p', 'f') AND {_IN_MANAGED}
UNION ALL
SELECT 'table inheritance', {_RELATION},
       'INHERITS ' || pg_catalog.string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno)
FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT c.relispartition AND c.relkind = 'r' AND {_IN_MANAGED}
GROUP BY n.nspname, c.relname
UNION ALL
SELECT 'table option', {_RELATION},
       pg_catalog.concat_ws(', ', CASE WHEN c.relpersistence = 'u' THEN 'UNLOGGED' END,
                            'WITH (' || pg_catalog.array_to_string(c.reloptions, ', ') || ')',
                            CASE WHEN c.reltablespace <> 0 THEN 'TABLESPACE '
                                 || (SELECT spcname FROM pg_catalog.pg_tablespace
                                     WHERE oid = c.reltablespace) END)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND NOT c.relispartition AND {_IN_MANAGED}
  AND (c.relpersistence = 'u' OR c.reloptions IS NOT NULL OR c.reltablespace <> 0)
"""
    types = f"""
SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type'
                      WHEN 'b' THEN 'base type' END,
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.typname), NULL
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype IN ('d', 'r', 'b') AND {_IN_MANAGED}
  AND NOT (t.typtype = 'b' AND t.typcategory = 'A')
  AND NOT {_is_extension_member('pg_catalog.pg_type', 't.oid')}
"""
    constraints = f"""
SELECT CASE WHEN con.contype = 'x' THEN 'exclusion constraint'
            WHEN con.contype = 't' THEN 'constraint trigger'
            ELSE 'constraint option' END,
       {_RELATION} || '.' || pg_catalog.quote_ident(con.conname),
       CASE WHEN con.contype IN ('x', 't') THEN pg_catalog.pg_get_constraintdef(con.oid)
            ELSE pg_catalog.concat_ws(', ',
                CASE WHEN con.contype IN ('p', 'u') AND con.condeferrable THEN 'DEFERRABLE' END,
                CASE WHEN NOT con.convalidated THEN 'NOT VALID' END,
                CASE WHEN con.contype = 'c' AND con.connoinherit THEN 'NO INHERIT' END,
                CASE WHEN con.contype = 'f' AND con.confmatchtype = 'f' THEN 'MATCH FULL' END,
                {"CASE WHEN con.confdelsetcols IS NOT NULL THEN 'ON DELETE SET (columns)' END,"
                 if server_version >= 150000 else ""}
                CASE WHEN con.contype IN ('p', 'u') AND EXISTS (
                    SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = con.conindid
                    AND (i.indnkeyatts < i.indnatts
                         {"OR i.indnullsnotdistinct" if server_version >= 150000 else ""}))
                     THEN 'INCLUDE or NULLS NOT DISTINCT' END)
       END
FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND NOT c.relispartition AND {_IN_MANAGED}
  AND (con.contype IN ('x', 't')
       OR (con.contype IN ('p', 'u') AND con.condeferrable)
       OR NOT con.convalidated OR (con.contype = 'c' AND con.connoinherit)
       OR (con.contype = 'f' AND con.confmatchtype = 'f')
       {"OR con.confdelsetcols IS NOT NULL" if server_version >= 150000 else ""}
       OR (con.contype IN ('p', 'u') AND EXISTS (
           SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = con.conindid
           AND (i.indnkeyatts < i.indnatts
                {"OR i.indnullsnotdistinct" if server_version >= 150000 else ""}))))
"""
    indexes = f"""
SELECT 'index option',
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname),
       pg_catalog.concat_ws(', ',
           'WITH (' || pg_catalog.array_to_string(ic.reloptions, ', ') || ')',
           {"CASE WHEN i.indnullsnotdistinct THEN 'NULLS NOT DISTINCT' END,"
            if server_version >= 150000 else ""}
           CASE WHEN ic.reltablespace <> 0 THEN 'TABLESPACE' END)
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND NOT c.relispartition AND {_IN_MANAGED}
  AND (ic.reloptions IS NOT NULL OR ic.reltablespace <> 0
       {"OR i.indnullsnotdistinct" if server_version >= 150000 else ""})
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid)
"""
    columns = f"""
SELECT CASE WHEN a.attgenerated = 'v' THEN 'virtual generated column'
            ELSE 'column collation' END,
       {_RELATION} || '.' || pg_catalog.quote_ident(a.attname),
       CASE WHEN a.attgenerated = 'v'
            THEN (SELECT pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) FROM pg_catalog.pg_attrdef ad
                  WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum)
            ELSE 'COLLATE ' || a.attcollation::regcollation::text END
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind = 'r' AND NOT c.relispartition
  AND {_IN_MANAGED}
  -- cheapest test first: a column of a type without collation has none (0); the type's
  -- collation and the definition are only looked up for the few columns left
  AND (a.attgenerated = 'v' OR (a.attcollation <> 0 AND a.attcollation NOT IN (
      SELECT co.oid FROM pg_catalog.pg_collation co
      WHERE co.collnamespace = 'pg_catalog'::pg_catalog.regnamespace)
      AND a.attcollation <> (SELECT ty.typcollation FROM pg_catalog.pg_type ty
                             WHERE ty.oid = a.atttypid)))
"""
    triggers = f"""
SELECT 'trigger option', {_RELATION} || '.' || pg_catalog.quote_ident(t.tgname),
       pg_catalog.concat_ws(', ',
           CASE WHEN t.tgnargs > 0 THEN 'function arguments' END,
           CASE WHEN t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL
                THEN 'REFERENCING transition tables' END,
           CASE WHEN t.tgenabled <> 'O' THEN 'not enabled (' || t.tgenabled::text || ')' END)
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgconstraint = 0 AND c.relkind = 'r' AND NOT c.relispartition
  AND {_IN_MANAGED}
  AND (t.tgnargs > 0 OR t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL
       OR t.tgenabled <> 'O')
UNION ALL
SELECT 'rule', {_RELATION} || '.' || pg_catalog.quote_ident(r.rulename), NULL
FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND {_IN_MANAGED}
"""
    functions = f"""
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                      WHEN 'w' THEN 'window function' END, {_FUNCTION}, NULL
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('p', 'a', 'w') AND {_IN_MANAGED}
  AND NOT {_is_extension_member('pg_catalog.pg_proc', 'p.oid')}
UNION ALL
SELECT 'function option', {_FUNCTION},
       pg_catalog.concat_ws(', ',
           CASE WHEN p.proisstrict THEN 'STRICT' END,
           CASE WHEN p.proleakproof THEN 'LEAKPROOF' END,
           CASE p.proparallel WHEN 's' THEN 'PARALLEL SAFE' WHEN 'r' THEN 'PARALLEL RESTRICTED' END,
           CASE WHEN p.procost <> 100 THEN 'COST ' || p.procost END,
           CASE WHEN p.proretset AND p.prorows <> 1000 THEN 'ROWS ' || p.prorows END,
           CASE WHEN p.pronargdefaults > 0 THEN 'argument defaults' END,
           CASE WHEN p.proallargtypes IS NOT NULL
                THEN 'OUT, INOUT, VARIADIC or TABLE arguments' END,
           CASE WHEN EXISTS (SELECT 1 FROM unnest(p.proconfig) AS setting
                             WHERE setting NOT LIKE 'search\\_path=%%')
                THEN 'SET ' || (SELECT pg_catalog.string_agg(setting, ', ')
                                FROM unnest(p.proconfig) AS setting
                                WHERE setting NOT LIKE 'search\\_path=%%') END)
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prokind = 'f' AND l.lanname IN ('sql', 'plpgsql') AND {_IN_MANAGED}
  AND NOT {_is_extension_member('pg_catalog.pg_proc', 'p.oid')}
  AND (p.proisstrict OR p.proleakproof OR p.proparallel <> 'u' OR p.procost <> 100
       OR (p.proretset AND p.prorows <> 1000) OR p.pronargdefaults > 0
       OR p.proallargtypes IS NOT NULL
       OR EXISTS (SELECT 1 FROM unnest(p.proconfig) AS setting
                  WHERE setting NOT LIKE 'search\\_path=%%'))
"""
    grants = f"""
SELECT 'grant', 'schema ' || pg_catalog.quote_ident(n.nspname), NULL
FROM pg_catalog.pg_namespace n
WHERE {_IN_MANAGED} AND {_granted('n.nspacl', "'n'", 'n.nspowner', 'n.oid', 'pg_catalog.pg_namespace')}
UNION ALL
SELECT 'grant', CASE c.relkind WHEN 'S' THEN 'sequence ' ELSE 'table ' END || {_RELATION}, NULL
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
-- a table's own grants are the spec's (grants:); those of a partition are not
WHERE (c.relkind IN ('v', 'm', 'f', 'S') OR c.relispartition) AND {_IN_MANAGED}
  AND {_granted('c.relacl', _RELATION_ACL_KIND, 'c.relowner', 'c.oid', 'pg_catalog.pg_class')}
UNION ALL
SELECT 'grant', 'column ' || {_RELATION} || '.' || pg_catalog.quote_ident(a.attname), NULL
-- the few columns with a privilege list first (a scan of pg_attribute), then their tables:
-- half the time of looking through every column of every managed table
FROM (SELECT a.attrelid, a.attname FROM pg_catalog.pg_attribute a
      WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE {_IN_MANAGED}
UNION ALL
SELECT 'grant', 'function ' || {_FUNCTION}, NULL
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE {_IN_MANAGED} AND NOT {_is_extension_member('pg_catalog.pg_proc', 'p.oid')}
  AND {_granted('p.proacl', "'f'", 'p.proowner', 'p.oid', 'pg_catalog.pg_proc')}
UNION ALL
SELECT 'grant', 'type ' || pg_catalog.quote_ident(n.nspname) || '.'
       || pg_catalog.quote_ident(t.typname), NULL
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE {_IN_MANAGED} AND NOT {_is_extension_member('pg_catalog.pg_type', 't.oid')}
  AND {_granted('t.typacl', "'T'", 't.typowner', 't.oid', 'pg_catalog.pg_type')}
UNION ALL
SELECT 'default privileges',
       pg_catalog.pg_get_userbyid(da.defaclrole) || coalesce(' in schema ' || n.nspname, ''),
       NULL
FROM pg_catalog.pg_default_acl da LEFT JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace
WHERE da.defaclnamespace = 0 OR {_IN_MANAGED}
"""
    # Joined with pg_description rather than calling obj_description() per row: at 1,000
    # tables that is 80 ms less.
    comments = f"""
SELECT 'comment', 'constraint ' || {_RELATION} || '.' || pg_catalog.quote_ident(con.conname), NULL
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_constraint con ON con.oid = d.objoid
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_catalog.pg_constraint'::regclass AND d.objsubid = 0 AND {_IN_MANAGED}
UNION ALL
SELECT 'comment', CASE c.relkind WHEN 'i' THEN 'index ' ELSE 'sequence ' END || {_RELATION}, NULL
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_class c ON c.oid = d.objoid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
  AND c.relkind IN ('i', 'S') AND {_IN_MANAGED}
  -- a free-standing sequence's comment is the sequence kind's (sequences:)
  AND (c.relkind = 'i' OR {_OWNED_SEQUENCE})
UNION ALL
SELECT 'comment', 'trigger ' || {_RELATION} || '.' || pg_catalog.quote_ident(t.tgname), NULL
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_trigger t ON t.oid = d.objoid
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_catalog.pg_trigger'::regclass AND d.objsubid = 0
  AND NOT t.tgisinternal AND {_IN_MANAGED}
UNION ALL
SELECT 'comment', 'policy ' || {_RELATION} || '.' || pg_catalog.quote_ident(pol.polname), NULL
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_policy pol ON pol.oid = d.objoid
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_catalog.pg_policy'::regclass AND d.objsubid = 0 AND {_IN_MANAGED}
"""
    others = f"""
SELECT 'statistics object',
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(s.stxname), NULL
FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
WHERE {_IN_MANAGED}
UNION ALL
SELECT 'collation', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(co.collname),
       NULL
FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
WHERE {_IN_MANAGED} AND NOT {_is_extension_member('pg_catalog.pg_collation', 'co.oid')}
UNION ALL
SELECT 'operator', pg_catalog.quote_ident(n.nspname) || '.' || o.oprname, NULL
FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
WHERE {_IN_MANAGED} AND NOT {_is_extension_member('pg_catalog.pg_operator', 'o.oid')}
UNION ALL
SELECT 'text search configuration',
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(cfg.cfgname), NULL
FROM pg_catalog.pg_ts_config cfg JOIN pg_catalog.pg_namespace n ON n.oid = cfg.cfgnamespace
WHERE {_IN_MANAGED} AND NOT {_is_extension_member('pg_catalog.pg_ts_config', 'cfg.oid')}
UNION ALL
SELECT 'extension', pg_catalog.quote_ident(e.extname), 'in unmanaged schema ' || n.nspname
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE n.nspname <> 'pg_catalog' AND NOT {_IN_MANAGED}
UNION ALL
SELECT 'event trigger', pg_catalog.quote_ident(evtname), NULL FROM pg_catalog.pg_event_trigger
WHERE NOT {_is_extension_member('pg_catalog.pg_event_trigger', 'oid')}
UNION ALL
SELECT 'publication', pg_catalog.quote_ident(pubname), NULL FROM pg_catalog.pg_publication
"""
    parts = [relation_kinds, types, constraints, indexes, columns, triggers, functions, grants,
             comments, others]
    return "\nUNION ALL\n".join(f"({part.strip()})" for part in parts) + "\nORDER BY 1, 2, 3"


# Each index's pretty-printed definition: its expressions without the parentheses of the
# plain one that queries.INDEXES reads (see inspect.with_pretty_index_keys).
INDEX_DEFINITIONS = """
SELECT n.nspname, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
"""


@dataclass(frozen=True)
class SequenceRow:
    """A sequence of a managed schema, the column that owns it (if any) and its options."""

    schema: str
    name: str
    owner_kind: str | None  # 'a': OWNED BY (serial), 'i': identity, None: free-standing
    table_schema: str | None
    table: str | None
    column: str | None
    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool

    def non_default_options(self) -> list[str]:
        """The options that serial or an identity column would not have created."""
        maximum = _TYPE_MAXIMUM.get(self.data_type)
        ascending = self.increment > 0
        options = []
        if self.increment != 1:
            options.append(f"INCREMENT {self.increment}")
        if ascending and self.minimum != 1:
            options.append(f"MINVALUE {self.minimum}")
        if ascending and maximum is not None and self.maximum != maximum:
            options.append(f"MAXVALUE {self.maximum}")
        if ascending and self.start != self.minimum:
            options.append(f"START {self.start}")
        if self.cache != 1:
            options.append(f"CACHE {self.cache}")
        if self.cycle:
            options.append("CYCLE")
        return options


_TYPE_MAXIMUM = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


@dataclass(frozen=True)
class InspectionExtras:
    """What `inspect` reads besides the model: sequences and inexpressible objects."""

    sequences: tuple[SequenceRow, ...]
    index_definitions: dict[tuple[str, str], str]  # (schema, index) -> CREATE INDEX ...
    unsupported: tuple[tuple[str, str, str | None], ...]  # (kind, name, detail)


@dataclass(frozen=True)
class CandidateSchema:
    name: str
    tables: int
    occupied: bool


def _rows(connection, sql: str, params: dict | None = None) -> list[tuple]:
    try:
        return connection.execute(sql, params).fetchall()
    except Exception as error:  # the driver's errors carry the server's message
        raise IntrospectionError(f"catalog query failed: {error}") from error


def read_candidate_schemas(connection) -> list[CandidateSchema]:
    """Every user schema of the database, with its table count."""
    return [CandidateSchema(*row) for row in _rows(connection, CANDIDATE_SCHEMAS)]


def read_extras(connection, schemas: Sequence[str]) -> InspectionExtras:
    """Sequences, index definitions and inexpressible objects of ``schemas``: three
    queries."""
    params = {"schemas": list(schemas)}
    sequences = tuple(SequenceRow(*row) for row in _rows(connection, SEQUENCES, params))
    definitions = {(schema, name): definition for schema, name, definition
                   in _rows(connection, INDEX_DEFINITIONS, params)}
    query = _unsupported_query(connection.info.server_version)
    unsupported = tuple((kind, name, detail or None)
                        for kind, name, detail in _rows(connection, query, params))
    return InspectionExtras(sequences=sequences, index_definitions=definitions,
                            unsupported=unsupported)


def read_unmanaged(connection, schemas: Sequence[str]) -> tuple[tuple[str, str, str | None], ...]:
    """What ``schemas`` hold that the spec cannot express, as (kind, quoted name, detail):
    one query, the one `inspect` reports from."""
    return unmanaged_objects(_rows(connection, *unmanaged_query(connection, schemas)))


def unmanaged_query(connection, schemas: Sequence[str]) -> tuple[str, dict]:
    """The query of :func:`read_unmanaged` and its parameters, to send in a pipeline."""
    return _unsupported_query(connection.info.server_version), {"schemas": list(schemas)}


def unmanaged_objects(rows) -> tuple[tuple[str, str, str | None], ...]:
    """:func:`read_unmanaged` from the rows of :func:`unmanaged_query`."""
    return tuple((kind, name, detail or None) for kind, name, detail in rows)
