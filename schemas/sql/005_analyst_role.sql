-- tributary_analyst reads schemas github and analytics and writes nothing. Roles belong to the
-- cluster, not the database, so it is created only if absent (several databases may share a
-- cluster). NOLOGIN: grant it to the analysts' own login roles.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tributary_analyst') THEN
    CREATE ROLE tributary_analyst NOLOGIN;
  END IF;
END;
$$;

GRANT USAGE ON SCHEMA github, analytics TO tributary_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA github, analytics TO tributary_analyst;
-- Tables and views later migrations add (run by the same role as this one).
ALTER DEFAULT PRIVILEGES IN SCHEMA github GRANT SELECT ON TABLES TO tributary_analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO tributary_analyst;
