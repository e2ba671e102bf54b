-- DORA metrics and the pull request cycle by week (issue 11).
--
-- What a deployment "contains" is read from the push history of the deliveries themselves, so that
-- a refold derives it again without asking GitHub: a merged pull request's merge commit
-- (merge_commit_sha, which GitHub sets at the merge) is contained in a deployed commit when both
-- were pushed to the pull request's base branch, the merge commit first (github.pushes below;
-- schemas/README.md, "DORA").

-- Where a merge landed: the base branch's name (pull_request.base.ref) and the commit GitHub made
-- on it. Both come with every pull request object, abridged or not, so they belong to the summary
-- and follow its version. merge_commit_sha means the merge commit only once merged_at is set
-- (before, it names GitHub's test merge).
ALTER TABLE github.pull_requests
  ADD COLUMN base_ref text,
  ADD COLUMN merge_commit_sha text;

-- One row per push to a ref, from push webhooks (which carry ref, before and after; the
-- reconciler's synthetic pushes carry single commits and no ref, so they record no push).
-- A push is a fact: the same (ref, before, after) always brings the same commits, so copies of it
-- keep the earliest report (smallest pushed_at, then received-at, then delivery id), whatever
-- order they arrive in.
CREATE TABLE github.pushes (
  repository_id  bigint NOT NULL,
  ref            text NOT NULL,           -- refs/heads/main, refs/tags/v1
  before_sha     text NOT NULL,           -- the ref's head before the push (zeros: created)
  after_sha      text NOT NULL,           -- its head after
  forced         boolean NOT NULL,        -- history rewritten: before is no ancestor of after
  pushed_at      timestamptz NOT NULL,    -- repository.pushed_at of the push payload, else received-at
  shas           text[] NOT NULL,         -- the commits it brought in the payload's order (oldest
                                          -- first), then after_sha when it is not the last of them
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL,
  PRIMARY KEY (repository_id, ref, before_sha, after_sha)
);
COMMENT ON TABLE github.pushes IS
  'Pushes to branches and tags, from push webhooks (not deletions; not the reconciler''s synthetic one-commit pushes). shas: the commits the push brought, in the payload''s order, then after_sha if it is not the last of them. pushed_at: the push payload''s repository.pushed_at (capped at received-at + 5 minutes), else the received-at. Copies of a push keep the earliest report.';

-- Every deployment that reached an outcome, the facts the DORA views count.
CREATE VIEW analytics.deployment_outcomes AS
WITH statuses AS (
  SELECT s.deployment_id,
         min(s.created_at) FILTER (WHERE s.state = 'success') AS succeeded_at,
         min(s.created_at) FILTER (WHERE s.state IN ('failure', 'error')) AS failed_at
  FROM github.deployment_statuses s
  GROUP BY s.deployment_id
), outcomes AS (
  SELECT d.id, d.repository_id, coalesce(d.environment, 'production') AS environment, d.sha,
         d.ref, d.created_at, s.succeeded_at, s.failed_at
  FROM github.deployments d
  JOIN statuses s ON s.deployment_id = d.id
  WHERE s.succeeded_at IS NOT NULL OR s.failed_at IS NOT NULL
), succeeded AS (
  SELECT o.id, o.repository_id, o.environment, o.sha, o.succeeded_at,
         lag(o.id) OVER live AS replaced_id, lag(o.sha) OVER live AS replaced_sha
  FROM outcomes o
  WHERE o.succeeded_at IS NOT NULL
  WINDOW live AS (PARTITION BY o.repository_id, o.environment ORDER BY o.succeeded_at, o.id)
), rollbacks AS (
  SELECT s.id, s.replaced_id
  FROM succeeded s
  WHERE s.replaced_sha <> s.sha
    AND EXISTS (SELECT 1 FROM succeeded e
                WHERE e.repository_id = s.repository_id AND e.environment = s.environment
                  AND e.sha = s.sha AND (e.succeeded_at, e.id) < (s.succeeded_at, s.id))
)
SELECT coalesce(r.full_name, '#' || o.repository_id) AS repo,
       o.environment,
       o.id AS deployment_id,
       o.sha,
       o.ref,
       o.created_at,
       o.succeeded_at,
       o.failed_at,
       back.id IS NOT NULL AS rollback,
       rolled.id AS rolled_back_by,
       (o.failed_at IS NOT NULL OR rolled.id IS NOT NULL) AS failed_change,
       o.repository_id
FROM outcomes o
LEFT JOIN rollbacks back ON back.id = o.id
LEFT JOIN rollbacks rolled ON rolled.replaced_id = o.id
LEFT JOIN github.repositories r ON r.id = o.repository_id;

COMMENT ON VIEW analytics.deployment_outcomes IS
$$One row per deployment with a success, failure or error status. environment: the deployment's environment ('production' when GitHub gives none, its API's default).
succeeded_at: the created_at of its first status 'success'; failed_at: of its first status 'failure' or 'error' (either may be NULL; a deployment can succeed and later be marked failed).
rollback: it succeeded, the deployment it replaced (the latest deployment before it to succeed in the same repository and environment, by succeeded_at then id) deployed another sha, and an earlier successful deployment there deployed its sha: it put back an older version. rolled_back_by: the rollback that replaced this deployment.
failed_change: failed_at is set or the deployment was rolled back.$$;

