"""Hypothesis strategies for pgwright specs: small, random, valid ``schema.yaml`` documents.

A spec is drawn as a draft (plain dataclasses: tables, columns, keys, checks, foreign keys,
indexes, comments) and rendered to the YAML a user would write, with the spellings a user
might choose (``int4``, ``character varying(12)``, ``decimal(10, 2)``, column shorthands...).

``spec_drafts()`` draws a spec from nothing; ``spec_drafts(previous=a)`` draws a spec that
shares schemas, enums, tables, columns, keys, checks and indexes with ``a`` and changes some
of them, so that planning from ``a`` to it alters objects instead of only creating them.

Every draft is valid by docs/spec.md, and the generator keeps PostgreSQL's own rules:

- a foreign key's columns have exactly the types of the key it references, and that key is
  the target's primary key or one of its unique constraints;
- ``set null`` only on nullable columns (never on primary key columns);
- names are unique where PostgreSQL needs them to be: relations (tables, key and index
  names) per schema, constraint names per table, type names (tables and enums) per schema;
- defaults, checks and index expressions fit the column type;
- a stored generated column is computed from a number or string column of its table
  (``"amount" * 2``, ``lower("name")``) and stays out of keys and foreign keys.

Identifiers come from pools that need quoting (``order``, ``Mixed Case``, ``with space``,
``quo"te``, ``ünï``, ``1st``, a 58-byte name...). Expressions in the spec quote the columns
they name (``lower("Mixed Case")``; names with a dollar sign go bare: ``a$b_c$d > 0``), with
:func:`sql_ident` below, never with pgwright's.

Inputs that trigger known pgwright bugs are left out by switches (``ALLOW_...`` below),
each tied to a minimal regression test in test_convergence_property.py.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

import yaml
from hypothesis import strategies as st

MAX_IDENTIFIER_BYTES = 63

# ---------------------------------------------------------------------------------------
# Known pgwright bugs, still open: none now. When the properties find one, a switch here
# (ALLOW_... = False) leaves its triggering input out of the drafts, so that they keep
# exploring everything else; its minimal example is an xfail(strict=True) test in
# test_convergence_property.py named in the switch's comment. When the fix lands (the test
# XPASSes), delete the switch and the code that honours it.

# ---------------------------------------------------------------------------------------
# Name pools. Shrinking picks the first entries, so the plain names come first.

TABLE_NAMES = [
    "orders", "order", "Mixed Case", "with space", 'quo"te', "ünïcødé", "user", "a$b_table",
    "1st",
    "a_rather_long_table_name_to_exercise_identifier_truncation",  # 58 bytes
    "überlänge_größenverhältnisse_ää",  # 31 characters, 39 bytes: multibyte truncation
]
COLUMN_NAMES = [
    "id", "name", "amount", "order", "Mixed Case", "with space", 'quo"te', "ünï", "user",
    "position", "type", "a$b", "on", "1st", "per%cent", "value", "created_at",
    "a_long_column_name_that_goes_on_and_on_and_on", "a$b_c$d",
]
FOREIGN_KEY_COLUMN_NAMES = ["parent_id", "ref", "Ref Col", 'ref "q"', "réf", "owner_id"]
# none of them a table name (tables are types too); system_user is reserved from PostgreSQL
# 16, json_table a keyword from 17: format_type quotes them or not by the server's version
ENUM_NAMES = ["status", "Mood", "select", "a$b", "system_user", "json_table"]
ENUM_LABELS = ["draft", "it's", "naïve", "with space", "UPPER", 'say "hi"', "yes", "1", "ok",
               "a,b"]
CHECK_NAMES = ["positive", "Check Mixed", 'chk "q"', "ünï_check", "order", "c1"]
# Explicit names of unique constraints and of indexes: one pool, so that a name can move
# from a constraint to an index (or between tables) from one spec to the next; "orders" can
# pass from a table to an index or a key.
KEY_AND_INDEX_NAMES = ["uq_one", "Unique Mixed", 'idx "q"', "ïdx", "c1", "orders"]
FOREIGN_KEY_NAMES = ["fk_target", "FK Mixed", 'fk "q"']
COMMENTS = [
    "plain", "it's", 'say "hi"', "ünïcødé ☃ 日本語", "line one\nline two", "back\\slash",
    "$pgwright$ dollars $$", "-- not a comment", "/* nor this */", "; DROP TABLE x; --",
    "trailing space ", "%s %(name)s", "  ", "",
]
SCHEMA_LISTS = [["public"], ["app"], ["public", "app"], ["public", "Other Schema"]]

REFERENTIAL_ACTIONS = ["no action", "cascade", "restrict", "set default", "set null"]
DEFERRABLE = [False, True, "initially_deferred", "initially_immediate"]


def sql_ident(name: str) -> str:
    """SQL identifier for expressions written into a spec: quoted, except a lower-case name
    with a dollar sign (a$b, a$b_c$d), which is written bare as PostgreSQL's lexer reads it
    whole, so that pgwright's SQL lexers meet it."""
    if "$" in name and re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"

# ---------------------------------------------------------------------------------------
# Types

NUMBERISH = ("integer", "bigint", "numeric")
STRINGISH = ("text", "varchar")


