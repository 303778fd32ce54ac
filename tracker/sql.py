"""INSERT ... SELECT, which the ORM lacks. The SELECT is an ORM queryset, so every
predicate stays in Python; rows that would break a unique constraint are skipped."""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Expression, F, QuerySet


def insert_from_select(model, rows: QuerySet, values: Mapping[str, Expression | str]) -> int:
    """Insert one row of ``model`` per row of ``rows``, each of ``model``'s fields named in
    ``values`` set to its expression (or the field of ``rows`` it names), evaluated on that
    row; return how many rows were new."""
    # Each value is selected under an alias of its own, in the order of the columns.
    aliases = {f"insert_{name}": F(value) if isinstance(value, str) else value for name, value in values.items()}
    select = rows.annotate(**aliases).values_list(*aliases).order_by()
    select_sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in values)
    # The SELECT always has a WHERE clause, which SQLite needs before ON CONFLICT.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
