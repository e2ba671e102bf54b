-- The analytics views (CONTRACT.md). Each is computed from the entity tables at query time, never
-- from counters, so that no replay, duplicate or reordering of deliveries can change a number.
-- Times are UTC; a day is a UTC date.

CREATE VIEW analytics.developer_activity_daily AS
WITH activity AS (
  -- commits: distinct (repository, sha) by author on the commit's timestamp day
  SELECT (c.authored_at AT TIME ZONE 'UTC')::date AS day,
         coalesce(c.author_username, c.author_email) AS login,
         c.repository_id,
         1 AS commits, coalesce(c.additions, 0) AS additions, coalesce(c.deletions, 0) AS deletions,
         0 AS prs_opened, 0 AS prs_merged, 0 AS reviews_submitted, 0 AS issues_opened, 0 AS issues_closed
  FROM github.commits c
  WHERE coalesce(c.author_username, c.author_email) IS NOT NULL
  UNION ALL
  SELECT (p.created_at AT TIME ZONE 'UTC')::date, p.author_login, p.repository_id,
         0, 0, 0, 1, 0, 0, 0, 0
  FROM github.pull_requests p
  WHERE p.author_login IS NOT NULL
  UNION ALL
  SELECT (p.merged_at AT TIME ZONE 'UTC')::date, p.author_login, p.repository_id,
         0, 0, 0, 0, 1, 0, 0, 0
  FROM github.pull_requests p
  WHERE p.merged_at IS NOT NULL AND p.author_login IS NOT NULL
  UNION ALL
  SELECT (r.submitted_at AT TIME ZONE 'UTC')::date, r.reviewer_login, r.repository_id,
         0, 0, 0, 0, 0, 1, 0, 0
  FROM github.pull_request_reviews r
  WHERE r.state <> 'pending' AND r.submitted_at IS NOT NULL AND r.reviewer_login IS NOT NULL
  UNION ALL
  SELECT (i.created_at AT TIME ZONE 'UTC')::date, i.author_login, i.repository_id,
         0, 0, 0, 0, 0, 0, 1, 0
  FROM github.issues i
  WHERE NOT i.is_pull_request AND NOT i.deleted AND NOT i.transferred AND i.author_login IS NOT NULL
  UNION ALL
  SELECT (i.closed_at AT TIME ZONE 'UTC')::date, assignee.login, i.repository_id,
         0, 0, 0, 0, 0, 0, 0, 1
  FROM github.issues i
  JOIN github.issue_closings k ON k.issue_id = i.id AND k.closed_at = i.closed_at
  CROSS JOIN LATERAL (SELECT DISTINCT unnest(k.assignee_logins) AS login) assignee
  WHERE i.state = 'closed' AND NOT i.is_pull_request AND NOT i.deleted AND NOT i.transferred
)
SELECT a.day,
       a.login,
       coalesce(r.full_name, '#' || a.repository_id) AS repo,
       sum(a.commits)::bigint AS commits,
       sum(a.additions)::bigint AS additions,
       sum(a.deletions)::bigint AS deletions,
       sum(a.prs_opened)::bigint AS prs_opened,
       sum(a.prs_merged)::bigint AS prs_merged,
       sum(a.reviews_submitted)::bigint AS reviews_submitted,
       sum(a.issues_opened)::bigint AS issues_opened,
       sum(a.issues_closed)::bigint AS issues_closed
FROM activity a
LEFT JOIN github.repositories r ON r.id = a.repository_id
GROUP BY a.day, a.login, coalesce(r.full_name, '#' || a.repository_id);

COMMENT ON VIEW analytics.developer_activity_daily IS
$$One row per (day, login, repo) with any activity. day is a UTC date; repo is the repository's current full_name.
commits: distinct (repo, sha) authored by login (the commit author's GitHub login, else the author's e-mail) on the commit's timestamp day.
additions, deletions: sums over those commits where known (0 until known; push payloads do not carry them).
prs_opened: pull requests authored by login, on their created_at day. prs_merged: the same, on their merged_at day.
reviews_submitted: pull request reviews by login, not pending, on their submitted_at day (dismissed reviews count: they were submitted).
issues_opened: issues (not pull requests, not deleted, not transferred away) authored by login, on their created_at day.
issues_closed: issues now closed, on their closed_at day, once for each assignee at closing (an issue closed with no assignee counts for nobody).$$;

