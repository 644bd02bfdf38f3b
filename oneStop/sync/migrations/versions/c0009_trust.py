"""a record no counter can forge or take over; a server that holds up against its own users

Revision ID: c0009
Revises: c0008
Create Date: 2026-12-04 21:00:00

* **Signed events.** ``central_events.signature``: the Ed25519 signature of the event's content
  hash by the counter that wrote it. ``central_counter_keys``: each counter's public key, set by
  ``central add-counter --public-key`` or, the first time, by the counter itself
  (``onestop_register_key``: only while none is registered). A counter reads the keys of its
  agency and of the agencies sharing dossiers with it, and checks every event *relayed* by
  another role (a USB file) against the key of the counter it names; events a counter's own
  role inserts are authenticated by PostgreSQL. Relayed rows already here were accepted under
  the earlier rules: they are marked ``legacy``.
* **A relayed impostor cannot block its counter.** ``onestop_reclaim``: when a counter pushes
  its own event into a slot (its id, or its counter and number) that a row *relayed* by another
  role holds with other content, that row goes to the quarantine and the counter's own event
  takes the slot (before, the counter's own event was quarantined, and every later one too).
* **Another agency's counter may record steps on a shared dossier, never a reception** in
  this agency's stream.
* **Each role reads what it needs.** A counter reads its own row of the role mapping (not every
  agency's); a supervisor its own rows, no password hashes (``user.created`` /
  ``user.updated``), and only its agencies' quarantined events. Nobody but the owner creates
  objects in the ``public`` schema.
* **An abandoned transaction cannot stop every pull.** A pull hands out only events older than
  every transaction still running; one left open (a network cut in the middle of a push) held
  back every agency's. Counter and supervisor roles now have
  ``idle_in_transaction_session_timeout`` (60 s) and ``statement_timeout`` (5 min) in this
  database (``oneStop.sync.central.TIMEOUTS``; new roles get them when they are made).
"""
from alembic import op

revision = "c0009"
down_revision = "c0008"
branch_labels = None
depends_on = None

_OWN_COUNTER = "(SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user)"
_OWN_AGENCY = "(SELECT r.agency_code FROM central_counter_roles r WHERE r.role_name = current_user)"
_SHARING = f"(SELECT s.agency_code FROM central_agency_shares s WHERE s.shared_with = {_OWN_AGENCY})"
_SUPERVISED = "(SELECT s.agency_code FROM central_supervisor_roles s WHERE s.role_name = current_user)"
#: the values of ``oneStop.sync.central.TIMEOUTS`` when this was written (a migration is a snapshot)
_TIMEOUTS = {"idle_in_transaction_session_timeout": "60s", "statement_timeout": "300s"}


def _insert_policy(cross_agency_receptions: bool) -> None:
    reception = "" if cross_agency_receptions else "AND kind <> 'dossier.received'"
    op.execute("DROP POLICY counter_inserts_its_own ON central_events")
    op.execute(f"""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT TO onestop_counter
        WITH CHECK ((agency_code = {_OWN_AGENCY}
                     OR (dossier_id IS NOT NULL AND agency_code IN {_SHARING} {reception}))
                    AND (counter_id = {_OWN_COUNTER}
                         OR (relayed_by = current_user AND counter_id LIKE {_OWN_AGENCY} || '#%'))
                    AND (relayed_by IS NULL OR relayed_by = current_user))
    """)


def _timeouts(values: dict[str, str] | None) -> None:
    """Set (or, with None, reset) the timeouts of every member of the two groups, in this database."""
    if values:
        statements = [f"EXECUTE format('ALTER ROLE %I IN DATABASE %I SET {name} = %L', r.rolname, current_database(), "
                      f"'{value}')" for name, value in values.items()]
    else:
        statements = [f"EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET {name}', r.rolname, current_database())"
                      for name in _TIMEOUTS]
    body = ";\n                ".join(statements)
    op.execute(f"""
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT DISTINCT m.rolname FROM pg_auth_members a
                       JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
                      WHERE g.rolname IN ('onestop_counter', 'onestop_supervisor') LOOP
                {body};
            END LOOP;
        END $$
    """)


