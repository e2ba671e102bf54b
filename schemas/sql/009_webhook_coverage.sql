-- Coverage for admins: per repository, whether its webhooks arrive, which entities webhooks
-- brought and which only the reconciler did, and what the reconciler's last run found missing.
-- A healthy hook shows near-zero gaps; a silent one shows up here before analysts notice.

-- The repository of each delivery, as the worker read it from the payload (repository.full_name;
-- NULL for an event without one: organisation, team, installation events). Deliveries folded
-- before this migration have NULL. Indexed for "when did the last webhook of this repository
-- arrive".
ALTER TABLE github.deliveries ADD COLUMN repository text;
COMMENT ON COLUMN github.deliveries.repository IS
  'payload.repository.full_name of the delivery (NULL when the event has none, and for deliveries folded before migration 009).';
CREATE INDEX deliveries_webhook_repository ON github.deliveries (repository, received_at)
  WHERE source = 'webhook';

-- The delivery that first inserted each row, for the entity tables the coverage view counts
-- (github.commits has had first_seen_delivery since 002). A BEFORE INSERT trigger copies the row's
-- seen_delivery; the folds' ON CONFLICT DO UPDATE never set it, so a later version keeps it. Rows
-- inserted before this migration have NULL (their origin is unknown; the view falls back to
-- seen_delivery). Adding a nullable column without default rewrites no table.
ALTER TABLE github.repositories ADD COLUMN first_seen_delivery text;
ALTER TABLE github.pull_requests ADD COLUMN first_seen_delivery text;
ALTER TABLE github.pull_request_reviews ADD COLUMN first_seen_delivery text;
ALTER TABLE github.issues ADD COLUMN first_seen_delivery text;
ALTER TABLE github.stars ADD COLUMN first_seen_delivery text;
ALTER TABLE github.releases ADD COLUMN first_seen_delivery text;

CREATE FUNCTION github.remember_first_delivery() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.first_seen_delivery := NEW.seen_delivery;
  RETURN NEW;
END;
$$;
COMMENT ON FUNCTION github.remember_first_delivery() IS
  'BEFORE INSERT: first_seen_delivery := seen_delivery (an upsert that finds the row keeps the stored one).';

CREATE TRIGGER remember_first_delivery BEFORE INSERT ON github.repositories
  FOR EACH ROW EXECUTE FUNCTION github.remember_first_delivery();
CREATE TRIGGER remember_first_delivery BEFORE INSERT ON github.pull_requests
  FOR EACH ROW EXECUTE FUNCTION github.remember_first_delivery();
CREATE TRIGGER remember_first_delivery BEFORE INSERT ON github.pull_request_reviews
  FOR EACH ROW EXECUTE FUNCTION github.remember_first_delivery();
CREATE TRIGGER remember_first_delivery BEFORE INSERT ON github.issues
  FOR EACH ROW EXECUTE FUNCTION github.remember_first_delivery();
CREATE TRIGGER remember_first_delivery BEFORE INSERT ON github.stars
  FOR EACH ROW EXECUTE FUNCTION github.remember_first_delivery();
CREATE TRIGGER remember_first_delivery BEFORE INSERT ON github.releases
  FOR EACH ROW EXECUTE FUNCTION github.remember_first_delivery();

COMMENT ON COLUMN github.repositories.first_seen_delivery IS 'The delivery that inserted the row (NULL: before migration 009).';
COMMENT ON COLUMN github.pull_requests.first_seen_delivery IS 'The delivery that inserted the row (NULL: before migration 009).';
COMMENT ON COLUMN github.pull_request_reviews.first_seen_delivery IS 'The delivery that inserted the row (NULL: before migration 009).';
COMMENT ON COLUMN github.issues.first_seen_delivery IS 'The delivery that inserted the row (NULL: before migration 009).';
COMMENT ON COLUMN github.stars.first_seen_delivery IS 'The delivery that inserted the row (NULL: before migration 009).';
COMMENT ON COLUMN github.releases.first_seen_delivery IS 'The delivery that inserted the row (NULL: before migration 009).';

