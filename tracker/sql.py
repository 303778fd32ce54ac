"""INSERT ... SELECT, which the ORM lacks. The SELECT is an ORM queryset, so every
predicate stays in Python; rows that would break a unique constraint are skipped."""

from django.db import connection
from django.db.models import QuerySet


def insert_from_select(model, field_names: list[str], rows: QuerySet) -> int:
    """Insert ``rows`` (a values_list queryset, columns in ``field_names`` order) into
    ``model``'s table; return how many rows were new."""
    select_sql, params = rows.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in field_names)
    # The SELECT always has a WHERE clause, which SQLite needs before ON CONFLICT.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
