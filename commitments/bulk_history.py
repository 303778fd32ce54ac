"""History rows written set-based, for writes done in bulk (the ACLED import, the link
proposals): ``INSERT INTO <historical table> SELECT ... FROM <table> WHERE ...``, one
statement for any number of rows, with the same who, when and why simple-history's own
rows carry. The historical tables hold a copy of every field of the model under the same
column names, plus history_id, history_date, history_change_reason, history_type and
history_user."""

from datetime import datetime

from django.db import connection

HISTORY_TYPES = {"+", "~", "-"}  # created, changed, deleted, as simple-history writes them


def tracked_columns(model) -> list[str]:
    """The model's columns its historical table copies."""
    historical = model.history.model
    return [f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")]


def history_insert(
    model,
    *,
    where: str,
    params: list,
    history_type: str,
    user_id: int | None,
    when: datetime,
    reason: str = "",
    reason_sql: str = "",
    reason_params: list | None = None,
    alias: str = "t",
    with_sql: str = "",
    with_params: list | None = None,
) -> int:
    """Copy the rows of ``model``'s table matching ``where`` (SQL over ``alias``, with
    ``params``) into its historical table, with who, when and ``reason``, or a reason per
    row given as the SQL expression ``reason_sql`` (with ``reason_params``). Returns the
    rows written. ``with_sql`` (PostgreSQL), a data-modifying ``WITH t AS (INSERT ...
    RETURNING *)`` with ``with_params``, makes the rows to copy those that statement writes:
    one pass, and the fresh rows are not read back from the table."""
    if history_type not in HISTORY_TYPES:
        raise ValueError(f"history_type is one of {sorted(HISTORY_TYPES)}")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    historical = quote(model.history.model._meta.db_table)
    columns = tracked_columns(model)
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join(f"{alias}.{quote(c)}" for c in columns)
    sql = (
        f"INSERT INTO {historical} ({names}, history_date, history_type, history_user_id, history_change_reason) "
        f"SELECT {values}, %s, %s, %s, {reason_sql or '%s'} FROM {alias if with_sql else table} {alias} "
        f"WHERE {where}"
    )
    if with_sql:
        sql = f"{with_sql} {sql}"
    arguments = [
        *(with_params or []),
        when,
        history_type,
        user_id,
        *((reason_params or []) if reason_sql else [reason]),
        *params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return cursor.rowcount
