"""The catalog queries: one per object kind, each over every managed schema at once.

Every query takes ``%(schemas)s`` (the managed schema names) and runs with an empty
search_path, so the server prints every name outside pg_catalog schema-qualified. Objects
that belong to an extension are left out: the extension owns them.
"""

NOT_EXTENSION_MEMBER = """
    NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                WHERE d.classid = {catalog}::regclass AND d.objid = {oid} AND d.deptype = 'e')
"""

SCHEMAS = """
SELECT n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace')
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY(%(schemas)s)
"""

EXTENSIONS = """
SELECT e.extname, n.nspname
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname
"""

ENUMS = """
SELECT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels,
       pg_catalog.obj_description(t.oid, 'pg_type')
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = ANY(%(schemas)s) AND
""" + NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_type'", oid="t.oid") + """
ORDER BY 1, 2
"""

# User types anywhere outside the system schemas: spec types are resolved against these,
# to the text format_type() prints for them (whether it quotes a keyword depends on the
# server's version: public.system_user on 15, public."system_user" from 16).
USER_TYPES = """
SELECT n.nspname, t.typname, pg_catalog.format_type(t.oid, NULL)
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
  AND n.nspname NOT LIKE 'pg_temp%%'
  AND t.typtype IN ('b', 'e', 'd', 'r', 'm')
  AND t.typelem = 0
ORDER BY n.nspname = ANY(%(schemas)s) DESC, 1, 2
"""

TABLES = """
SELECT c.oid, n.nspname, c.relname, d.description, c.relrowsecurity, c.relforcerowsecurity
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%(schemas)s) AND
""" + NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_class'", oid="c.oid") + """
ORDER BY 2, 3
"""

COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
       d.description, co.collname
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
-- A collation other than the type's own, when it is one of pg_catalog's (the spec names
-- those; one of another schema is reported by inspect as unsupported).
LEFT JOIN pg_catalog.pg_collation co
  ON co.oid = a.attcollation AND co.collnamespace = 'pg_catalog'::pg_catalog.regnamespace
  AND a.attcollation <> (SELECT ty.typcollation FROM pg_catalog.pg_type ty WHERE ty.oid = a.atttypid)
-- A join rather than col_description() per row: a third less time on a large schema.
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
ORDER BY a.attrelid, a.attnum
"""

# Key columns come as attribute numbers, named from COLUMNS' rows (a subquery per
# constraint costs more than the rest of the query); only a foreign key whose target is not
# among the tables read (another schema, a partition) has its target columns named here.
CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confrelid, con.confkey,
       fn.nspname, fc.relname,
       CASE WHEN con.contype = 'f' AND (fn.nspname <> ALL(%(schemas)s) OR fc.relispartition
                                        OR fc.relkind NOT IN ('r', 'p'))
            THEN ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, pos)
                       JOIN pg_catalog.pg_attribute a
                         ON a.attrelid = con.confrelid AND a.attnum = k.num
                       ORDER BY k.pos) END AS outside_target_columns,
       con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred, con.convalidated,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'c', 'f') AND n.nspname = ANY(%(schemas)s)
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND (con.contype <> 'f' OR con.conparentid = 0)
ORDER BY con.conrelid, con.conname
"""
# Keys and INCLUDE columns are read from the whole definition (catalog.index_parts):
# pg_get_indexdef(index, n, true) per key would leave out operator classes and ordering,
# and calling it per key costs more than the rest of the query.
INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid), i.indisvalid,
       pg_catalog.pg_get_indexdef(i.indexrelid)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

# Relations in schemas pgwright does not manage that the spec references (Supabase's
# auth.users): their column types, and which column lists are keys.
EXTERNAL_COLUMNS = """
SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
  AND (n.nspname || '.' || c.relname) = ANY(%(relations)s)
"""

FUNCTIONS = """
SELECT n.nspname, p.proname,
       ARRAY(SELECT coalesce(p.proargnames[i], '') FROM generate_series(1, p.pronargs) i
             ORDER BY i) AS argument_names,
       ARRAY(SELECT pg_catalog.format_type(p.proargtypes[i - 1], NULL)
             FROM generate_series(1, p.pronargs) i ORDER BY i) AS argument_types,
       CASE WHEN p.proretset THEN 'SETOF ' ELSE '' END
           || pg_catalog.format_type(p.prorettype, NULL),
       l.lanname, p.provolatile, p.prosecdef, p.proconfig, p.prosrc,
       pg_catalog.obj_description(p.oid, 'pg_proc')
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY(%(schemas)s) AND p.prokind = 'f' AND
""" + NOT_EXTENSION_MEMBER.format(catalog="'pg_catalog.pg_proc'", oid="p.oid") + """
  -- functions a type made for itself (range constructors) belong to the type
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                    AND d.deptype = 'i')
ORDER BY 1, 2, 4
"""

POLICIES = """
SELECT pol.polrelid, pol.polname, pol.polcmd, pol.polpermissive,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r.oid) END
             FROM unnest(pol.polroles) AS r(oid) ORDER BY 1) AS roles,
       pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
       pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
ORDER BY pol.polrelid, pol.polname
"""

TRIGGERS = """
SELECT t.tgrelid, t.tgname, t.tgtype, fn.nspname, f.proname,
       ARRAY(SELECT a.attname FROM unnest(t.tgattr) WITH ORDINALITY k(num, pos)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num
             ORDER BY k.pos) AS columns,
       pg_catalog.pg_get_triggerdef(t.oid)
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND n.nspname = ANY(%(schemas)s)
ORDER BY t.tgrelid, t.tgname
"""

# Who holds which privileges on each table, whoever granted them, leaving out the owner's
# own (the owner holds every privilege) and MAINTAIN (PostgreSQL 17+), which pgwright
# leaves alone. A table without a row here grants nothing to anyone but its owner.
GRANTS = """
SELECT c.oid,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee) END,
       ARRAY_AGG(DISTINCT a.privilege_type)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS a
WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
  AND a.grantee <> c.relowner AND a.privilege_type <> 'MAINTAIN'
GROUP BY 1, 2
ORDER BY 1, 2
"""

ROLES = """
SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%(roles)s)
"""

# The extensions the server can create, of those the spec names and the database lacks.
AVAILABLE_EXTENSIONS = """
SELECT name FROM pg_catalog.pg_available_extensions WHERE name = ANY(%(names)s)
"""
