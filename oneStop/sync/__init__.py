"""Replication with the province's central PostgreSQL database: the append-only event log
travels (push idempotent, pull by a cursor the central database assigns); each side's state
is the projection of the events it holds."""