-- Failures and the success that ended them.
CREATE VIEW analytics.deployment_restores AS
WITH events AS (
  SELECT o.repository_id, o.repo, o.environment, o.deployment_id, o.failed_at AS at, false AS success
  FROM analytics.deployment_outcomes o
  WHERE o.failed_at IS NOT NULL
  UNION ALL
  SELECT o.repository_id, o.repo, o.environment, o.deployment_id, o.succeeded_at, true
  FROM analytics.deployment_outcomes o
  WHERE o.succeeded_at IS NOT NULL
), counted AS (
  -- successes: how many successes came before (a failure) or up to (a success) this event; at
  -- equal times a failure comes first.
  SELECT e.*,
         count(*) FILTER (WHERE e.success) OVER (
           PARTITION BY e.repository_id, e.environment ORDER BY e.at, e.success, e.deployment_id
           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS successes
  FROM events e
), failures AS (
  SELECT DISTINCT ON (c.repository_id, c.environment, c.successes)
         c.repository_id, c.repo, c.environment, c.successes, c.deployment_id, c.at
  FROM counted c
  WHERE NOT c.success
  ORDER BY c.repository_id, c.environment, c.successes, c.at, c.deployment_id
)
SELECT f.repo,
       f.environment,
       f.deployment_id AS failed_deployment_id,
       f.at AS failed_at,
       s.deployment_id AS restored_by_deployment_id,
       s.at AS restored_at,
       extract(epoch FROM s.at - f.at) / 3600 AS hours_to_restore,
       f.repository_id
FROM failures f
LEFT JOIN counted s ON s.success AND s.repository_id = f.repository_id
                   AND s.environment = f.environment AND s.successes = f.successes + 1;

COMMENT ON VIEW analytics.deployment_restores IS
$$One row per failure episode of a repository and environment: it starts at the failed_at of a deployment (see analytics.deployment_outcomes) when no other failure came since the last success there (later failures before a success belong to the same episode), and ends at the next succeeded_at there (of any deployment, the failed one included; at equal times the failure comes first).
failed_deployment_id, failed_at: the failure that opened the episode. restored_by_deployment_id, restored_at: the success that ended it (NULL while none has). hours_to_restore = (restored_at - failed_at) in hours.
A rollback without a failure status opens no episode (there is no failure time to measure from); it counts in analytics.dora_change_failure_rate.$$;

-- Each merged pull request, in each environment of its repository, and the first deployment of a
-- commit that contains it. Where the base branch carried the merge commit and where it carried
-- each deployed commit are put in one stream per (repository, branch, environment, epoch), in
-- the branch's order, latest first; a running minimum over it gives each merge commit the first
-- successful deployment at or after it: one sort, however many pull requests and deployments.
CREATE VIEW analytics.change_lead_times AS
WITH merged AS (
  SELECT p.repository_id, p.number, p.merged_at, p.merge_commit_sha,
         'refs/heads/' || p.base_ref AS branch
  FROM github.pull_requests p
  WHERE p.merged_at IS NOT NULL AND p.merge_commit_sha IS NOT NULL AND p.base_ref IS NOT NULL
), deployed AS (
  -- first: orders deployments by (succeeded_at, id); min() of it picks the first one
  SELECT o.repository_id, o.environment, o.deployment_id, o.sha, o.succeeded_at,
         ARRAY[extract(epoch FROM o.succeeded_at), o.deployment_id] AS first
  FROM analytics.deployment_outcomes o
  WHERE o.succeeded_at IS NOT NULL
), environments AS (
  SELECT DISTINCT d.repository_id, d.environment FROM deployed d
), branch_pushes AS (
  -- epoch: the forced pushes to the branch so far, this one included
  SELECT u.repository_id, u.ref, u.before_sha, u.forced, u.shas, u.pushed_at, u.seen_at,
         u.seen_delivery,
         count(*) FILTER (WHERE u.forced) OVER (
           PARTITION BY u.repository_id, u.ref ORDER BY u.pushed_at, u.seen_at, u.seen_delivery
           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS epoch
  FROM github.pushes u
  WHERE (u.repository_id, u.ref) IN (SELECT m.repository_id, m.branch FROM merged m)
), carried AS (
  -- each commit a push carried and its place: the branch's head before it (0, unless forced),
  -- then what it brought (1, 2, ...)
  SELECT u.repository_id, u.ref, u.epoch, u.pushed_at, u.seen_at, u.seen_delivery,
         0::bigint AS position, u.before_sha AS sha
  FROM branch_pushes u
  WHERE NOT u.forced
  UNION ALL
  SELECT u.repository_id, u.ref, u.epoch, u.pushed_at, u.seen_at, u.seen_delivery,
         c.position, c.sha
  FROM branch_pushes u
  CROSS JOIN LATERAL unnest(u.shas) WITH ORDINALITY AS c(sha, position)
), stream AS (
  SELECT c.repository_id, c.ref, c.epoch, c.pushed_at, c.seen_at, c.seen_delivery, c.position,
         e.environment, m.number, NULL::numeric[] AS first
  FROM carried c
  JOIN merged m ON m.repository_id = c.repository_id AND m.branch = c.ref AND m.merge_commit_sha = c.sha
  JOIN environments e ON e.repository_id = m.repository_id
  UNION ALL
  SELECT c.repository_id, c.ref, c.epoch, c.pushed_at, c.seen_at, c.seen_delivery, c.position,
         d.environment, NULL, d.first
  FROM carried c
  JOIN deployed d ON d.repository_id = c.repository_id AND d.sha = c.sha
), reached AS (
  -- at equal places (the merge commit deployed itself) the deployment comes first
  SELECT s.repository_id, s.environment, s.number,
         min(s.first) OVER (
           PARTITION BY s.repository_id, s.ref, s.environment, s.epoch
           ORDER BY s.pushed_at DESC, s.seen_at DESC, s.seen_delivery DESC, s.position DESC,
                    s.number NULLS FIRST
           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS first
  FROM stream s
), candidates AS (
  SELECT r.repository_id, r.environment, r.number, r.first
  FROM reached r
  WHERE r.number IS NOT NULL AND r.first IS NOT NULL
  UNION ALL
  SELECT m.repository_id, d.environment, m.number, d.first
  FROM merged m
  JOIN deployed d ON d.repository_id = m.repository_id AND d.sha = m.merge_commit_sha
), firsts AS (
  SELECT c.repository_id, c.environment, c.number, min(c.first) AS first
  FROM candidates c
  GROUP BY c.repository_id, c.environment, c.number
)
SELECT coalesce(r.full_name, '#' || m.repository_id) AS repo,
       e.environment,
       m.number,
       m.merged_at,
       m.merge_commit_sha,
       d.deployment_id,
       d.sha AS deployed_sha,
       d.succeeded_at AS deployed_at,
       extract(epoch FROM d.succeeded_at - m.merged_at) / 3600 AS lead_time_hours,
       m.repository_id
FROM merged m
JOIN environments e ON e.repository_id = m.repository_id
LEFT JOIN firsts f ON f.repository_id = m.repository_id AND f.environment = e.environment
                  AND f.number = m.number
LEFT JOIN deployed d ON d.deployment_id = f.first[2]
LEFT JOIN github.repositories r ON r.id = m.repository_id;

COMMENT ON VIEW analytics.change_lead_times IS
$$One row per merged pull request (merged_at and merge_commit_sha known) and environment that its repository has deployed to successfully.
deployment_id, deployed_sha, deployed_at: the deployment with the earliest succeeded_at (then lowest id) in that environment whose sha contains the merge commit; NULL while none does.
A deployed sha contains the merge commit when it is the merge commit, or when the pull request's base branch (refs/heads/ || base_ref) carried the merge commit at or before a place where it carried the deployed sha, with no forced push between: a push carries its head before it (place 0, unless the push is forced) and the commits it brought (github.pushes.shas, places 1, 2, ...); pushes to the branch are ordered by pushed_at, then received-at, then delivery id; a forced push starts a new history, and a sha carried before it is not contained in one carried from it on.
lead_time_hours = (deployed_at - merged_at) in hours.$$;

CREATE VIEW analytics.dora_deployment_frequency AS
SELECT o.repo,
       o.environment,
       date_trunc('week', o.succeeded_at AT TIME ZONE 'UTC')::date AS week,
       count(*)::bigint AS deployments
FROM analytics.deployment_outcomes o
WHERE o.succeeded_at IS NOT NULL
GROUP BY o.repo, o.environment, date_trunc('week', o.succeeded_at AT TIME ZONE 'UTC')::date;

COMMENT ON VIEW analytics.dora_deployment_frequency IS
$$One row per (repo, environment, week) with a successful deployment. week: the Monday (UTC) of the ISO week.
deployments: deployments whose first 'success' status (succeeded_at of analytics.deployment_outcomes) was created that week; a deployment counts once however many success statuses it has.$$;

CREATE VIEW analytics.dora_lead_time AS
SELECT l.repo,
       l.environment,
       date_trunc('week', l.deployed_at AT TIME ZONE 'UTC')::date AS week,
       count(*)::bigint AS changes,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY l.deployed_at - l.merged_at)) / 3600
         AS lead_time_hours_p50,
       extract(epoch FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY l.deployed_at - l.merged_at)) / 3600
         AS lead_time_hours_p90
