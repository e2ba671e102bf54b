-- PostgreSQL's JIT off for this database. The analytics views are many joins and aggregates
-- whose row estimates make the planner compile them, and compiling costs more than it saves:
-- counting analytics.change_lead_times over 20,000 pushes took 2.1 s with JIT off and 8.5 s with
-- it on (BENCHMARKS.md, the DORA views). A per-role setting would not reach analysts, since
-- tributary_analyst is a group role and its members don't inherit its settings. Sessions that
-- start after this migration get it; a session can still SET jit = on.
-- Only the database's owner (or a superuser) may change its settings: a migration role that is
-- neither leaves it as it was and says so, rather than failing the migration; the database's
-- owner can run the same ALTER DATABASE by hand.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'jit left as it is: only the owner of database % may set it (ALTER DATABASE % SET jit = off)',
    current_database(), current_database();
END
$$;