@dataclass(frozen=True)
class ColumnType:
    """A column type; two are equal when PostgreSQL sees the same type, whatever the spelling."""

    kind: str  # integer bigint numeric text varchar boolean uuid timestamptz jsonb text[] enum
    modifier: tuple = ()  # (12,) varchar(12); (10, 2) numeric(10,2); (3,) timestamptz(3); enum: (name,)
    spelling: str = field(default="", compare=False)

    @property
    def type_class(self) -> str:
        """What expressions over a column of this type may assume."""
        if self.kind in NUMBERISH:
            return "numberish"
        if self.kind in STRINGISH:
            return "string"
        if self.kind == "text[]":
            return "array"
        if self.kind == "enum":
            return "enum:" + self.modifier[0]
        return self.kind


def spellings(kind: str, modifier: tuple, default_schema: str) -> list[str]:
    """Ways a user may write one type in the spec."""
    if kind == "integer":
        return ["integer", "int", "int4", "INTEGER"]
    if kind == "bigint":
        return ["bigint", "int8", "BIGINT"]
    if kind == "numeric":
        if not modifier:
            return ["numeric", "decimal"]
        precision, scale = modifier
        found = [f"numeric({precision},{scale})", f"decimal({precision}, {scale})",
                 f"NUMERIC({precision}, {scale})"]
        if scale == 0:
            found.append(f"numeric({precision})")
        return found
    if kind == "text":
        return ["text", "TEXT"]
    if kind == "varchar":
        if not modifier:
            return ["varchar", "character varying"]
        return [f"varchar({modifier[0]})", f"character varying({modifier[0]})",
                f"VARCHAR({modifier[0]})"]
    if kind == "boolean":
        return ["boolean", "bool"]
    if kind == "uuid":
        return ["uuid", "UUID"]
    if kind == "timestamptz":
        if not modifier:
            return ["timestamptz", "timestamp with time zone"]
        return [f"timestamptz({modifier[0]})", f"timestamp({modifier[0]}) with time zone"]
    if kind == "jsonb":
        return ["jsonb"]
    if kind == "text[]":
        return ["text[]", "TEXT[]", "text[3]"]
    if kind == "enum":
        return [modifier[0], f"{default_schema}.{modifier[0]}"]
    raise ValueError(kind)


def draw_spelling(draw, kind: str, modifier: tuple, default_schema: str) -> ColumnType:
    spelling = draw(st.sampled_from(spellings(kind, modifier, default_schema)))
    return ColumnType(kind, modifier, spelling)


KINDS = ["integer", "text", "bigint", "varchar", "numeric", "boolean", "uuid", "timestamptz",
         "jsonb", "text[]", "enum"]


def draw_type(draw, enums: dict, default_schema: str) -> ColumnType:
    kinds = KINDS if enums else [k for k in KINDS if k != "enum"]
    kind = draw(st.sampled_from(kinds))
    if kind == "varchar":
        modifier = draw(st.sampled_from([(10,), (1,), (64,), ()]))
    elif kind == "numeric":
        modifier = draw(st.sampled_from([(10, 2), (5, 0), (12, 4), ()]))
    elif kind == "timestamptz":
        modifier = draw(st.sampled_from([(), (3,), (0,), (6,)]))
    elif kind == "enum":
        modifier = (draw(st.sampled_from(sorted(enums))),)
    else:
        modifier = ()
    return draw_spelling(draw, kind, modifier, default_schema)


def can_alter(old: ColumnType, new: ColumnType) -> bool:
    """Whether ``ALTER COLUMN ... TYPE new`` works without USING on an empty table.

    pgwright renders a type change as a plain ALTER COLUMN TYPE, which needs an implicit or
    assignment cast from the old type to the new one (the column's default is re-cast the
    same way). These transitions have one:

    - between integer, bigint and numeric(p,s), in every direction;
    - from any type to text and varchar(n): the automatic I/O conversion to string types;
    - between precisions of one type (varchar(n), numeric(p,s), timestamptz(p)).

    Excluded, because PostgreSQL demands an explicit USING that pgwright does not write:
    from a string type to anything that is not one (text -> integer, text -> enum...),
    boolean <-> integer (explicit-only casts), and any change among uuid, jsonb, text[],
    timestamptz and enums (text[] -> jsonb, enum -> another enum, timestamptz -> uuid...).
    """
    if old == new:
        return True
    if new.kind in STRINGISH:
        return True
    if old.kind in NUMBERISH and new.kind in NUMBERISH:
        return True
    return old.kind == new.kind and old.kind == "timestamptz"


