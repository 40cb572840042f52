"""A SELECT of model rows compiled to SQL once per process and thread, run with new values.

Django compiles a queryset to SQL each time it runs: for a query with a
joined model and a subquery annotation that is about a millisecond of CPU,
more than the database takes to answer it. A hot read whose shape never
changes can instead be compiled once, with placeholder values, and run with
the values of each call; the rows are turned into instances as Django's own
iterable does (the selected model, its ``select_related`` models, the
annotations).

Only on PostgreSQL (where the parameters are the values themselves); on
other databases each call runs the queryset as usual.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


class CompiledSelect(Generic[M]):
    """`build(*values)`'s queryset, compiled once with `placeholders` in place of `values`.

    Each placeholder must be a value no real call passes and must appear in the
    compiled parameters as itself (ints, UUIDs and strings on PostgreSQL).
    """

    def __init__(self, build: Callable[..., QuerySet[M]], placeholders: Sequence[Any]):
        self.build = build
        self.placeholders = tuple(placeholders)
        self._local = threading.local()

    def _compiled(self, using: str) -> tuple[Any, str, list[Any], list[int]]:
        cache = self._local.__dict__.setdefault("compiled", {})
        hit = cache.get(using)
        if hit is None:
            compiler = self.build(*self.placeholders).query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            slots = [params.index(p) for p in self.placeholders]
            hit = cache[using] = (compiler, sql, list(params), slots)
        return hit

    def _run(self, values: Sequence[Any], using: str) -> tuple[Any, list[Any]]:
        compiler, sql, params, slots = self._compiled(using)
        bound = list(params)
        for slot, value in zip(slots, values, strict=True):
            bound[slot] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, bound)
            return compiler, cursor.fetchall()

    def all(self, *values: Any, using: str = "default") -> list[M]:
        if connections[using].vendor != "postgresql":
            return list(self.build(*values))
        compiler, rows = self._run(values, using)
        return self._instances(compiler, rows, using)

    def values(self, *values: Any, using: str = "default") -> list[dict[str, Any]]:
        """The rows of a ``.values(...)`` queryset, as dicts."""
        if connections[using].vendor != "postgresql":
            return list(self.build(*values))  # type: ignore[arg-type]
        compiler, rows = self._run(values, using)
        names = compiler.query.values_select
        return [dict(zip(names, row, strict=True)) for row in compiler.results_iter([rows])]

    def first(self, *values: Any, using: str = "default") -> M | None:
        found = self.all(*values, using=using)
        return found[0] if found else None

    @staticmethod
    def _instances(compiler: Any, rows: list[Any], using: str) -> list[M]:
        """As Django's ModelIterable: the model, its select_related models, the annotations."""
        select, klass_info = compiler.select, compiler.klass_info
        model_cls = klass_info["model"]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        out = []
        for row in compiler.results_iter([rows]):
            obj = model_cls.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in compiler.annotation_col_map.items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out
