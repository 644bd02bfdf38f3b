"""agency identifiers of Quyết định 20/2020/QĐ-TTg (amended by 09/2025): up to 35 characters

Revision ID: c0010
Revises: c0009
Create Date: 2026-12-05 13:00:00

Every ``agency_code`` (and ``shared_with``) column holds 35 characters instead of 13, so that an
agency identified as ``G12.18.112.001`` syncs. PostgreSQL refuses to change the type of a column
that a row-level security policy reads, so the policies of the public schema are read from
``pg_policies``, dropped, and made again unchanged after the columns are widened (widening a
``varchar`` rewrites no row).
"""
from alembic import op
from sqlalchemy import text

revision = "c0010"
down_revision = "c0009"
branch_labels = None
depends_on = None

COLUMNS = (
    ("central_events", "agency_code"),
    ("central_counter_roles", "agency_code"),
    ("central_counter_keys", "agency_code"),
    ("central_supervisor_roles", "agency_code"),
    ("central_agency_shares", "agency_code"),
    ("central_agency_shares", "shared_with"),
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _resize(length: int) -> None:
    connection = op.get_bind()
    policies = connection.execute(text(
        "SELECT tablename, policyname, permissive, roles, cmd, qual, with_check FROM pg_policies "
        "WHERE schemaname = 'public' ORDER BY tablename, policyname")).all()
    for table, name, *_ in policies:
        op.execute(f"DROP POLICY {_quote(name)} ON {_quote(table)}")
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length})")
    for table, name, permissive, roles, command, using, check in policies:
        sql = f"CREATE POLICY {_quote(name)} ON {_quote(table)} AS {permissive} FOR {command}"
        sql += " TO " + ", ".join(r if r == "public" else _quote(r) for r in roles)
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        op.execute(sql)


def upgrade() -> None:
    _resize(35)


def downgrade() -> None:
    _resize(13)