def default_candidates(column_type: ColumnType, enums: dict, default_schema: str) -> list:
    """Defaults that suit a type, as YAML values: SQL text, or YAML numbers and booleans."""
    kind = column_type.kind
    if kind in ("integer", "bigint"):
        return [0, 42, -1, "7", "(1 + 2)"]
    if kind == "numeric":
        return [0, 1.5, "2.25", -3.5, "0.0"]
    if kind == "text":
        return ["'hello'", "''", "'it''s'", "'ünï ☃'", "'a\"b'", "'x'::text", "now()::text"]
    if kind == "varchar":
        limit = column_type.modifier[0] if column_type.modifier else 100
        return [d for d in ["'a'", "''", "'it''s'", "'x'::character varying"]
                if len(d) - 2 <= limit] or ["''"]
    if kind == "boolean":
        return [True, False, "true", "(NOT false)"]  # DEFAULT takes a b_expr: NOT needs ()
    if kind == "uuid":
        return ["gen_random_uuid()", "'00000000-0000-0000-0000-000000000000'",
                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"]
    if kind == "timestamptz":
        return ["now()", "CURRENT_TIMESTAMP", "'2020-01-01 00:00:00+00'", "statement_timestamp()"]
    if kind == "jsonb":
        return ["'{}'::jsonb", "'[]'", "'{\"a\": [1, 2]}'::jsonb", "'null'::jsonb"]
    if kind == "text[]":
        return ["'{}'::text[]", "'{a,b}'", "ARRAY['x', 'y']", "ARRAY[]::text[]"]
    if kind == "enum":
        name = column_type.modifier[0]
        values = enums[name].values
        qualified = f"{sql_ident(default_schema)}.{sql_ident(name)}"
        return ([sql_literal(v) for v in values]
                + [f"{sql_literal(values[0])}::{qualified}"])
    raise ValueError(kind)

# ---------------------------------------------------------------------------------------
# Drafts


@dataclass
class EnumDraft:
    values: list[str]
    comment: str | None = None


@dataclass
class ColumnDraft:
    name: str
    type: ColumnType
    nullable: bool = True
    default: object = None
    comment: str | None = None
    shorthand: bool = False  # written as a bare type string when nothing else is said
    generated: str | None = None  # a stored generated column's expression, over...
    generated_from: str | None = None  # ...this column of the table


@dataclass
class KeyDraft:
    """A primary key or unique constraint."""

    columns: tuple[str, ...]
    name: str | None = None  # explicit (unique constraints only)
    on_column: bool = False  # written on the column: primary_key: true / unique: true


@dataclass
class CheckDraft:
    name: str
    expression: str
    requires: list[tuple[str, str]]  # (column, type class the expression needs); "any": none


@dataclass
class ForeignKeyDraft:
    columns: tuple[str, ...]
    target_schema: str
    target_table: str
    target_columns: tuple[str, ...]
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: object = None
    name: str | None = None
    on_column: bool = False  # written as references: on the (single) column


@dataclass
class IndexDraft:
    columns: tuple[str, ...] | None = None
    expression: str | None = None
    requires: list[tuple[str, str]] = field(default_factory=list)  # as CheckDraft.requires
    unique: bool = False
    using: str | None = None
    where: str | None = None
    include: tuple[str, ...] = ()
    name: str | None = None


@dataclass
class TableDraft:
    schema: str
    name: str
    columns: list[ColumnDraft]
    primary_key: KeyDraft | None = None
    uniques: list[KeyDraft] = field(default_factory=list)
    checks: list[CheckDraft] = field(default_factory=list)
    foreign_keys: list[ForeignKeyDraft] = field(default_factory=list)
    indexes: list[IndexDraft] = field(default_factory=list)
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    def column(self, name: str) -> ColumnDraft | None:
        return next((c for c in self.columns if c.name == name), None)

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def not_null(self, name: str) -> bool:
        """NOT NULL as pgwright must make it: declared so, or in the primary key."""
        in_key = self.primary_key is not None and name in self.primary_key.columns
        return in_key or not self.column(name).nullable


@dataclass
class SpecDraft:
    schemas: list[str]
    enums: dict[str, EnumDraft]
    tables: list[TableDraft]
    schema_comments: dict[str, str] = field(default_factory=dict)

    @property
    def default_schema(self) -> str:
        return self.schemas[0]

    def table(self, schema: str, name: str) -> TableDraft | None:
        return next((t for t in self.tables if t.key == (schema, name)), None)

    def to_data(self) -> dict:
        return render_spec(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_data(), allow_unicode=True, sort_keys=False, width=10_000)

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis shows a failing example
        printer.text("SpecDraft(<<<\n" + self.to_yaml() + ">>>)")

# ---------------------------------------------------------------------------------------
# PostgreSQL's default names, to keep the names a draft uses unique


def _clip_bytes(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")


def pg_object_name(name1: str, name2: str | None, label: str) -> str:
    """``makeObjectName`` of PostgreSQL's indexcmds.c: shorten the longer part, keep the label."""
    length1 = len(name1.encode())
    length2 = len(name2.encode()) if name2 else 0
    available = MAX_IDENTIFIER_BYTES - (len(label) + 1) - (1 if name2 else 0)
    while length1 + length2 > available:
        if length1 > length2:
            length1 -= 1
        else:
            length2 -= 1
    result = _clip_bytes(name1, length1)
    if name2:
        result += "_" + _clip_bytes(name2, length2)
    return f"{result}_{label}"


def _expression_labels(expression: str) -> list[str]:
    labels = []
    for element in _split_top_level(expression):
        match = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", element)
        labels.append(match.group(1).lower() if match else "expr")
    return labels


def _split_top_level(expression: str) -> list[str]:
    pieces, current, depth, quote = [], "", 0, None
    for char in expression:
        if quote:
            current += char
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            pieces.append(current.strip())
            current = ""
        else:
            current += char
    pieces.append(current.strip())
    return pieces


def primary_key_name(table: TableDraft) -> str:
    return pg_object_name(table.name, None, "pkey")


def unique_name(table: TableDraft, key: KeyDraft) -> str:
    return key.name or pg_object_name(table.name, "_".join(key.columns), "key")


def foreign_key_name(table: TableDraft, fk: ForeignKeyDraft) -> str:
    return fk.name or pg_object_name(table.name, "_".join(fk.columns), "fkey")


def index_name(table: TableDraft, index: IndexDraft) -> str:
    if index.name:
        return index.name
    if index.columns:
        return pg_object_name(table.name, "_".join(index.columns), "idx")
    return pg_object_name(table.name, "_".join(_expression_labels(index.expression)), "idx")


def names_clash(spec: SpecDraft) -> bool:
    """Whether two objects would need one name where PostgreSQL allows only one."""
    relations: set[tuple[str, str]] = set()
    types: set[tuple[str, str]] = {(spec.default_schema, name) for name in spec.enums}

    def claim(seen: set, key) -> bool:
        if key in seen:
            return True
        seen.add(key)
        return False

    for table in spec.tables:
        if claim(relations, table.key) or claim(types, table.key):
            return True
        constraints: set[str] = set()
        relation_names = []
        if table.primary_key is not None:
            relation_names.append(primary_key_name(table))
        relation_names += [unique_name(table, key) for key in table.uniques]
        for name in relation_names:
            if claim(constraints, name):
                return True
        for name in [c.name for c in table.checks] + [foreign_key_name(table, fk)
                                                      for fk in table.foreign_keys]:
            if claim(constraints, name):
                return True
        relation_names += [index_name(table, index) for index in table.indexes]
        for name in relation_names:
            if claim(relations, (table.schema, name)):
                return True
    return False

# ---------------------------------------------------------------------------------------
# Drawing


def chance(draw, percent: int) -> bool:
    """True with the given probability; shrinks towards False (fewer objects, fewer changes)."""
    return draw(st.integers(0, 99)) >= 100 - percent


def draw_comment(draw, percent: int) -> str | None:
    return draw(st.sampled_from(COMMENTS)) if chance(draw, percent) else None


def draw_default(draw, column_type: ColumnType, enums: dict, default_schema: str, percent: int):
    if not chance(draw, percent):
        return None
    return draw(st.sampled_from(default_candidates(column_type, enums, default_schema)))


def draw_enums(draw, previous: dict[str, EnumDraft]) -> dict[str, EnumDraft]:
    """Enums of the next spec. A kept enum only gains values: PostgreSQL cannot remove or
    reorder enum labels, and pgwright refuses such a plan with a PlanError by design."""
    enums: dict[str, EnumDraft] = {}
    for name, old in previous.items():
        if not chance(draw, 80):
            continue
        values = list(old.values)
        added = draw(st.lists(st.sampled_from([v for v in ENUM_LABELS if v not in values]
                                              or ["zz"]), max_size=2, unique=True))
        for label in added:
            values.insert(draw(st.integers(0, len(values))), label)
        comment = old.comment if chance(draw, 70) else draw_comment(draw, 40)
        enums[name] = EnumDraft(values, comment)
    # A new enum never takes the name of one the previous spec had: to pgwright that is the
    # same type, and its labels would have to be a superset of the old ones.
    fresh = [n for n in ENUM_NAMES if n not in previous]
    for _ in range(draw(st.integers(0, 2))):
        choices = [n for n in fresh if n not in enums]
        if not choices:
            break
        name = draw(st.sampled_from(choices))
        values = draw(st.lists(st.sampled_from(ENUM_LABELS), min_size=1, max_size=4, unique=True))
        enums[name] = EnumDraft(values, draw_comment(draw, 30))
    return enums


def draw_new_column(draw, name: str, enums: dict, default_schema: str) -> ColumnDraft:
    column_type = draw_type(draw, enums, default_schema)
    return ColumnDraft(
        name=name, type=column_type, nullable=not chance(draw, 30),
        default=draw_default(draw, column_type, enums, default_schema, 40),
        comment=draw_comment(draw, 25), shorthand=chance(draw, 50),
    )


def derive_column(draw, old: ColumnDraft, enums: dict, default_schema: str) -> ColumnDraft:
    column = copy.deepcopy(old)
    enum_gone = old.type.kind == "enum" and old.type.modifier[0] not in enums
    if enum_gone or chance(draw, 30):
        candidates = []
        for _ in range(4):
            candidate = draw_type(draw, enums, default_schema)
            if candidate != old.type and can_alter(old.type, candidate):
                candidates.append(candidate)
        if enum_gone and not candidates:
            candidates.append(draw_spelling(draw, "text", (), default_schema))
        if candidates:
            column.type = candidates[0]
            column.default = draw_default(draw, column.type, enums, default_schema, 40)
    elif chance(draw, 20):  # same type, another spelling of it
        column.type = draw_spelling(draw, old.type.kind, old.type.modifier, default_schema)
    if chance(draw, 20):
        column.nullable = not column.nullable
    if column.type == old.type and chance(draw, 30):
        column.default = draw_default(draw, column.type, enums, default_schema, 40)
    if chance(draw, 30):
        column.comment = draw_comment(draw, 40)
    column.shorthand = chance(draw, 50)
    return column


def draw_columns(draw, table: TableDraft, old: TableDraft | None, enums: dict,
                 default_schema: str) -> None:
    columns: list[ColumnDraft] = []
    if old is not None:
        columns = [derive_column(draw, c, enums, default_schema) for c in old.columns
                   if c.generated is None and chance(draw, 80)]
    # A new column never takes the name of one the old table had: to pgwright that is the
    # same column, and the type change would have to be one PostgreSQL can make.
    taken = {c.name for c in (old.columns if old else [])}
    minimum = 0 if columns else 1
    for _ in range(draw(st.integers(minimum, max(minimum, 5 - len(columns))))):
        choices = [n for n in COLUMN_NAMES if n not in taken]
        name = draw(st.sampled_from(choices))
        taken.add(name)
        column = draw_new_column(draw, name, enums, default_schema)
        columns.insert(draw(st.integers(0, len(columns))), column)
    table.columns = columns


GENERATED_BY_CLASS = {
    "numberish": ("numeric", ["{c} * 2", "{c} + 1"]),
    "string": ("text", ["lower({c})", "upper({c})"]),
}


def draw_generated(draw, table: TableDraft, old: TableDraft | None, default_schema: str) -> None:
    """Stored generated columns computed from a number or string column of the table: the
    old ones whose source kept its kind of type (some with a new expression), and maybe a
    new one. They are left out of keys and foreign keys (PostgreSQL limits their actions)."""
    def sources(kind: str) -> list[ColumnDraft]:
        return [c for c in table.columns if c.generated is None and c.type.type_class == kind]

    taken = {c.name for c in table.columns} | {c.name for c in (old.columns if old else [])}
    for column in (old.columns if old else []):
        source = table.column(column.generated_from) if column.generated else None
        if source is None or source.generated is not None or not chance(draw, 80):
            continue
        kind = next((k for k, (t, _) in GENERATED_BY_CLASS.items() if t == column.type.kind), None)
        if source.type.type_class != kind:
            continue
        column = copy.deepcopy(column)
        if chance(draw, 30):
            template = draw(st.sampled_from(GENERATED_BY_CLASS[kind][1]))
            column.generated = template.format(c=sql_ident(source.name))
        table.columns.append(column)
    kinds = [k for k in GENERATED_BY_CLASS if sources(k)]
    free = [n for n in COLUMN_NAMES if n not in taken]
    if kinds and free and chance(draw, 30):
        kind = draw(st.sampled_from(kinds))
        source = draw(st.sampled_from(sources(kind)))
        type_kind, templates = GENERATED_BY_CLASS[kind]
        table.columns.append(ColumnDraft(
            name=draw(st.sampled_from(free)),
            type=draw_spelling(draw, type_kind, (), default_schema),
            generated=draw(st.sampled_from(templates)).format(c=sql_ident(source.name)),
            generated_from=source.name))


def align_foreign_key_types(draw, table: TableDraft, old: TableDraft, spec: SpecDraft,
                            enums: dict) -> None:
    """Give the columns of some old foreign keys the (possibly changed) types of their target,
    so that keys survive type changes on both of their sides."""
    for fk in old.foreign_keys:
        target = spec.table(fk.target_schema, fk.target_table)
        if target is None or not chance(draw, 60):
            continue
        for mine, theirs in zip(fk.columns, fk.target_columns, strict=True):
            column, target_column = table.column(mine), target.column(theirs)
            if column is None or target_column is None or column.type == target_column.type:
                continue
            if can_alter(old.column(mine).type, target_column.type):
                column.type = draw_spelling(draw, target_column.type.kind,
                                            target_column.type.modifier, spec.default_schema)
                column.default = draw_default(draw, column.type, enums, spec.default_schema, 30)


def try_add(spec: SpecDraft, items: list, item) -> bool:
    """Append ``item`` unless it makes two objects share a name."""
    items.append(item)
    if names_clash(spec):
        items.pop()
        return False
    return True


def draw_keys(draw, spec: SpecDraft, table: TableDraft, old: TableDraft | None) -> None:
    names = [c.name for c in table.columns if c.generated is None]
    kept = old is not None and old.primary_key is not None and \
        all(c in names for c in old.primary_key.columns) and chance(draw, 80)
    if kept:
        table.primary_key = copy.deepcopy(old.primary_key)
    elif chance(draw, 60):
        columns = tuple(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)))
        table.primary_key = KeyDraft(columns, on_column=len(columns) == 1 and chance(draw, 50))
        if names_clash(spec):
            table.primary_key = None
    if old is not None:
        for key in old.uniques:
            if all(c in names for c in key.columns) and chance(draw, 70):
                try_add(spec, table.uniques, copy.deepcopy(key))
    for _ in range(draw(st.integers(0, 2))):
        columns = tuple(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)))
        name = draw(st.sampled_from(KEY_AND_INDEX_NAMES)) if chance(draw, 30) else None
        on_column = name is None and len(columns) == 1 and chance(draw, 40)
        try_add(spec, table.uniques, KeyDraft(columns, name, on_column))