FROM analytics.change_lead_times l
WHERE l.deployed_at IS NOT NULL
GROUP BY l.repo, l.environment, date_trunc('week', l.deployed_at AT TIME ZONE 'UTC')::date;

COMMENT ON VIEW analytics.dora_lead_time IS
$$One row per (repo, environment, week) in which merged pull requests were first deployed. week: the Monday (UTC) of the ISO week of deployed_at.
changes: the pull requests of analytics.change_lead_times whose deployed_at falls in that week. lead_time_hours_p50, lead_time_hours_p90: the continuous percentiles (percentile_cont, interpolated) 0.5 and 0.9 of their (deployed_at - merged_at), in hours. Pull requests merged but not deployed there are not counted.$$;

CREATE VIEW analytics.dora_change_failure_rate AS
SELECT o.repo,
       o.environment,
       date_trunc('week', least(o.succeeded_at, o.failed_at) AT TIME ZONE 'UTC')::date AS week,
       count(*)::bigint AS deployments,
       count(*) FILTER (WHERE o.failed_change)::bigint AS failed_changes,
       count(*) FILTER (WHERE o.failed_change)::numeric / count(*) AS change_failure_rate
FROM analytics.deployment_outcomes o
GROUP BY o.repo, o.environment, date_trunc('week', least(o.succeeded_at, o.failed_at) AT TIME ZONE 'UTC')::date;

