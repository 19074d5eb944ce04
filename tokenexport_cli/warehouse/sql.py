"""The cell aggregation as one sqlglot definition, written out for DuckDB, Spark, Trino, BigQuery,
Snowflake and Postgres: the usage columns read through a ``TableMapping``, bad rows flagged,
and the rows grouped into the cells of a ``CellPlan`` (``warehouse.cells``), boundaries baked in.

``types`` (column -> DuckDB type) is known when tokx runs the query itself in DuckDB: text
columns are then parsed with TRY_CAST so a bad value flags its row instead of failing the
query. Without it (``--emit-sql``), the columns are taken to be typed as a warehouse stores
them: integer counts, a TIMESTAMP, a decimal cost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlglot
from sqlglot import exp

from tokenexport_cli.dates import MAX_UNIX_SECONDS
from tokenexport_cli.logs.vendors import MAX_TOKEN_COUNT
from tokenexport_cli.warehouse.cells import EPOCH_SLOT, SLOT_SECONDS, SLOTS_PER_WEEK, CellPlan
from tokenexport_cli.warehouse.mapping import TableMapping, Term

DIALECTS: tuple[str, ...] = ("duckdb", "spark", "trino", "bigquery", "snowflake", "postgres")
COUNTS: tuple[str, ...] = ("input", "cache_read", "cache_write_5m", "output", "reasoning")
#: the columns of a saved aggregate (``--aggregate``), in order; README "Warehouse-scale replay"
CELL_COLUMNS: tuple[str, ...] = (
    "model",
    "provider",
    "bucket",
    "slot",
    "batch",
    "exact",
    "requests",
    *COUNTS,
    "prompt_min",
    "prompt_max",
    "whole_max",
    "first_seen",
    "last_seen",
    "cost",
    "costed",
    "answer_min",
    "answer_max",
)
TEXT_TYPES = ("VARCHAR", "JSON")
MONEY = "DECIMAL(38, 9)"  # the widest scale BigQuery NUMERIC takes


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str) -> exp.Column:
    return exp.column(_ident(name))


def _num(value: int) -> exp.Expr:
    return exp.Literal.number(value)


def _cast(expression: exp.Expr, to: str) -> exp.Cast:
    return exp.cast(expression, to)


def _try_cast(expression: exp.Expr, to: str) -> exp.TryCast:
    return exp.TryCast(this=expression, to=exp.DataType.build(to))


def _blank(expression: exp.Expr) -> exp.Expr:
    return exp.or_(
        exp.Is(this=expression.copy(), expression=exp.null()),
        exp.EQ(this=exp.Trim(this=expression.copy()), expression=exp.Literal.string("")),
    )


class Builder:
    """Expressions for one table: its mapping, its column types (empty: typed warehouse
    columns) and the dialect they will be written in."""

    def __init__(self, mapping: TableMapping, types: Mapping[str, str], dialect: str) -> None:
        self.mapping = mapping
        self.types = {name: kind.upper() for name, kind in types.items()}
        self.dialect = dialect
        self.local = bool(types)  # tokx runs it in DuckDB, on columns of known types

    def _is_text(self, name: str) -> bool:
        return self.types.get(name, "").startswith(TEXT_TYPES)

    def _text_count(self, text: exp.Expr) -> exp.Expr:
        """NULL or blank reads as 0, as in the readers; anything not a whole number as NULL."""
        return exp.Case(
            ifs=[exp.If(this=_blank(text), true=_num(0))],
            default=_try_cast(exp.Trim(this=text.copy()), "BIGINT"),
        )

    def _json(self, name: str, path: str) -> exp.Expr:
        column = _col(name)
        if self.dialect == "postgres":
            keys = "{" + path.replace(".", ",") + "}"
            return exp.JSONBExtractScalar(
                this=_cast(column, "JSONB"), expression=exp.Literal.string(keys)
            )
        if self.local:  # a value that is not JSON flags its row instead of failing the query
            found = sqlglot.parse_one(
                f"CASE WHEN json_valid(x) THEN json_extract_string(x, '$.{path}') "
                "ELSE 'not JSON' END",
                read="duckdb",
            )
            return found.transform(
                lambda node: column.copy() if isinstance(node, exp.Column) else node
            )
        found = sqlglot.parse_one(f"JSON_EXTRACT_SCALAR(x, '$.{path}')", read="bigquery")
        return found.transform(lambda node: column.copy() if isinstance(node, exp.Column) else node)

    def term(self, term: Term) -> exp.Expr:
        if term.total is None:
            value: exp.Expr = _num(0)
        elif term.json:
            found = [self._text_count(self._json(term.total, path)) for path in term.json]
            value = exp.Coalesce(
                this=exp.Nullif(this=found[0], expression=_num(0)),
                expressions=[*found[1:], _num(0)],
            )
        elif self._is_text(term.total):
            value = self._text_count(_col(term.total))
        else:
            value = exp.Coalesce(this=_cast(_col(term.total), "BIGINT"), expressions=[_num(0)])
        for part in term.minus:
            if part.total is not None:
                value = exp.Sub(this=value, expression=exp.paren(self.term(part)))
        return value

    def text(self, names: Sequence[str], constant: str | None = None) -> exp.Expr:
        if constant is not None:
            return exp.Literal.string(constant)
        if not names:
            return _cast(exp.null(), "VARCHAR")
        values = [
            exp.Nullif(
                this=exp.Trim(this=_cast(_col(name), "VARCHAR")),
                expression=exp.Literal.string(""),
            )
            for name in names
        ]
        return (
            values[0] if len(values) == 1 else exp.Coalesce(this=values[0], expressions=values[1:])
        )

    def _epoch(self, column: exp.Expr) -> exp.Expr:
        if self.dialect == "duckdb":  # seconds with their fraction, floored below
            seconds: exp.Expr = exp.Anonymous(this="epoch", expressions=[column])
        elif self.dialect == "postgres":
            seconds = exp.Extract(this=exp.var("EPOCH"), expression=column)
        elif self.dialect in ("trino", "snowflake"):  # TO_UNIXTIME, EXTRACT(epoch_second ...)
            seconds = exp.TimeToUnix(this=column)
        else:  # UNIX_SECONDS
            seconds = exp.UnixSeconds(this=column)
        return _cast(exp.Floor(this=seconds), "BIGINT")

    def stamp(self) -> tuple[exp.Expr, exp.Expr]:
        """(Unix seconds or NULL, whether a timestamp was given)."""
        name = self.mapping.timestamp
        if name is None:
            return _cast(exp.null(), "BIGINT"), exp.false()
        column = _col(name)
        kind = self.types.get(name, "TIMESTAMP")
        if kind.startswith(TEXT_TYPES):
            parsed = _try_cast(exp.Trim(this=column.copy()), "TIMESTAMPTZ")
            return self._epoch(parsed), exp.not_(_blank(column))
        if kind.startswith(("TIMESTAMP", "DATE")):
            moment: exp.Expr = column.copy()
            if not self.local and self.dialect == "postgres":
                # PostgreSQL's EXTRACT has no text form: a time kept as ISO 8601 text (a
                # table loaded from CSV) is cast with its offset; one without a zone reads
                # in the session's zone (UTC, README)
                moment = _cast(moment, "TIMESTAMPTZ")
            return self._epoch(moment), exp.not_(exp.Is(this=column, expression=exp.null()))
        # a number: Unix seconds (as the readers take a JSON number)
        seconds = _cast(exp.Floor(this=column.copy()), "BIGINT")
        return seconds, exp.not_(exp.Is(this=column, expression=exp.null()))

    def cost(self) -> tuple[exp.Expr, exp.Expr]:
        name = self.mapping.cost
        if name is None:
            return _cast(exp.null(), MONEY), exp.false()
        column = _col(name)
        if self._is_text(name):
            value: exp.Expr = exp.Case(
                ifs=[exp.If(this=_blank(column), true=_cast(exp.null(), MONEY))],
                default=_try_cast(exp.Trim(this=column.copy()), MONEY),
            )
            return value, exp.not_(_blank(column))
        return _cast(column, MONEY), exp.not_(exp.Is(this=column.copy(), expression=exp.null()))


def usage_select(builder: Builder, table: exp.Expr) -> exp.Select:
    """One row per call: the record's fields and ``bad`` (a value that does not read)."""
    mapping = builder.mapping
    stamp, stamp_given = builder.stamp()
    cost, cost_given = builder.cost()
    fields: dict[str, exp.Expr] = {
        "model": builder.text(mapping.model),
        "provider": builder.text(mapping.provider, mapping.provider_constant),
        "stamp": stamp,
        "stamp_given": stamp_given,
        "input": builder.term(mapping.input),
        "cache_read": builder.term(mapping.cache_read),
        "cache_write_5m": builder.term(mapping.cache_write_5m),
        "output": builder.term(mapping.output),
        "reasoning": builder.term(mapping.reasoning),
        "cost": cost,
        "cost_given": cost_given,
    }
    return exp.select(
        *(exp.alias_(value, name, quoted=True) for name, value in fields.items())
    ).from_(table)