def key_column_sets(table: TableDraft) -> list[tuple[str, ...]]:
    """What a foreign key may reference: the primary key, a unique constraint, or a unique
    index on plain columns without a predicate."""
    keys = [table.primary_key.columns] if table.primary_key is not None else []
    keys += [key.columns for key in table.uniques]
    return keys + [index.columns for index in table.indexes
                   if index.unique and index.columns and index.where is None]


def foreign_key_holds(spec: SpecDraft, table: TableDraft, fk: ForeignKeyDraft) -> bool:
    target = spec.table(fk.target_schema, fk.target_table)
    if target is None:
        return False
    if any(table.column(c) is None or table.column(c).generated for c in fk.columns):
        return False
    if any(target.column(c) is None or target.column(c).generated for c in fk.target_columns):
        return False
    if sorted(fk.target_columns) not in [sorted(k) for k in key_column_sets(target)]:
        return False
    for mine, theirs in zip(fk.columns, fk.target_columns, strict=True):
        if table.column(mine).type != target.column(theirs).type:
            return False
    if "set null" in (fk.on_delete, fk.on_update) and any(table.not_null(c) for c in fk.columns):
        return False
    if fk.on_column:  # one references: per column, no deferrable there
        return len(fk.columns) == 1 and fk.deferrable is None and not any(
            other is not fk and other.on_column and other.columns == fk.columns
            for other in table.foreign_keys)
    return True