COMMENT ON VIEW analytics.dora_change_failure_rate IS
$$One row per (repo, environment, week) with a deployment outcome. week: the Monday (UTC) of the ISO week of the deployment's first outcome (the earlier of succeeded_at and failed_at of analytics.deployment_outcomes).
deployments: deployments with a success, failure or error status, by that week. failed_changes: those followed by a failure or a rollback: a 'failure' or 'error' status of their own (failed at deployment, or marked failed after succeeding), or replaced by a rollback (a successful deployment putting back a sha deployed there before, other than the replaced one's).
change_failure_rate = failed_changes / deployments (0 to 1). A week's figures can change when a later rollback or failure status marks one of its deployments.$$;

CREATE VIEW analytics.dora_time_to_restore AS
SELECT t.repo,
       t.environment,
       date_trunc('week', t.restored_at AT TIME ZONE 'UTC')::date AS week,
       count(*)::bigint AS restores,
       extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY t.restored_at - t.failed_at)) / 3600
         AS hours_to_restore_p50,
       extract(epoch FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY t.restored_at - t.failed_at)) / 3600
         AS hours_to_restore_p90
FROM analytics.deployment_restores t
WHERE t.restored_at IS NOT NULL
GROUP BY t.repo, t.environment, date_trunc('week', t.restored_at AT TIME ZONE 'UTC')::date;