-- The gaps each reconciler run found, by repository and resource (run_record::repository_gaps,
-- written with the run's row when it finishes). A repository a run covered without finding a gap
-- has no row.
CREATE TABLE github.reconcile_repository_gaps (
  run_row     bigint NOT NULL REFERENCES github.reconcile_runs (id) ON DELETE CASCADE,
  repository  text NOT NULL,     -- full name, as GitHub's REST API gave it
  resource    text NOT NULL,     -- 'repository', 'commit_stats', 'pulls', ...
  gaps        bigint NOT NULL CHECK (gaps > 0),
  PRIMARY KEY (run_row, repository, resource)
);
COMMENT ON TABLE github.reconcile_repository_gaps IS
  'Entities a reconciler run (github.reconcile_runs.id) found missing or stale, by repository and resource; no row: none.';

-- Schema admin: views for the people who run Tributary. Not analytics, which holds exactly the
-- views CONTRACT.md promises analysts (tests/workers/schema_test.cpp holds it to that); analysts
-- may read admin too.
CREATE SCHEMA admin;
COMMENT ON SCHEMA admin IS
  'Views for the people who run Tributary (is every webhook arriving?), apart from the analysts'' contract in analytics.';
GRANT USAGE ON SCHEMA admin TO tributary_analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA admin GRANT SELECT ON TABLES TO tributary_analyst;

CREATE VIEW admin.webhook_coverage AS
WITH entity AS (
  -- Every entity row of a repository: the delivery that inserted it, and the one whose version it
  -- holds. Commits never change: both are first_seen_delivery.
  SELECT id AS repository_id, coalesce(first_seen_delivery, seen_delivery) AS first_delivery,
         seen_delivery AS current_delivery
    FROM github.repositories
  UNION ALL
  SELECT repository_id, first_seen_delivery, first_seen_delivery FROM github.commits
  UNION ALL
  SELECT repository_id, coalesce(first_seen_delivery, seen_delivery), seen_delivery FROM github.pull_requests
  UNION ALL
  SELECT repository_id, coalesce(first_seen_delivery, seen_delivery), seen_delivery FROM github.pull_request_reviews
  UNION ALL
  SELECT repository_id, coalesce(first_seen_delivery, seen_delivery), seen_delivery FROM github.issues
  UNION ALL
  SELECT repository_id, coalesce(first_seen_delivery, seen_delivery), seen_delivery FROM github.stars
  UNION ALL
  SELECT repository_id, coalesce(first_seen_delivery, seen_delivery), seen_delivery FROM github.releases
),
provenance AS (
  SELECT e.repository_id,
         count(*) AS entities,
         count(*) FILTER (WHERE inserted_by.source = 'webhook') AS first_by_webhook,
         count(*) FILTER (WHERE inserted_by.source = 'reconciler' AND versioned_by.source = 'reconciler')
           AS only_by_reconciler
    FROM entity e
    LEFT JOIN github.deliveries inserted_by ON inserted_by.delivery_id = e.first_delivery
    LEFT JOIN github.deliveries versioned_by ON versioned_by.delivery_id = e.current_delivery
   GROUP BY e.repository_id
),
last_run AS (
  -- The latest finished run of a target covering the repository (itself, or its organisation).
  SELECT DISTINCT ON (r.id) r.id AS repository_id, run.id AS run_row, run.finished_at, run.outcome
    FROM github.repositories r
    JOIN github.reconcile_runs run
      ON lower(run.target) IN (lower(r.full_name), lower(r.owner_login))
   WHERE run.finished_at IS NOT NULL AND run.outcome <> 'skipped_locked'
   ORDER BY r.id, run.started_at DESC, run.id DESC
)
SELECT r.full_name AS repository,
       r.id AS repository_id,
       (SELECT max(d.received_at) FROM github.deliveries d
         WHERE d.source = 'webhook' AND d.repository = r.full_name) AS last_webhook_at,
       coalesce(p.entities, 0) AS entities,
       coalesce(p.first_by_webhook, 0) AS entities_first_by_webhook,
       coalesce(p.only_by_reconciler, 0) AS entities_only_by_reconciler,
       lr.finished_at AS last_run_at,
       lr.outcome AS last_run_outcome,
       CASE WHEN lr.run_row IS NULL THEN NULL
            ELSE (SELECT coalesce(sum(g.gaps), 0) FROM github.reconcile_repository_gaps g
                   WHERE g.run_row = lr.run_row AND lower(g.repository) = lower(r.full_name))
       END AS last_run_gaps,
       CASE WHEN lr.run_row IS NULL THEN NULL
            ELSE (SELECT coalesce(jsonb_object_agg(g.resource, g.gaps), '{}'::jsonb)
                    FROM github.reconcile_repository_gaps g
                   WHERE g.run_row = lr.run_row AND lower(g.repository) = lower(r.full_name))
       END AS last_run_gaps_by_resource
  FROM github.repositories r
  LEFT JOIN provenance p ON p.repository_id = r.id
  LEFT JOIN last_run lr ON lr.repository_id = r.id;

COMMENT ON VIEW admin.webhook_coverage IS
  'For admins, one row per repository in github.repositories: whether its webhooks arrive, which of its entities webhooks brought and which only the reconciler did, and what the reconciler''s last run found missing. A healthy hook: a recent last_webhook_at, entities_only_by_reconciler and last_run_gaps near zero. A silent one: an old or NULL last_webhook_at, and gaps. Scans the entity tables: an admin view, not for dashboards that refresh every second.';
COMMENT ON COLUMN admin.webhook_coverage.repository IS 'github.repositories.full_name.';
COMMENT ON COLUMN admin.webhook_coverage.last_webhook_at IS
  'received_at of the newest delivery with source webhook whose payload.repository.full_name is this full_name (github.deliveries.repository; deliveries folded before migration 009 do not count; a renamed repository''s older deliveries carry its old name). NULL: none.';
COMMENT ON COLUMN admin.webhook_coverage.entities IS
  'Rows of this repository in github.repositories (itself), commits, pull_requests, pull_request_reviews, issues, stars and releases.';
COMMENT ON COLUMN admin.webhook_coverage.entities_first_by_webhook IS
  'Of those, the rows first inserted by a delivery with source webhook (first_seen_delivery, or seen_delivery for rows inserted before migration 009, in the ledger).';
COMMENT ON COLUMN admin.webhook_coverage.entities_only_by_reconciler IS
  'Of those, the rows first inserted by a reconciler event and whose stored version is a reconciler event''s too: webhooks had not delivered them when the reconciler found them missing, and none has superseded it since.';
COMMENT ON COLUMN admin.webhook_coverage.last_run_at IS
  'finished_at of the latest finished reconciler run (not skipped_locked) of a target covering this repository: its full name, or its owner as an organisation target. NULL: none.';
COMMENT ON COLUMN admin.webhook_coverage.last_run_outcome IS 'That run''s outcome (a budget_exhausted or failed run may not have read every resource).';
COMMENT ON COLUMN admin.webhook_coverage.last_run_gaps IS
  'Entities of this repository that run found missing or stale, all resources together (github.reconcile_repository_gaps). NULL: no run yet.';
COMMENT ON COLUMN admin.webhook_coverage.last_run_gaps_by_resource IS
  'The same by resource, e.g. {"pulls": 2, "commit_stats": 5}; {} when none.';

GRANT SELECT ON github.reconcile_repository_gaps, admin.webhook_coverage TO tributary_analyst;