def draw_foreign_keys(draw, spec: SpecDraft, table: TableDraft, old: TableDraft | None) -> None:
    if old is not None:
        for fk in old.foreign_keys:
            fk = copy.deepcopy(fk)
            table.foreign_keys.append(fk)
            if not (foreign_key_holds(spec, table, fk) and chance(draw, 75)) or names_clash(spec):
                table.foreign_keys.pop()
    for _ in range(draw(st.integers(0, 2))):
        targets = [(t.schema, t.name, key) for t in spec.tables for key in key_column_sets(t)]
        if not targets:
            return
        target_schema, target_name, key = draw(st.sampled_from(targets))
        target = spec.table(target_schema, target_name)
        columns: list[str] = []
        for target_column in key:
            wanted = target.column(target_column).type
            reusable = [c.name for c in table.columns if c.type == wanted and c.name not in columns
                        and c.generated is None]
            if reusable and chance(draw, 50):
                columns.append(draw(st.sampled_from(reusable)))
                continue
            free = [n for n in FOREIGN_KEY_COLUMN_NAMES if table.column(n) is None
                    and (old is None or old.column(n) is None)]
            if not free:
                return
            name = draw(st.sampled_from(free))
            table.columns.append(ColumnDraft(
                name=name,
                type=draw_spelling(draw, wanted.kind, wanted.modifier, spec.default_schema),
                nullable=not chance(draw, 30), comment=draw_comment(draw, 20),
                shorthand=chance(draw, 50),
            ))
            columns.append(name)
        nullable = not any(table.not_null(c) for c in columns)
        actions = [a for a in REFERENTIAL_ACTIONS if nullable or a != "set null"]
        fk = ForeignKeyDraft(
            columns=tuple(columns), target_schema=target_schema, target_table=target_name,
            target_columns=tuple(key),
            on_delete=draw(st.sampled_from([None] + actions)),
            on_update=draw(st.sampled_from([None] + actions)),
        )
        already_on_column = any(o.on_column and o.columns == fk.columns for o in table.foreign_keys)
        if len(columns) == 1 and not already_on_column and chance(draw, 50):
            fk.on_column = True
        else:
            fk.deferrable = draw(st.sampled_from([None] + DEFERRABLE))
            fk.name = draw(st.sampled_from(FOREIGN_KEY_NAMES)) if chance(draw, 25) else None
        if foreign_key_holds(spec, table, fk):
            try_add(spec, table.foreign_keys, fk)


