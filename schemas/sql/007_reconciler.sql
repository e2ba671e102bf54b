-- The reconciler's own bookkeeping (ARCHITECTURE.md invariant 7: it writes these tables and no
-- entity table). tributary_analyst reads them through 005's default privileges on schema github.

-- What `tributary-reconciler targets add` registered, besides RECONCILE_TARGETS: an organisation
-- ('octo-org', all its repositories) or one repository ('octo-org/hello-world').
CREATE TABLE github.reconcile_targets (
  target     text PRIMARY KEY CHECK (target ~ '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$'),
  added_by   text NOT NULL,
  added_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE github.reconcile_targets IS
  'Targets registered with tributary-reconciler targets add: an organisation (all its repositories) or owner/repo. added_by is the OS user that ran the command.';

-- ETag / Last-Modified and the page's next link per request key (media type and target), so that
-- an unchanged resource costs a 304 and no rate limit on the next run (reconciler/validator_store.hpp).
CREATE TABLE github.reconcile_validators (
  request_key   text PRIMARY KEY,
  etag          text NOT NULL DEFAULT '',
  last_modified text NOT NULL DEFAULT '',
  next_link     text,
  stored_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE github.reconcile_validators IS
  'Validators of the last 200 answer to each GET the reconciler made (key: media type and request target): the next GET is conditional.';

-- How far each resource of each target has been walked (newest-updated first down to here).
CREATE TABLE github.reconcile_watermarks (
  target     text NOT NULL,
  resource   text NOT NULL,
  watermark  text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (target, resource)
);
COMMENT ON TABLE github.reconcile_watermarks IS
  'Per target and resource, the newest version the reconciler has compared: the next walk stops there.';

-- One row per run and target.
CREATE TABLE github.reconcile_runs (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id               text NOT NULL,          -- shared by the rows of one pass over all targets
  target               text NOT NULL,
  started_at           timestamptz NOT NULL,
  finished_at          timestamptz,
  outcome              text NOT NULL DEFAULT 'running'
    CHECK (outcome IN ('running', 'complete', 'budget_exhausted', 'skipped_locked', 'not_found',
                       'stopped', 'failed')),
  detail               text,                   -- what was left for the next run, or the error
  requests             bigint NOT NULL DEFAULT 0,
  not_modified         bigint NOT NULL DEFAULT 0,
  rate_limit_remaining bigint,
  gaps                 jsonb NOT NULL DEFAULT '{}'::jsonb,   -- {"repository": 2, "commit_stats": 5}
  events_published     bigint NOT NULL DEFAULT 0,
  redeliveries         bigint NOT NULL DEFAULT 0,
  duration_seconds     double precision
);
CREATE INDEX reconcile_runs_target_started ON github.reconcile_runs (target, started_at DESC);
COMMENT ON TABLE github.reconcile_runs IS
  'One row per reconciler run and target: requests (304s included), 304s, rate limit left at the end, gaps found per resource, events published, redeliveries, duration and outcome.';

-- 005's default privileges cover tables created by the role that ran it; granting explicitly keeps
-- the analyst's read access whatever role applies this migration.
GRANT SELECT ON github.reconcile_targets, github.reconcile_validators, github.reconcile_watermarks,
                github.reconcile_runs TO tributary_analyst;