def upgrade() -> None:
    # signed events, the keys, legacy relays
    op.execute("ALTER TABLE central_events ADD COLUMN signature varchar(100)")
    op.execute("ALTER TABLE central_events ADD COLUMN legacy boolean NOT NULL DEFAULT false")
    op.execute("UPDATE central_events SET legacy = true WHERE relayed_by IS NOT NULL")
    op.execute("GRANT INSERT (signature) ON central_events TO onestop_counter")
    op.execute("""
        CREATE TABLE central_counter_keys (
            counter_id varchar(40) NOT NULL,
            agency_code varchar(13) NOT NULL,
            public_key varchar(44) NOT NULL,
            registered_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_central_counter_keys PRIMARY KEY (counter_id),
            CONSTRAINT ck_central_counter_keys_key CHECK (public_key ~ '^[A-Za-z0-9+/]{43}=$')
        )
    """)
    op.execute("CREATE INDEX ix_central_counter_keys_agency ON central_counter_keys (agency_code)")
    op.execute("ALTER TABLE central_counter_keys ENABLE ROW LEVEL SECURITY")
    op.execute(f"""
        CREATE POLICY counter_reads_keys ON central_counter_keys FOR SELECT TO onestop_counter
        USING (agency_code = {_OWN_AGENCY} OR agency_code IN {_SHARING})
    """)
    op.execute("GRANT SELECT ON central_counter_keys TO onestop_counter")
    # inside these functions current_user is their owner: the calling counter is session_user
    op.execute("""
        CREATE FUNCTION onestop_register_key(p_key text) RETURNS text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE me record; found text;
        BEGIN
            SELECT r.counter_id, r.agency_code INTO me FROM public.central_counter_roles r
             WHERE r.role_name = session_user;
            IF me.counter_id IS NULL THEN
                RETURN NULL;
            END IF;
            INSERT INTO public.central_counter_keys (counter_id, agency_code, public_key)
            VALUES (me.counter_id, me.agency_code, p_key) ON CONFLICT (counter_id) DO NOTHING;
            SELECT k.public_key INTO found FROM public.central_counter_keys k WHERE k.counter_id = me.counter_id;
            RETURN found;
        END $$
    """)
    op.execute("""
        CREATE FUNCTION onestop_reclaim(p_ids uuid[], p_seqs bigint[], p_hashes text[]) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE me text; moved integer;
        BEGIN
            SELECT r.counter_id INTO me FROM public.central_counter_roles r WHERE r.role_name = session_user;
            IF me IS NULL THEN
                RETURN 0;
            END IF;
            WITH pushed AS (SELECT * FROM unnest(p_ids, p_seqs, p_hashes) AS t(id, seq, hash)),
                 impostors AS (
                    SELECT DISTINCT e.id, e.counter_id, e.seq, e.content_hash, e.relayed_by, e.kind, e.payload
                      FROM public.central_events e JOIN pushed p ON e.id = p.id OR e.seq = p.seq
                     WHERE e.counter_id = me AND e.relayed_by IS NOT NULL
                       AND NOT (e.id = p.id AND e.content_hash = p.hash)),
                 kept AS (
                    INSERT INTO public.central_quarantine (event_id, counter_id, seq, content_hash, event, reason,
                                                           relayed_by)
                    SELECT i.id, i.counter_id, i.seq, i.content_hash,
                           json_build_object('kind', i.kind, 'payload', i.payload)::text,
                           'chuyển hộ nhưng khác sự kiện của chính quầy: nhường chỗ cho sự kiện của quầy',
                           i.relayed_by
                      FROM impostors i RETURNING 1)
            DELETE FROM public.central_events e USING impostors i WHERE e.id = i.id;
            GET DIAGNOSTICS moved = ROW_COUNT;
            RETURN moved;
        END $$
    """)
    for function in ("onestop_register_key(text)", "onestop_reclaim(uuid[], bigint[], text[])"):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO onestop_counter")
    # another agency's counter: steps on a shared dossier, never a reception
    _insert_policy(cross_agency_receptions=False)
    # each role reads what it needs
    op.execute("ALTER TABLE central_counter_roles ENABLE ROW LEVEL SECURITY")
    op.execute("""
        CREATE POLICY counter_reads_its_role ON central_counter_roles FOR SELECT TO onestop_counter
        USING (role_name = current_user)
    """)
    op.execute("ALTER TABLE central_supervisor_roles ENABLE ROW LEVEL SECURITY")
    op.execute("""
        CREATE POLICY supervisor_reads_its_roles ON central_supervisor_roles FOR SELECT TO onestop_supervisor
        USING (role_name = current_user)
    """)
    op.execute("DROP POLICY supervisor_reads_its_agencies ON central_events")
    op.execute(f"""
        CREATE POLICY supervisor_reads_its_agencies ON central_events FOR SELECT TO onestop_supervisor
        USING ((agency_code IN {_SUPERVISED} OR split_part(counter_id, '#', 1) IN {_SUPERVISED})
               AND kind NOT IN ('user.created', 'user.updated'))
    """)
    op.execute("DROP POLICY supervisor_reads_quarantine ON central_quarantine")
    op.execute(f"""
        CREATE POLICY supervisor_reads_quarantine ON central_quarantine FOR SELECT TO onestop_supervisor
        USING (split_part(counter_id, '#', 1) IN {_SUPERVISED})
    """)
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    _timeouts(_TIMEOUTS)


def downgrade() -> None:
    _timeouts(None)
    op.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    op.execute("DROP POLICY supervisor_reads_quarantine ON central_quarantine")
    op.execute("""
        CREATE POLICY supervisor_reads_quarantine ON central_quarantine FOR SELECT TO onestop_supervisor
        USING (EXISTS (SELECT 1 FROM central_supervisor_roles s WHERE s.role_name = current_user))
    """)
    op.execute("DROP POLICY supervisor_reads_its_agencies ON central_events")
    op.execute(f"""
        CREATE POLICY supervisor_reads_its_agencies ON central_events FOR SELECT TO onestop_supervisor
        USING (agency_code IN {_SUPERVISED} OR split_part(counter_id, '#', 1) IN {_SUPERVISED})
    """)
    op.execute("DROP POLICY supervisor_reads_its_roles ON central_supervisor_roles")
    op.execute("ALTER TABLE central_supervisor_roles DISABLE ROW LEVEL SECURITY")
    op.execute("DROP POLICY counter_reads_its_role ON central_counter_roles")
    op.execute("ALTER TABLE central_counter_roles DISABLE ROW LEVEL SECURITY")
    _insert_policy(cross_agency_receptions=True)
    op.execute("DROP FUNCTION onestop_reclaim(uuid[], bigint[], text[])")
    op.execute("DROP FUNCTION onestop_register_key(text)")
    op.execute("DROP TABLE central_counter_keys")
    op.execute("REVOKE INSERT (signature) ON central_events FROM onestop_counter")
    op.execute("ALTER TABLE central_events DROP COLUMN legacy")
    op.execute("ALTER TABLE central_events DROP COLUMN signature")