CHECKS_BY_CLASS = {
    "numberish": ["{c} > 0", "{c} >= 0 AND {c} < 1000000", "{c} BETWEEN 1 AND 10", "{c} <> 42",
                  "{c} IN (1, 2, 3)"],
    "string": ["length({c}) > 0", "{c} <> ''", "{c} ~ '^[a-z]'", "{c} IN ('a', 'it''s')",
               "{c} LIKE 'x%'"],
    "boolean": ["{c} IS NOT FALSE", "{c} OR {c} IS NULL"],
    "uuid": ["{c} <> '00000000-0000-0000-0000-000000000000'"],
    "timestamptz": ["{c} > '2000-01-01 00:00:00+00'", "{c} < now() + interval '100 years'"],
    "jsonb": ["jsonb_typeof({c}) = 'object'", "{c} ? 'k'", "{c} <> '{}'::jsonb"],
    "array": ["cardinality({c}) < 10", "array_length({c}, 1) > 0", "'x' = ANY ({c})"],
}


def satisfies(column: ColumnDraft | None, requirement: str) -> bool:
    if column is None:
        return False
    type_class = column.type.type_class
    if requirement == "any":
        return True
    if requirement == "gin":
        return type_class in ("jsonb", "array")
    if requirement == "brin":
        return type_class in ("numberish", "string", "timestamptz", "uuid")
    return type_class == requirement


def draw_check(draw, columns: list[ColumnDraft], enums: dict, name: str) -> CheckDraft:
    column = draw(st.sampled_from(columns))
    quoted = sql_ident(column.name)
    if chance(draw, 20) and len(columns) > 1:
        other = draw(st.sampled_from([c for c in columns if c is not column]))
        return CheckDraft(name, f"{quoted} IS NOT NULL OR {sql_ident(other.name)} IS NOT NULL",
                          [(column.name, "any"), (other.name, "any")])
    type_class = column.type.type_class
    if type_class.startswith("enum:") and chance(draw, 80):
        value = draw(st.sampled_from(enums[column.type.modifier[0]].values))
        return CheckDraft(name, f"{quoted} <> {sql_literal(value)}", [(column.name, type_class)])
    templates = CHECKS_BY_CLASS.get(type_class)
    if not templates or chance(draw, 15):
        return CheckDraft(name, f"{quoted} IS NOT NULL", [(column.name, "any")])
    template = draw(st.sampled_from(templates))
    return CheckDraft(name, template.replace("{c}", quoted), [(column.name, type_class)])


