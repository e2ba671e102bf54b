-- A synthetic history for the DORA views, written straight into the entity tables: one
-- repository, :pushes pushes to main in a line (each bringing a commit and its head), a pull
-- request merged at every other push (its merge commit the push's head), a deployment to
-- production and one to staging at every fourth push, each with a success status.
-- psql -v pushes=20000 -f history.sql
TRUNCATE github.pushes, github.pull_requests, github.deployments, github.deployment_statuses;
INSERT INTO github.pushes (repository_id, ref, before_sha, after_sha, forced, pushed_at, shas,
                           seen_at, seen_delivery)
SELECT 1, 'refs/heads/main', 'h' || (i - 1), 'h' || i, false,
       timestamptz '2024-01-01' + i * interval '10 minutes', ARRAY['c' || i, 'h' || i], now(),
       'push-' || i
FROM generate_series(1, :pushes) i;
INSERT INTO github.pull_requests (id, repository_id, number, state, created_at, updated_at,
                                  merged_at, version_at, seen_at, seen_delivery, base_ref,
                                  merge_commit_sha)
SELECT i, 1, i, 'closed', timestamptz '2024-01-01' + i * interval '10 minutes' - interval '1 hour',
       timestamptz '2024-01-01' + i * interval '10 minutes',
       timestamptz '2024-01-01' + i * interval '10 minutes', now(), now(), 'pull-' || i, 'main',
       'h' || i
FROM generate_series(2, :pushes, 2) i;
INSERT INTO github.deployments (id, repository_id, sha, environment, created_at, version_at,
                                seen_at, seen_delivery)
SELECT e * 1000000000 + i, 1, 'h' || i, CASE e WHEN 1 THEN 'production' ELSE 'staging' END,
       timestamptz '2024-01-01' + i * interval '10 minutes' + interval '1 minute', now(), now(),
       'deployment-' || i
FROM generate_series(4, :pushes, 4) i, generate_series(1, 2) e;
INSERT INTO github.deployment_statuses (id, deployment_id, repository_id, state, created_at,
                                        version_at, seen_at, seen_delivery)
SELECT d.id, d.id, 1, 'success', d.created_at + interval '2 minutes', now(), now(), 'status'
FROM github.deployments d;
ANALYZE;