COMMENT ON VIEW analytics.dora_time_to_restore IS
$$One row per (repo, environment, week) in which failure episodes ended. week: the Monday (UTC) of the ISO week of restored_at.
restores: the episodes of analytics.deployment_restores (from a failed deployment, when no other failure came since the last success, to the next successful deployment in the same repository and environment) restored that week. hours_to_restore_p50, hours_to_restore_p90: the continuous percentiles (percentile_cont) 0.5 and 0.9 of their (restored_at - failed_at), in hours. Episodes not yet restored are not counted.$$;

CREATE VIEW analytics.pull_request_cycle_weekly AS
WITH reviewed AS (
  SELECT c.repo, date_trunc('week', c.first_review_at AT TIME ZONE 'UTC')::date AS week,
         count(*)::bigint AS reviewed,
         extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY c.first_review_at - c.created_at)) / 3600 AS p50,
         extract(epoch FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY c.first_review_at - c.created_at)) / 3600 AS p90
  FROM analytics.pull_request_cycle c
  WHERE c.first_review_at IS NOT NULL
  GROUP BY c.repo, date_trunc('week', c.first_review_at AT TIME ZONE 'UTC')::date
), merged AS (
  SELECT c.repo, date_trunc('week', c.merged_at AT TIME ZONE 'UTC')::date AS week,
         count(*)::bigint AS merged,
         extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY c.merged_at - c.created_at)) / 3600 AS p50,
         extract(epoch FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY c.merged_at - c.created_at)) / 3600 AS p90
  FROM analytics.pull_request_cycle c
  WHERE c.merged_at IS NOT NULL
  GROUP BY c.repo, date_trunc('week', c.merged_at AT TIME ZONE 'UTC')::date
)
SELECT coalesce(r.repo, m.repo) AS repo,
       coalesce(r.week, m.week) AS week,
       coalesce(r.reviewed, 0) AS reviewed,
       r.p50 AS hours_to_first_review_p50,
       r.p90 AS hours_to_first_review_p90,
       coalesce(m.merged, 0) AS merged,
       m.p50 AS hours_to_merge_p50,
       m.p90 AS hours_to_merge_p90
FROM reviewed r
FULL JOIN merged m ON m.repo = r.repo AND m.week = r.week;

COMMENT ON VIEW analytics.pull_request_cycle_weekly IS
$$One row per (repo, week) in which a pull request got its first review or was merged. week: the Monday (UTC) of the ISO week.
reviewed: pull requests of analytics.pull_request_cycle whose first_review_at (earliest submitted review by someone other than the author) falls in that week; hours_to_first_review_p50, hours_to_first_review_p90: the continuous percentiles (percentile_cont) 0.5 and 0.9 of their (first_review_at - created_at), in hours (NULL when reviewed is 0).
merged: pull requests whose merged_at falls in that week; hours_to_merge_p50, hours_to_merge_p90: the same percentiles of their (merged_at - created_at), in hours (NULL when merged is 0).$$;