def draw_checks(draw, spec: SpecDraft, table: TableDraft, old: TableDraft | None,
                enums: dict) -> None:
    columns = table.columns
    if old is not None:
        for check in old.checks:
            if not all(satisfies(table.column(c), r) for c, r in check.requires):
                continue
            if chance(draw, 70):
                try_add(spec, table.checks, copy.deepcopy(check))
            elif chance(draw, 50):  # same name, new expression
                try_add(spec, table.checks, draw_check(draw, columns, enums, check.name))
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(CHECK_NAMES))
        try_add(spec, table.checks, draw_check(draw, columns, enums, name))


EXPRESSIONS_BY_CLASS = {
    "string": ["lower({c})", "upper({c})", "lower({c}) DESC", "({c} || 'x')"],
    "numberish": ["({c} + 1)", "abs({c})"],
    "jsonb": ["({c} ->> 'k')"],
    "timestamptz": ["date_trunc('day', {c} AT TIME ZONE 'UTC')"],
}
PREDICATES_BY_CLASS = {
    "numberish": ["{c} > 0"], "string": ["{c} <> ''", "{c} IN ('a', 'b')"], "boolean": ["{c}"],
}


def draw_index(draw, table: TableDraft) -> IndexDraft | None:
    index = IndexDraft()
    if chance(draw, 40):
        candidates = [c for c in table.columns if c.type.type_class in EXPRESSIONS_BY_CLASS]
        if not candidates:
            return None
        column = draw(st.sampled_from(candidates))
        template = draw(st.sampled_from(EXPRESSIONS_BY_CLASS[column.type.type_class]))
        index.expression = template.replace("{c}", sql_ident(column.name))
        index.requires.append((column.name, column.type.type_class))
        if chance(draw, 15) and len(table.columns) > 1:
            other = draw(st.sampled_from([c for c in table.columns if c is not column]))
            index.expression += ", " + sql_ident(other.name)
            index.requires.append((other.name, "any"))
        index.unique = chance(draw, 15)
    else:
        method = draw(st.sampled_from([None, "btree", "hash", "gin", "brin"]))
        if method in ("gin", "brin"):
            candidates = [c for c in table.columns if satisfies(c, method)]
            if not candidates:
                method = None
        if method in ("hash", "gin", "brin"):
            pool = candidates if method in ("gin", "brin") else table.columns
            column = draw(st.sampled_from(pool))
            index.columns = (column.name,)
            index.requires = [(column.name, method if method != "hash" else "any")]
            index.using = method
        else:
            names = table.column_names()
            index.columns = tuple(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2,
                                                unique=True)))
            index.requires = [(c, "any") for c in index.columns]
            index.using = method
            index.unique = chance(draw, 25)
            rest = [n for n in names if n not in index.columns]
            if rest and chance(draw, 15):
                index.include = (draw(st.sampled_from(rest)),)
    if chance(draw, 30):
        column = draw(st.sampled_from(table.columns))
        template = draw(st.sampled_from(PREDICATES_BY_CLASS.get(column.type.type_class,
                                                                ["{c} IS NOT NULL"])))
        if chance(draw, 40):
            template = "{c} IS NOT NULL"
        index.where = template.replace("{c}", sql_ident(column.name))
        index.requires.append((column.name, "any" if template == "{c} IS NOT NULL"
                               else column.type.type_class))
    if chance(draw, 30):
        index.name = draw(st.sampled_from(KEY_AND_INDEX_NAMES))
    return index


def index_holds(table: TableDraft, index: IndexDraft) -> bool:
    requirements_met = all(satisfies(table.column(c), r) for c, r in index.requires)
    return requirements_met and all(table.column(c) is not None for c in index.include)


def draw_indexes(draw, spec: SpecDraft, table: TableDraft, old: TableDraft | None) -> None:
    if old is not None:
        for index in old.indexes:
            if index_holds(table, index) and chance(draw, 70):
                try_add(spec, table.indexes, copy.deepcopy(index))
    for _ in range(draw(st.integers(0, 3))):
        index = draw_index(draw, table)
        if index is not None:
            try_add(spec, table.indexes, index)


@st.composite
def spec_drafts(draw, previous: SpecDraft | None = None) -> SpecDraft:
    """A random valid spec; with ``previous``, one that shares and changes its objects."""
    schemas = list(previous.schemas) if previous else draw(st.sampled_from(SCHEMA_LISTS))
    default_schema = schemas[0]
    enums = draw_enums(draw, previous.enums if previous else {})
    spec = SpecDraft(schemas=schemas, enums=enums, tables=[])
    if len(schemas) > 1 and chance(draw, 50):
        spec.schema_comments = {s: draw(st.sampled_from(COMMENTS)) for s in schemas
                                if s != "public"}
    old_tables = {t.key: t for t in previous.tables} if previous else {}

    for old in old_tables.values():
        if chance(draw, 75):
            table = TableDraft(schema=old.schema, name=old.name, columns=[])
            draw_columns(draw, table, old, enums, default_schema)
            spec.tables.append(table)
    # New tables never take the name of a previous one (kept or not): see draw_columns.
    minimum = 0 if spec.tables else 1
    for _ in range(draw(st.integers(minimum, max(minimum, 4 - len(spec.tables))))):
        schema = draw(st.sampled_from(schemas))
        choices = [n for n in TABLE_NAMES if (schema, n) not in old_tables
                   and spec.table(schema, n) is None
                   and not (schema == default_schema and n in enums)]
        if not choices:
            continue
        table = TableDraft(schema=schema, name=draw(st.sampled_from(choices)), columns=[])
        draw_columns(draw, table, None, enums, default_schema)
        spec.tables.append(table)

    for table in spec.tables:
        old = old_tables.get(table.key)
        if old is not None:
            align_foreign_key_types(draw, table, old, spec, enums)
        draw_generated(draw, table, old, default_schema)
    for table in spec.tables:
        draw_keys(draw, spec, table, old_tables.get(table.key))
    for table in spec.tables:
        draw_indexes(draw, spec, table, old_tables.get(table.key))
    for table in spec.tables:
        draw_foreign_keys(draw, spec, table, old_tables.get(table.key))
    for table in spec.tables:
        old = old_tables.get(table.key)
        draw_checks(draw, spec, table, old, enums)
        if old is not None and chance(draw, 70):
            table.comment = old.comment
        else:
            table.comment = draw_comment(draw, 30)
    assert not names_clash(spec)
    return spec