def bad_condition() -> exp.Expr:
    null = exp.null()
    checks: list[exp.Expr] = [exp.Is(this=_col("model"), expression=null)]
    for name in COUNTS:
        checks.append(exp.Is(this=_col(name), expression=null.copy()))
        checks.append(exp.LT(this=_col(name), expression=_num(0)))
        # the readers' bound (logs.vendors.MAX_TOKEN_COUNT): larger sums overflow the table
        checks.append(exp.GT(this=_col(name), expression=_num(MAX_TOKEN_COUNT)))
    checks.append(exp.and_(_col("stamp_given"), exp.Is(this=_col("stamp"), expression=null.copy())))
    # a time outside 1970-9999 in UTC (dates.MAX_UNIX_SECONDS), as the readers refuse it; a
    # NULL stamp must not make the whole condition NULL
    checks.append(
        exp.and_(
            exp.not_(exp.Is(this=_col("stamp"), expression=null.copy())),
            exp.or_(
                exp.LT(this=_col("stamp"), expression=_num(0)),
                exp.GT(this=_col("stamp"), expression=_num(MAX_UNIX_SECONDS)),
            ),
        )
    )
    checks.append(
        exp.and_(
            _col("cost_given"),
            exp.or_(
                exp.Is(this=_col("cost"), expression=null.copy()),
                exp.LT(this=_col("cost"), expression=_num(0)),
            ),
        )
    )
    return exp.or_(*checks)