CREATE VIEW analytics.developer_summary AS
WITH totals AS (
  SELECT login,
         sum(commits)::bigint AS commits, sum(additions)::bigint AS additions,
         sum(deletions)::bigint AS deletions, sum(prs_opened)::bigint AS prs_opened,
         sum(prs_merged)::bigint AS prs_merged, sum(reviews_submitted)::bigint AS reviews_submitted,
         sum(issues_opened)::bigint AS issues_opened, sum(issues_closed)::bigint AS issues_closed
  FROM analytics.developer_activity_daily
  GROUP BY login
), assigned AS (
  SELECT a.login, count(DISTINCT i.id)::bigint AS open_issues_assigned
  FROM github.issue_assignees a
  JOIN github.issues i ON i.id = a.issue_id
  WHERE i.state = 'open' AND NOT i.is_pull_request AND NOT i.deleted AND NOT i.transferred
  GROUP BY a.login
), stars AS (
  SELECT owner_login AS login, sum(coalesce(stargazers_count, 0))::bigint AS stars_received
  FROM github.repositories
  WHERE owner_login IS NOT NULL AND NOT deleted
  GROUP BY owner_login
), logins AS (
  SELECT login FROM totals UNION SELECT login FROM assigned UNION SELECT login FROM stars
)
SELECT l.login,
       coalesce(t.commits, 0) AS commits,
       coalesce(t.additions, 0) AS additions,
       coalesce(t.deletions, 0) AS deletions,
       coalesce(t.prs_opened, 0) AS prs_opened,
       coalesce(t.prs_merged, 0) AS prs_merged,
       coalesce(t.reviews_submitted, 0) AS reviews_submitted,
       coalesce(t.issues_opened, 0) AS issues_opened,
       coalesce(t.issues_closed, 0) AS issues_closed,
       coalesce(a.open_issues_assigned, 0) AS open_issues_assigned,
       coalesce(s.stars_received, 0) AS stars_received
FROM logins l
LEFT JOIN totals t ON t.login = l.login
LEFT JOIN assigned a ON a.login = l.login
LEFT JOIN stars s ON s.login = l.login;

COMMENT ON VIEW analytics.developer_summary IS
$$One row per login that has activity, open assigned issues or owned repositories.
commits .. issues_closed: all-time totals of analytics.developer_activity_daily.
open_issues_assigned: open issues (not pull requests, not deleted or transferred) now assigned to login.
stars_received: sum of the latest known stargazers_count of the repositories (not deleted) that login owns (an organisation's login gets its repositories' stars).$$;

CREATE VIEW analytics.pull_request_cycle AS
WITH first_review AS (
  SELECT r.pull_request_id, min(r.submitted_at) AS first_review_at
  FROM github.pull_request_reviews r
  JOIN github.pull_requests p ON p.id = r.pull_request_id
  WHERE r.state <> 'pending' AND r.submitted_at IS NOT NULL
    AND r.reviewer_login IS DISTINCT FROM p.author_login
  GROUP BY r.pull_request_id
)
SELECT coalesce(repo.full_name, '#' || p.repository_id) AS repo,
       p.number,
       p.author_login AS author,
       p.created_at,
       f.first_review_at,
       p.merged_at,
       p.closed_at,
       p.additions,
       p.deletions,
       p.changed_files,
       extract(epoch FROM f.first_review_at - p.created_at) / 3600 AS hours_to_first_review,
       extract(epoch FROM p.merged_at - p.created_at) / 3600 AS hours_to_merge
FROM github.pull_requests p
LEFT JOIN first_review f ON f.pull_request_id = p.id
LEFT JOIN github.repositories repo ON repo.id = p.repository_id;

COMMENT ON VIEW analytics.pull_request_cycle IS
$$One row per pull request. author: its author's login. first_review_at: the earliest submitted (not pending) review by someone other than the author.
additions, deletions, changed_files: from the latest pull_request event (NULL if only abridged pull request objects have been seen).
hours_to_first_review = (first_review_at - created_at) in hours; hours_to_merge = (merged_at - created_at) in hours; NULL while there is no review or merge. Closed without merge: merged_at NULL, closed_at set.$$;

CREATE VIEW analytics.repository_stars AS
SELECT r.full_name AS repo,
       r.owner_login AS owner,
       coalesce(r.stargazers_count, 0) AS stars,
       r.seen_at AS stars_known_at
FROM github.repositories r
WHERE NOT r.deleted;

COMMENT ON VIEW analytics.repository_stars IS
$$One row per repository (not deleted). stars: the stargazers_count of the newest repository snapshot seen (newest updated_at, then received-at).
stars_known_at: when that snapshot was received (the received-at of its delivery).$$;

CREATE VIEW analytics.leaderboard AS
SELECT s.login,
       (3 * s.prs_merged + 2 * s.reviews_submitted + 2 * s.issues_closed + s.prs_opened
        + s.issues_opened + s.commits)::bigint AS score,
       rank() OVER (ORDER BY (3 * s.prs_merged + 2 * s.reviews_submitted + 2 * s.issues_closed
                              + s.prs_opened + s.issues_opened + s.commits) DESC) AS rank,
       s.commits, s.additions, s.deletions, s.prs_opened, s.prs_merged, s.reviews_submitted,
       s.issues_opened, s.issues_closed, s.open_issues_assigned, s.stars_received
FROM analytics.developer_summary s;

COMMENT ON VIEW analytics.leaderboard IS
$$The ranking of analytics.developer_summary by
score = 3 * prs_merged + 2 * reviews_submitted + 2 * issues_closed + prs_opened + issues_opened + commits.
Merged work and reviewing others weigh most; lines of code and stars do not count (they measure size and popularity, not contribution).
rank: rank() by score, highest first; equal scores share a rank.$$;