@st.composite
def spec_pairs(draw) -> tuple[SpecDraft, SpecDraft]:
    """A start spec and a target spec drawn from it."""
    start = draw(spec_drafts())
    return start, draw(spec_drafts(previous=start))

# ---------------------------------------------------------------------------------------
# Rendering to YAML data


def _table_key(spec: SpecDraft, schema: str, name: str) -> str:
    return name if schema == spec.default_schema else f"{schema}.{name}"


def render_spec(spec: SpecDraft) -> dict:
    data: dict = {"version": 1}
    if spec.schemas != ["public"] or spec.schema_comments:
        if spec.schema_comments:
            data["schemas"] = {s: ({"comment": spec.schema_comments[s]}
                                   if s in spec.schema_comments else {}) for s in spec.schemas}
        else:
            data["schemas"] = list(spec.schemas)
    if spec.enums:
        data["enums"] = {name: ({"values": list(e.values), "comment": e.comment}
                                if e.comment is not None else list(e.values))
                         for name, e in spec.enums.items()}
    data["tables"] = {_table_key(spec, t.schema, t.name): _render_table(spec, t)
                      for t in spec.tables}
    return data


def _render_table(spec: SpecDraft, table: TableDraft) -> dict:
    out: dict = {}
    if table.comment is not None:
        out["comment"] = table.comment
    pk = table.primary_key
    column_uniques = {key.columns[0] for key in table.uniques if key.on_column}
    column_references = {fk.columns[0]: fk for fk in table.foreign_keys if fk.on_column}
    columns = {}
    for column in table.columns:
        entry: dict = {"type": column.type.spelling}
        if not column.nullable:
            entry["nullable"] = False
        if column.default is not None:
            entry["default"] = column.default  # SQL text, or a YAML int, float or bool
        if pk is not None and pk.on_column and pk.columns == (column.name,):
            entry["primary_key"] = True
        if column.name in column_uniques:
            entry["unique"] = True
        fk = column_references.get(column.name)
        if fk is not None:
            target = _table_key(spec, fk.target_schema, fk.target_table)
            entry["references"] = f"{target}.{fk.target_columns[0]}"
            if fk.on_delete is not None:
                entry["on_delete"] = fk.on_delete
            if fk.on_update is not None:
                entry["on_update"] = fk.on_update
        if column.generated is not None:
            entry["generated"] = column.generated
        if column.comment is not None:
            entry["comment"] = column.comment
        columns[column.name] = column.type.spelling if entry.keys() == {"type"} and \
            column.shorthand else entry
    out["columns"] = columns
    if pk is not None and not pk.on_column:
        out["primary_key"] = list(pk.columns)
    uniques = [key for key in table.uniques if not key.on_column]
    if uniques:
        out["unique"] = [{"name": key.name, "columns": list(key.columns)} if key.name
                         else list(key.columns) for key in uniques]
    if table.checks:
        out["checks"] = {check.name: check.expression for check in table.checks}
    foreign_keys = [fk for fk in table.foreign_keys if not fk.on_column]
    if foreign_keys:
        out["foreign_keys"] = [_render_foreign_key(spec, fk) for fk in foreign_keys]
    if table.indexes:
        out["indexes"] = [_render_index(index) for index in table.indexes]
    return out


def _render_foreign_key(spec: SpecDraft, fk: ForeignKeyDraft) -> dict:
    target = _table_key(spec, fk.target_schema, fk.target_table)
    entry: dict = {}
    if fk.name:
        entry["name"] = fk.name
    entry["columns"] = list(fk.columns)
    entry["references"] = f"{target}({', '.join(fk.target_columns)})"
    if fk.on_delete is not None:
        entry["on_delete"] = fk.on_delete
    if fk.on_update is not None:
        entry["on_update"] = fk.on_update
    if fk.deferrable is not None:
        entry["deferrable"] = fk.deferrable
    return entry


def _render_index(index: IndexDraft) -> dict:
    entry: dict = {}
    if index.name:
        entry["name"] = index.name
    if index.columns is not None:
        entry["columns"] = list(index.columns)
    else:
        entry["expression"] = index.expression
    if index.unique:
        entry["unique"] = True
    if index.using:
        entry["using"] = index.using
    if index.where:
        entry["where"] = index.where
    if index.include:
        entry["include"] = list(index.include)
    return entry


__all__ = ["SpecDraft", "spec_drafts", "spec_pairs", "sql_ident", "sql_literal"]