def _bucket(prompt: exp.Expr, bounds: Sequence[int], low: int, high: int) -> exp.Expr:
    """How many bounds lie below ``prompt`` (``bisect_left``), as a binary search of CASEs."""
    if low == high:
        return _num(low)
    middle = (low + high) // 2
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.LTE(this=prompt.copy(), expression=_num(bounds[middle])),
                true=_bucket(prompt, bounds, low, middle),
            )
        ],
        default=_bucket(prompt, bounds, middle + 1, high),
    )


def _slot(stamp: exp.Expr) -> exp.Expr:
    quarter = _cast(
        exp.Floor(this=exp.Div(this=stamp, expression=exp.Literal.number(f"{SLOT_SECONDS}.0"))),
        "BIGINT",
    )
    return exp.Case(
        ifs=[exp.If(this=exp.Is(this=stamp.copy(), expression=exp.null()), true=_num(-1))],
        default=exp.Mod(
            this=exp.paren(exp.Add(this=quarter, expression=_num(EPOCH_SLOT))),
            expression=_num(SLOTS_PER_WEEK),
        ),
    )


def cells_select(usage: exp.Select, plan: CellPlan) -> exp.Select:
    """The cells of ``plan`` from the rows ``usage`` selects (``usage_select``)."""
    prompt = exp.paren(
        exp.Add(
            this=exp.Add(this=_col("input"), expression=_col("cache_read")),
            expression=_col("cache_write_5m"),
        )
    )
    answer = exp.paren(exp.Add(this=_col("output"), expression=_col("reasoning")))
    rows = (
        exp.select(
            *(_col(name) for name in ("model", "provider", "stamp", *COUNTS, "cost")),
            exp.alias_(prompt, "prompt", quoted=True),
            exp.alias_(answer, "answer", quoted=True),
        )
        .from_(usage.subquery("usage_rows"))
        .where(exp.not_(exp.paren(bad_condition())))
    )
    whole = exp.Add(this=_col("prompt"), expression=_col("answer"))
    if plan.exact_above is None:
        exact: exp.Expr = exp.false()
    else:
        exact = exp.GT(this=whole.copy(), expression=_num(plan.exact_above))
    keyed_fields: list[exp.Expr] = [
        exp.Star(),
        exp.alias_(
            _bucket(_col("prompt"), plan.bounds, 0, len(plan.bounds)), "bucket", quoted=True
        ),
        exp.alias_(_slot(_col("stamp")), "slot", quoted=True),
        exp.alias_(exact.copy(), "exact", quoted=True),
    ]
    # answers split only where some offer's price is published for shorter responses alone
    split = ["answer_bucket"] if plan.answer_bounds else []
    for name in split:
        answers = plan.answer_bounds
        keyed_fields.append(
            exp.alias_(_bucket(_col("answer"), answers, 0, len(answers)), name, quoted=True)
        )
    same = [] if plan.exact_above is None else [f"same_{name}" for name in COUNTS]
    for name in same:
        keyed_fields.append(
            exp.alias_(
                exp.Case(ifs=[exp.If(this=exact.copy(), true=_col(name[5:]))]), name, quoted=True
            )
        )
    keyed = exp.select(*keyed_fields).from_(rows.subquery("cell_rows"))
    aggregates: dict[str, exp.Expr] = {
        "model": _col("model"),
        "provider": _col("provider"),
        "bucket": _col("bucket"),
        "slot": _col("slot"),
        "batch": exp.false(),
        "exact": _col("exact"),
        "requests": exp.Count(this=exp.Star()),
        **{name: exp.Sum(this=_col(name)) for name in COUNTS},
        "prompt_min": exp.Min(this=_col("prompt")),
        "prompt_max": exp.Max(this=_col("prompt")),
        "whole_max": exp.Max(this=exp.Add(this=_col("prompt"), expression=_col("answer"))),
        "first_seen": exp.Min(this=_col("stamp")),
        "last_seen": exp.Max(this=_col("stamp")),
        "cost": exp.Sum(this=_col("cost")),
        "costed": exp.Count(this=_col("cost")),
        "answer_min": exp.Min(this=_col("answer")),
        "answer_max": exp.Max(this=_col("answer")),
    }
    assert tuple(aggregates) == CELL_COLUMNS
    return (
        exp.select(*(exp.alias_(value, name, quoted=True) for name, value in aggregates.items()))
        .from_(keyed.subquery("keyed_rows"))
        .group_by(
            *(
                _col(name)
                for name in ("model", "provider", "bucket", *split, "slot", "exact", *same)
            )
        )
    )
