"""Querysets compiled to SQL once and run again with new values: `baked`.

Building a queryset and compiling it costs the ORM far more CPU than the
database spends answering it on the daily pages: a select_related query of
three rows took 0.5 ms to build, 1.4 ms to compile and 0.3 ms to run here. A
page asks the same few questions of every request with other values (this
person, this day), so the hot selectors compile each question once and keep it:

    _open_checks = baked(
        lambda owner_id, since: Check.objects.filter(owner_id=owner_id, date__gte=since)
        .select_related("item")
        .order_by("pk")
    )
    rows = _open_checks(owner_id=user.pk, since=day)   # a list, as list(queryset)

How it works: the first call builds the queryset with *probe* values (numbers,
days and words no row has, one set per argument), compiles it and finds where
each probe landed among the SQL's parameters. Later calls put the new values
(converted as the ORM converts them for this database) in those places and hand
Django's own iterables a compiler that answers with that SQL, so rows become
model instances, tuples or dicts exactly as `list(queryset)` makes them, and
`prefetch_related` runs as usual.

What the build may do with its arguments: pass them to filters, `exclude`,
slices' bounds excepted. The compiled form is kept per *shape*: each argument's
type, whether it is None, a list's length; and the active time zone, which
date lookups write into the SQL. A build that branches on None (`if day is
None`) gets one form per branch. A probe that does not come out as one of the
SQL's parameters (a value the ORM rewrote, as `icontains` does) fails at once
with BakeError: such a query cannot be baked. Whole numbers, words, days,
instants and lists of whole numbers are the arguments it takes.

`baked_count` is the same for `queryset.count()`.
"""

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, sql
from django.utils import timezone


class BakeError(Exception):
    """The queryset cannot be compiled once and reused (see the module's docstring)."""


# Probe values: none is a value a row has. Whole numbers stay inside a 32-bit
# integer column's range (Django refuses larger values for such a column).
_INT_PROBE = 1_987_650_000
_DAY_PROBE = date(1901, 2, 3)
_INSTANT_PROBE = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


def _probe(kind: type, n: int) -> Any:
    if kind is int:
        return _INT_PROBE + 7 * n
    if kind is str:
        return f"~{n}~"  # short: a probe may be written into a narrow column
    if kind is datetime:
        return _INSTANT_PROBE + timedelta(minutes=n)
    if kind is date:
        return _DAY_PROBE + timedelta(days=n)
    raise BakeError(f"A baked query takes whole numbers, words, days and instants, not {kind}")


def _kind(value: Any) -> type:
    # bool is an int to Python; a probe number would not stand for it.
    if isinstance(value, bool):
        raise BakeError("A baked query does not take True or False: put it in the build")
    if isinstance(value, datetime):
        return datetime
    for kind in (int, str, date):
        if isinstance(value, kind):
            return kind
    raise BakeError(f"A baked query does not take {type(value).__name__} values")


def _shape(values: dict[str, Any]) -> tuple:
    shape = []
    for name, value in sorted(values.items()):
        if value is None:
            shape.append((name, None))
        elif isinstance(value, list | tuple):
            shape.append((name, list, tuple(_kind(item) for item in value)))
        else:
            shape.append((name, _kind(value)))
    return tuple(shape)


def _converters(connection) -> list[Callable[[Any], Any]]:
    """The ways the ORM may have written a value among the parameters, tried in order."""
    ops = connection.ops
    return [
        lambda value: value,
        ops.adapt_datetimefield_value,
        ops.adapt_datefield_value,
        str,
    ]


class _Form:
    """One shape's SQL: where each argument's values go and how each is written."""

    def __init__(self, sql: str, params: tuple, slots: list[tuple[int, str, int | None, Callable]]):
        self.sql = sql
        self.params = params
        self.slots = slots  # (position, argument, index in a list or None, converter)

    def params_for(self, values: dict[str, Any]) -> list:
        params = list(self.params)
        for position, name, index, convert in self.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = convert(value)
        return params


def _slots(connection, params: tuple, probes: dict) -> list:
    """Find each probe (name, index) among `params`; BakeError if one is missing."""
    converters = _converters(connection)
    slots = []
    found = set()
    for position, param in enumerate(params):
        # PostgreSQL's backend passes small and large whole numbers wrapped in the
        # column's integer type (psycopg's Int2, Int8): the wrapper is the conversion.
        wrapper = type(param) if isinstance(param, int) and type(param) not in (int, bool) else None
        for (name, index), probe in probes.items():
            for convert in [*converters, wrapper] if wrapper else converters:
                try:
                    written = convert(probe)
                except (TypeError, ValueError, AttributeError):
                    continue
                if type(written) is type(param) and written == param:
                    slots.append((position, name, index, convert))
                    found.add((name, index))
                    break
            else:
                continue
            break
    missing = [name for name, index in probes if (name, index) not in found]
    if missing:
        raise BakeError(
            f"The values of {sorted(set(missing))} do not reach the SQL as parameters: "
            "this query cannot be baked"
        )
    return slots


