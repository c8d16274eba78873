"""An independent picture of a database's schema, read straight from pg_catalog.

Tests compare databases with this instead of pgwright's own model and diff, so that a bug
in pgwright's introspection cannot hide itself.
"""

from __future__ import annotations

SNAPSHOT_QUERIES = {
    "schemas": """
        SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'pgwright')
        ORDER BY 1""",
    "extensions": "SELECT extname FROM pg_extension ORDER BY 1",
    "types": """
        SELECT n.nspname, t.typname, t.typtype,
               array(SELECT enumlabel FROM pg_enum WHERE enumtypid = t.oid ORDER BY enumsortorder),
               obj_description(t.oid, 'pg_type')
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND t.typtype IN ('e', 'd') ORDER BY 1, 2""",
    "tables": """
        SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY 1, 2""",
    # grantor left out: the same privileges granted by another role are the same access
    "grants": """
        SELECT DISTINCT n.nspname, c.relname, a.grantee::regrole::text, a.privilege_type,
               a.grantee = c.relowner
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
             aclexplode(c.relacl) a
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND c.relkind IN ('r', 'p') ORDER BY 1, 2, 3, 4""",
    "columns": """
        SELECT n.nspname, c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
               col_description(c.oid, a.attnum)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2, 4""",
    "constraints": """
        SELECT n.nspname, c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
               con.convalidated
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND con.contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY 1, 2, 3""",
    "indexes": """
        SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname NOT LIKE 'pg\\_%' AND schemaname NOT IN ('information_schema', 'pgwright')
        ORDER BY 1, 2, 3""",
    "policies": """
        SELECT schemaname, tablename, policyname, permissive, roles, cmd, qual, with_check
        FROM pg_policies ORDER BY 1, 2, 3""",
    "rls": """
        SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND c.relkind IN ('r', 'p') ORDER BY 1, 2""",
    "functions": """
        SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
               pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'pgwright')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        ORDER BY 1, 2, 3""",
    "triggers": """
        SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND n.nspname NOT LIKE 'pg\\_%'
          AND n.nspname NOT IN ('information_schema', 'pgwright')
        ORDER BY 1, 2, 3""",
}


def catalog_snapshot(connection) -> dict[str, list[tuple]]:
    """Every user-visible schema object, as the server itself prints it."""
    with connection.transaction():
        connection.execute("SET LOCAL search_path = ''")
        return {kind: connection.execute(sql).fetchall() for kind, sql in SNAPSHOT_QUERIES.items()}


def table_names(connection, schema: str = "public") -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY 1",
            (schema,),
        ).fetchall()
    ]