def _probes_for(values: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    """Probe values in the shape of `values`, and {(name, index): probe}."""
    build_values: dict[str, Any] = {}
    probes: dict = {}
    n = 0
    for name, value in sorted(values.items()):
        if value is None:
            build_values[name] = None
        elif isinstance(value, list | tuple):
            items = []
            for index, item in enumerate(value):
                probe = _probe(_kind(item), n)
                n += 1
                probes[(name, index)] = probe
                items.append(probe)
            build_values[name] = type(value)(items)
        else:
            probe = _probe(_kind(value), n)
            n += 1
            probes[(name, None)] = probe
            build_values[name] = probe
    return build_values, probes


class _Baked:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._forms: dict[tuple, tuple[QuerySet, Any, _Form] | None] = {}

    def _form(self, values: dict[str, Any]):
        """This shape's compiled form, compiled now the first time it is asked for."""
        key = (timezone.get_current_timezone_name(), _shape(values))
        if key in self._forms:
            return self._forms[key]
        build_values, probes = _probes_for(values)
        probe_queryset = self.build(**build_values)
        if probe_queryset.db != DEFAULT_DB_ALIAS:
            raise BakeError("A baked query runs on the default database")
        connection = connections[DEFAULT_DB_ALIAS]
        compiler = probe_queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            form = None  # nothing can match (an empty list): no query, as the ORM does
        else:
            slots = _slots(connection, tuple(params), probes)
            form = (probe_queryset, compiler, _Form(sql, tuple(params), slots))
        # Two threads compiling the same shape at once keep either: they are equal.
        self._forms[key] = form
        return form

    def __call__(self, **values) -> list:
        form = self._form(values)
        if form is None:
            return []
        probe_queryset, compiler, sql_form = form
        sql, params = sql_form.sql, sql_form.params_for(values)
        run = copy.copy(compiler)
        # The connection of this thread (compilers keep the one they were made with).
        run.connection = connections[DEFAULT_DB_ALIAS]
        run.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = probe_queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: run
        return list(queryset)


def baked(build: Callable[..., QuerySet]) -> Callable[..., list]:
    """`build(**values)` compiled once per shape; calling the result with values gives
    `list(build(**values))`. See the module's docstring for what `build` may do."""
    return _Baked(build)


class _Captured(Exception):
    def __init__(self, sql: str, params):
        self.sql, self.params = sql, tuple(params or ())


def _first_statement(operation: Callable[[], Any]) -> tuple[str, tuple] | None:
    """The SQL and parameters of the statement `operation` would run first, caught at
    the cursor and never sent (so the database is not asked and no transaction's
    state changes); None when the operation answers without asking (an empty list).

    Only for reads (a count, an aggregate): they run no other statement first and
    leave no transaction marked for rollback when stopped."""

    def stop(execute, sql, params, many, context):
        raise _Captured(sql, params)

    connection = connections[DEFAULT_DB_ALIAS]
    # A test counting queries forces the debug cursor, which would log the statement
    # as run although it is stopped before it is sent; it is off while it is caught.
    # (With DEBUG on, connection.queries lists it once: a development aid only.)
    debug, connection.force_debug_cursor = connection.force_debug_cursor, False
    try:
        with connection.execute_wrapper(stop):
            operation()
    except _Captured as captured:
        return captured.sql, captured.params
    finally:
        connection.force_debug_cursor = debug
    return None


class _BakedStatement:
    """One statement (a count, an aggregate, an update, an insert) compiled once per
    shape from the probes by `build_sql(**probe_values)`, which answers (sql, params) or
    None when nothing can match, and run again with new values."""

    def __init__(
        self,
        build_sql: Callable[..., tuple[str, tuple] | None],
        *,
        every_value_given: bool = False,
    ):
        self.build_sql = build_sql
        # An insert: every value written must come from the call, or a default the
        # ORM filled in at the first call (auto_now, a callable) would be kept as is.
        self.every_value_given = every_value_given
        self._forms: dict[tuple, _Form | None] = {}

    def form(self, values: dict[str, Any]) -> _Form | None:
        key = (timezone.get_current_timezone_name(), _shape(values))
        if key in self._forms:
            return self._forms[key]
        build_values, probes = _probes_for(values)
        compiled = self.build_sql(**build_values)
        if compiled is None:
            form = None
        else:
            sql, params = compiled[0], tuple(compiled[1])
            slots = _slots(connections[DEFAULT_DB_ALIAS], params, probes)
            slotted = {slot[0] for slot in slots}
            left = [param for n, param in enumerate(params) if n not in slotted]
            nones = sum(value is None for value in values.values())
            if self.every_value_given and (left != [None] * nones):
                raise BakeError(
                    "The insert writes values not given in the call (a default or auto_now "
                    "field): give every column's value"
                )
            form = _Form(sql, params, slots)
        self._forms[key] = form
        return form

    def execute(self, values: dict[str, Any], answer: Callable[[Any], Any], nothing: Any):
        form = self.form(values)
        if form is None:
            return nothing
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(form.sql, form.params_for(values))
            return answer(cursor)


def _on_default(queryset: QuerySet) -> QuerySet:
    if queryset.db != DEFAULT_DB_ALIAS:
        raise BakeError("A baked query runs on the default database")
    return queryset


def baked_count(build: Callable[..., QuerySet]) -> Callable[..., int]:
    """`build(**values).count()`, its SQL found once per shape (as `baked`)."""
    statement = _BakedStatement(
        lambda **values: _first_statement(lambda: _on_default(build(**values)).count())
    )
    return lambda **values: statement.execute(values, lambda cursor: cursor.fetchone()[0], 0)


def baked_aggregate(build: Callable[..., QuerySet], **aggregates) -> Callable[..., dict]:
    """`build(**values).aggregate(**aggregates)`, its SQL found once per shape (as
    `baked`): for counts and sums, whose values come as the database gives them,
    without the ORM's conversions."""
    statement = _BakedStatement(
        lambda **values: _first_statement(
            lambda: _on_default(build(**values)).aggregate(**aggregates)
        )
    )

    def answer(cursor) -> dict:
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
        return dict(zip(names, row, strict=True))

    # What the ORM answers when it need not ask (an empty list): 0 for a count.
    nothing = {
        name: getattr(aggregate, "empty_result_set_value", None)
        for name, aggregate in aggregates.items()
    }
    return lambda **values: statement.execute(values, answer, dict(nothing))


def baked_update(build: Callable[..., tuple[QuerySet, dict]]) -> Callable[..., int]:
    """`queryset.update(**changes)` where `build(**values)` answers `(queryset, changes)`,
    its SQL compiled once per shape (as `baked`); answers the number of rows updated.
    A change to a constant (`"status": "done"`) stays in the SQL as it is. One table:
    an update the ORM would split over a model's parents is refused."""

    def compile_update(**values):
        queryset, changes = build(**values)
        query = _on_default(queryset).query.chain(sql.UpdateQuery)
        query.add_update_values(changes)
        if query.related_updates:
            raise BakeError("An update of a model's parents cannot be baked")
        try:
            return query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
        except EmptyResultSet:
            return None

    statement = _BakedStatement(compile_update)
    return lambda **values: statement.execute(values, lambda cursor: cursor.rowcount, 0)


def baked_insert(model: type, *fields: str) -> Callable[..., None]:
    """`model.objects.create(**values)` for `fields`, its INSERT compiled once per shape
    (as `baked`). Every column's value is given (BakeError if a default would be
    filled in), and the row's id is not read back: for history rows nobody reads at
    once. No signal is sent and `save()` is not called."""
    meta = model._meta
    columns = [field for field in meta.local_concrete_fields if field is not meta.auto_field]

    def compile_insert(**values):
        query = sql.InsertQuery(model)
        query.insert_values(columns, [model(**values)])
        [(statement_sql, params)] = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
        return statement_sql, params

    statement = _BakedStatement(compile_insert, every_value_given=True)

    def insert(**values) -> None:
        if set(values) != set(fields):
            raise BakeError(f"An insert into {model.__name__} takes {sorted(fields)}")
        statement.execute(values, lambda cursor: None, None)

    return insert


@cache
def _prefetch_target(model: type, name: str) -> tuple[str, type, Any]:
    """Where Django keeps `name`'s prefetched rows on a `model` instance, their model,
    and for a reverse foreign key the rows' key back to the instance (asked of the
    relation's manager once)."""
    manager = getattr(model(pk=0), name)
    if hasattr(manager, "prefetch_cache_name"):  # a many-to-many relation
        return manager.prefetch_cache_name, manager.model, None
    # A reverse foreign key: the name its manager's get_prefetch_querysets gives (asked
    # here without it, as that reads the rows).
    return manager.field.remote_field.cache_name, manager.model, manager.field


def prefetched(instance, name: str, rows: list) -> None:
    """Give `instance.<name>.all()` the `rows` read by a baked query, as
    `prefetch_related(name)` would have (each row of a reverse foreign key knowing its
    instance, as Django's prefetch sets it): a page reads them without another query."""
    cache_name, model, back = _prefetch_target(type(instance), name)
    queryset = model._default_manager.all()
    queryset._result_cache = rows = list(rows)
    queryset._prefetch_done = True
    if back is not None:
        for row in rows:
            if not back.is_cached(row):
                back.set_cached_value(row, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset
