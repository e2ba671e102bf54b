-- People: one person per GitHub account id, whatever its logins and e-mails.
--
-- A person is a GitHub user id. The views name it by its current login (github.users: the login
-- of the delivery received last), so a renamed user's whole history shows under the new login.
-- Where activity names only a login (a commit's author.username, the assignees kept at an issue's
-- closing), the login history below says which account it was. A commit author known only by an
-- e-mail is linked to an account by the evidence the deliveries carry, or by an admin's hand; an
-- e-mail without either stays a person of its own, as before. The rules, in order, are in
-- schemas/README.md ("People") and in analytics.person_identities' comment.
--
-- Everything here is computed when queried from tables derived from deliveries (github.*, which a
-- refold rebuilds) and from what admins said (admin.person_links, which nothing derives): a link
-- or an unlink changes every view at once, and no person is baked into an entity row.

-- Every (account, login) pair a payload showed: user objects carry both, so each fold that meets
-- a user (sender, author, owner, assignee, member, reviewer...) adds to it. Commutative
-- (least/greatest), so any order, batching or replay of deliveries gives the same rows.
CREATE TABLE github.user_logins (
  user_id       bigint NOT NULL,
  login         text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  PRIMARY KEY (user_id, login)
);
CREATE INDEX user_logins_login ON github.user_logins (lower(login), last_seen_at DESC, user_id DESC);
COMMENT ON TABLE github.user_logins IS
  'Every login each GitHub account was seen with in a payload, with the received-at of the first and last delivery that showed the pair. A login that several accounts held (one renamed away, another took it) belongs to the one seen with it last.';

-- What existing rows already show (a refold rebuilds it from every delivery).
INSERT INTO github.user_logins (user_id, login, first_seen_at, last_seen_at)
SELECT user_id, login, min(seen_at), max(seen_at)
FROM (SELECT id, login, seen_at FROM github.users
      UNION ALL SELECT author_id, author_login, seen_at FROM github.pull_requests
        WHERE author_id IS NOT NULL AND author_login IS NOT NULL
      UNION ALL SELECT reviewer_id, reviewer_login, seen_at FROM github.pull_request_reviews
        WHERE reviewer_id IS NOT NULL AND reviewer_login IS NOT NULL
      UNION ALL SELECT author_id, author_login, seen_at FROM github.issues
        WHERE author_id IS NOT NULL AND author_login IS NOT NULL
      UNION ALL SELECT user_id, login, seen_at FROM github.stars
      UNION ALL SELECT owner_id, owner_login, seen_at FROM github.repositories
        WHERE owner_id IS NOT NULL AND owner_login IS NOT NULL) AS pair(user_id, login, seen_at)
GROUP BY user_id, login;

-- What admins decided by hand (tributary-people): an e-mail or a login linked to an account
-- (user_id), or declared a person of its own (user_id NULL: "unlinked", whatever the evidence).
-- A decision overrides every rule that derives from deliveries. Identities are kept in lower case:
-- GitHub compares logins and e-mails without case.
CREATE TABLE admin.person_links (
  kind      text NOT NULL CHECK (kind IN ('email', 'login')),
  identity  text NOT NULL CHECK (identity = lower(identity) AND identity <> ''),
  user_id   bigint,
  linked_by text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, identity)
);
COMMENT ON TABLE admin.person_links IS
  'Admins'' decisions (tributary-people link|unlink): the e-mail or login identity (lower case) belongs to GitHub account user_id, or, user_id NULL, is a person of its own whatever the evidence. Overrides every derived rule. tributary-people reset deletes the row: the evidence decides again.';

CREATE TABLE admin.person_link_audit (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  by         text NOT NULL,
  db_role    text NOT NULL DEFAULT session_user,
  action     text NOT NULL CHECK (action IN ('link', 'unlink', 'reset')),
  kind       text NOT NULL CHECK (kind IN ('email', 'login')),
  identity   text NOT NULL,
  user_id    bigint,
  user_login text,
  previous_user_id bigint,
  previous_decision boolean NOT NULL,
  note       text
);
COMMENT ON TABLE admin.person_link_audit IS
  'One row per change tributary-people made to admin.person_links: when (at), who (by: --by or the OS user; db_role: the PostgreSQL role that wrote it), what (action link|unlink|reset, the identity, the account it was linked to and its login then), what it replaced (previous_decision: whether a manual decision existed, previous_user_id: its account), and why (note). Never updated or deleted by Tributary.';

-- A bot: an account of type Bot, or a login ending in [bot] (GitHub Apps act as "name[bot]",
-- also where only the login is known, as in a commit's author.username).
CREATE FUNCTION analytics.is_bot(account_type text, login text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(account_type = 'Bot', false) OR coalesce(lower(login) LIKE '%[bot]', false) $$;
COMMENT ON FUNCTION analytics.is_bot(text, text) IS
  'true for an account of type Bot or a login ending in [bot] (case-insensitive).';

CREATE VIEW analytics.person_identities AS
WITH login_owner AS (
  -- A login belongs to the account seen with it last.
  SELECT DISTINCT ON (lower(login)) lower(login) AS identity, user_id
  FROM github.user_logins
  ORDER BY lower(login), last_seen_at DESC, user_id DESC
), seen_logins AS (
  SELECT login FROM github.user_logins
  UNION ALL SELECT author_username FROM github.commits WHERE author_username IS NOT NULL
  UNION ALL SELECT unnest(assignee_logins) FROM github.issue_closings
  UNION ALL SELECT identity FROM admin.person_links WHERE kind = 'login'
), login_person AS (
  SELECT k.identity,
         CASE WHEN m.identity IS NOT NULL THEN m.user_id ELSE o.user_id END AS user_id,
         k.login AS fallback,
         CASE WHEN m.identity IS NOT NULL AND m.user_id IS NOT NULL THEN 'manual link'
              WHEN m.identity IS NOT NULL THEN 'manual unlink'
              WHEN o.user_id IS NOT NULL THEN 'login history'
              ELSE 'no account known' END AS rule
  FROM (SELECT lower(login) AS identity, min(login) AS login FROM seen_logins GROUP BY 1) k
  LEFT JOIN admin.person_links m ON m.kind = 'login' AND m.identity = k.identity
  LEFT JOIN login_owner o ON o.identity = k.identity
), emails AS (
  SELECT DISTINCT lower(author_email) AS identity FROM github.commits WHERE author_email IS NOT NULL
  UNION SELECT identity FROM admin.person_links WHERE kind = 'email'
), evidence AS (
  -- The people an e-mail was paired with in commits that name their author's login (push
  -- payloads' author.username with author.email; the reconciler's pushes carry REST's
  -- author.login as username with commit.author.email).
  SELECT pair.identity,
         count(DISTINCT coalesce('#' || p.user_id, p.fallback)) AS people,
         min(p.user_id) AS user_id, min(p.fallback) AS fallback
  FROM (SELECT lower(author_email) AS identity, lower(author_username) AS login
        FROM github.commits
        WHERE author_email IS NOT NULL AND author_username IS NOT NULL
        GROUP BY 1, 2) pair
  JOIN login_person p ON p.identity = pair.login
  GROUP BY 1
), email_person AS (
  SELECT e.identity, n.noreply_id, n.noreply_login, v.people,
         CASE WHEN m.identity IS NOT NULL THEN m.user_id
              WHEN n.noreply_id IS NOT NULL THEN n.noreply_id
              WHEN n.noreply_login IS NOT NULL THEN l.user_id
              WHEN v.people = 1 THEN v.user_id END AS user_id,
         CASE WHEN m.identity IS NOT NULL THEN e.identity
              WHEN n.noreply_id IS NOT NULL THEN n.noreply_name
              WHEN n.noreply_login IS NOT NULL THEN coalesce(l.fallback, n.noreply_login)
              WHEN v.people = 1 THEN v.fallback
              ELSE e.identity END AS fallback,
         CASE WHEN m.identity IS NOT NULL AND m.user_id IS NOT NULL THEN 'manual link'
              WHEN m.identity IS NOT NULL THEN 'manual unlink'
              WHEN n.noreply_id IS NOT NULL OR n.noreply_login IS NOT NULL THEN 'noreply address'
              WHEN v.people = 1 THEN 'commit evidence'
              WHEN v.people > 1 THEN 'ambiguous evidence'
              ELSE 'no evidence' END AS rule
  FROM emails e
  CROSS JOIN LATERAL (
    SELECT substring(e.identity FROM '^([0-9]{1,18})\+[^@]+@users\.noreply\.github\.com$')::bigint
             AS noreply_id,
           substring(e.identity FROM '^[0-9]{1,18}\+([^@]+)@users\.noreply\.github\.com$')
             AS noreply_name,
           substring(e.identity FROM '^([^@+]+)@users\.noreply\.github\.com$') AS noreply_login) n
  LEFT JOIN admin.person_links m ON m.kind = 'email' AND m.identity = e.identity
  LEFT JOIN login_person l ON l.identity = lower(n.noreply_login)
  LEFT JOIN evidence v ON v.identity = e.identity
), resolved AS (
  SELECT 'login' AS kind, identity, user_id, fallback, rule FROM login_person
  UNION ALL
  SELECT 'email', identity, user_id, fallback, rule FROM email_person
)
SELECT r.kind,
       r.identity,
       r.user_id,
       coalesce(u.login, r.fallback) AS login,
       u.type AS account_type,
       analytics.is_bot(u.type, coalesce(u.login, r.fallback)) AS is_bot,
       r.rule
FROM resolved r
LEFT JOIN github.users u ON u.id = r.user_id;

COMMENT ON VIEW analytics.person_identities IS
$$Who each login and commit e-mail counts as. One row per login seen (with an account in a payload, as a commit's author.username, as an assignee at an issue's closing, or in a manual decision) and per commit author e-mail (lower case).
kind: 'login' or 'email'; identity: the login or e-mail in lower case; user_id: the GitHub account it counts for (NULL: none, it is a person of its own);
login: that account's current login, else the identity itself (as first spelt); account_type: User, Bot or Organization (NULL: unknown); is_bot: type Bot or a login ending in [bot]; rule: why.
A login: an admin's decision ('manual link', 'manual unlink'), else the account seen with that login last ('login history': a renamed user's old login names them), else none ('no account known').
An e-mail: an admin's decision, else a noreply address (ID+login@users.noreply.github.com names the account ID; login@users.noreply.github.com the login), else commit evidence (commits pairing the e-mail with their author's login, in push payloads and the reconciler's pushes) when it names exactly one person ('commit evidence'; two or more: 'ambiguous evidence', none: 'no evidence', and the e-mail stays a person of its own).
A commit counts for its author.username's person (GitHub matched the e-mail to that account when it was pushed); a commit without one, for its e-mail's person.$$;

-- The activity views, now by person. Their contract columns keep their names, types and order;
-- login is the person's current login (or, without an account, the login or e-mail that stands
-- in). New columns at the end.
CREATE OR REPLACE VIEW analytics.developer_activity_daily AS
WITH identities AS (
  SELECT kind, identity, user_id, login FROM analytics.person_identities
), login_person AS (
  -- DISTINCT ON: each identity is one row already; saying so lets the planner size the joins.
  SELECT DISTINCT ON (identity) identity, user_id, login FROM identities WHERE kind = 'login'
  ORDER BY identity
), email_person AS (
  SELECT DISTINCT ON (identity) identity, user_id, login FROM identities WHERE kind = 'email'
  ORDER BY identity
), activity AS (
  -- A commit that names its author's login is that login's; one that GitHub matched to no
  -- account, its e-mail's.
  SELECT (c.authored_at AT TIME ZONE 'UTC')::date AS day,
         CASE WHEN c.author_username IS NULL THEN e.user_id ELSE l.user_id END AS user_id,
         CASE WHEN c.author_username IS NULL THEN e.login ELSE l.login END AS login,
         c.repository_id,
         1 AS commits, coalesce(c.additions, 0) AS additions, coalesce(c.deletions, 0) AS deletions,
         0 AS prs_opened, 0 AS prs_merged, 0 AS reviews_submitted, 0 AS issues_opened, 0 AS issues_closed
  FROM github.commits c
  LEFT JOIN email_person e ON e.identity = lower(c.author_email)
  LEFT JOIN login_person l ON l.identity = lower(c.author_username)
  WHERE coalesce(c.author_username, c.author_email) IS NOT NULL
  UNION ALL
  SELECT (p.created_at AT TIME ZONE 'UTC')::date, p.author_id, p.author_login, p.repository_id,
         0, 0, 0, 1, 0, 0, 0, 0
  FROM github.pull_requests p
  WHERE p.author_login IS NOT NULL
  UNION ALL
  SELECT (p.merged_at AT TIME ZONE 'UTC')::date, p.author_id, p.author_login, p.repository_id,
         0, 0, 0, 0, 1, 0, 0, 0
  FROM github.pull_requests p
  WHERE p.merged_at IS NOT NULL AND p.author_login IS NOT NULL
  UNION ALL
  SELECT (r.submitted_at AT TIME ZONE 'UTC')::date, r.reviewer_id, r.reviewer_login, r.repository_id,
         0, 0, 0, 0, 0, 1, 0, 0
  FROM github.pull_request_reviews r
  WHERE r.state <> 'pending' AND r.submitted_at IS NOT NULL AND r.reviewer_login IS NOT NULL
  UNION ALL
  SELECT (i.created_at AT TIME ZONE 'UTC')::date, i.author_id, i.author_login, i.repository_id,
         0, 0, 0, 0, 0, 0, 1, 0
  FROM github.issues i
  WHERE NOT i.is_pull_request AND NOT i.deleted AND NOT i.transferred AND i.author_login IS NOT NULL
  UNION ALL
  SELECT (i.closed_at AT TIME ZONE 'UTC')::date, l.user_id, coalesce(l.login, assignee.login),
         i.repository_id, 0, 0, 0, 0, 0, 0, 0, 1
  FROM github.issues i
  JOIN github.issue_closings k ON k.issue_id = i.id AND k.closed_at = i.closed_at
  CROSS JOIN LATERAL (SELECT DISTINCT unnest(k.assignee_logins) AS login) assignee
  LEFT JOIN login_person l ON l.identity = lower(assignee.login)
  WHERE i.state = 'closed' AND NOT i.is_pull_request AND NOT i.deleted AND NOT i.transferred
), named AS (
  -- An account's rows under its current login.
  SELECT a.day, a.user_id, coalesce(u.login, a.login) AS login, u.type AS account_type,
         a.repository_id, a.commits, a.additions, a.deletions, a.prs_opened, a.prs_merged,
         a.reviews_submitted, a.issues_opened, a.issues_closed
  FROM activity a
  LEFT JOIN github.users u ON u.id = a.user_id
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
       sum(a.issues_closed)::bigint AS issues_closed,
       a.user_id,
       analytics.is_bot(a.account_type, a.login) AS is_bot
FROM named a
LEFT JOIN github.repositories r ON r.id = a.repository_id
GROUP BY a.day, a.user_id, a.login, a.account_type, coalesce(r.full_name, '#' || a.repository_id);

COMMENT ON VIEW analytics.developer_activity_daily IS
$$One row per (day, person, repo) with any activity. day is a UTC date; repo is the repository's current full_name.
A person is a GitHub account (user_id), named by its current login, so a renamed user's whole history is under the new login; a commit author with no account known is a person of their own, named by the login or e-mail (lower case) that stands in (rules: analytics.person_identities).
commits: distinct (repo, sha) authored by the person on the commit's timestamp day.
additions, deletions: sums over those commits where known (0 until known; push payloads do not carry them).
prs_opened: pull requests authored by the person, on their created_at day. prs_merged: the same, on their merged_at day.
reviews_submitted: pull request reviews by the person, not pending, on their submitted_at day (dismissed reviews count: they were submitted).
issues_opened: issues (not pull requests, not deleted, not transferred away) authored by the person, on their created_at day.
issues_closed: issues now closed, on their closed_at day, once for each assignee at closing (an issue closed with no assignee counts for nobody).
user_id: the GitHub account (NULL: none known). is_bot: an account of type Bot or a login ending in [bot].$$;

CREATE OR REPLACE VIEW analytics.developer_summary AS
WITH contributions AS (
  SELECT d.user_id, d.login, d.commits, d.additions, d.deletions, d.prs_opened, d.prs_merged,
         d.reviews_submitted, d.issues_opened, d.issues_closed,
         0 AS open_issues_assigned, 0 AS stars_received
  FROM analytics.developer_activity_daily d
  UNION ALL
  SELECT a.user_id, a.login, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
  FROM github.issue_assignees a
  JOIN github.issues i ON i.id = a.issue_id
  WHERE i.state = 'open' AND NOT i.is_pull_request AND NOT i.deleted AND NOT i.transferred
  UNION ALL
  SELECT r.owner_id, r.owner_login, 0, 0, 0, 0, 0, 0, 0, 0, 0, coalesce(r.stargazers_count, 0)
  FROM github.repositories r
  WHERE r.owner_login IS NOT NULL AND NOT r.deleted
), people AS (
  SELECT c.user_id,
         coalesce(max(u.login), max(c.login)) AS login,
         max(u.type) AS account_type,
         sum(c.commits)::bigint AS commits, sum(c.additions)::bigint AS additions,
         sum(c.deletions)::bigint AS deletions, sum(c.prs_opened)::bigint AS prs_opened,
         sum(c.prs_merged)::bigint AS prs_merged,
         sum(c.reviews_submitted)::bigint AS reviews_submitted,
         sum(c.issues_opened)::bigint AS issues_opened, sum(c.issues_closed)::bigint AS issues_closed,
         sum(c.open_issues_assigned)::bigint AS open_issues_assigned,
         sum(c.stars_received)::bigint AS stars_received
  FROM contributions c
  LEFT JOIN github.users u ON u.id = c.user_id
  GROUP BY c.user_id, CASE WHEN c.user_id IS NULL THEN c.login END
)
SELECT p.login, p.commits, p.additions, p.deletions, p.prs_opened, p.prs_merged,
       p.reviews_submitted, p.issues_opened, p.issues_closed, p.open_issues_assigned,
       p.stars_received,
       p.user_id,
       p.account_type,
       analytics.is_bot(p.account_type, p.login) AS is_bot
FROM people p;

COMMENT ON VIEW analytics.developer_summary IS
$$One row per person (rules: analytics.person_identities) that has activity, open assigned issues or owned repositories; login is the person's current login, or the login or e-mail that stands in for a commit author with no account known.
commits .. issues_closed: all-time totals of analytics.developer_activity_daily.
open_issues_assigned: open issues (not pull requests, not deleted or transferred) now assigned to the person.
stars_received: sum of the latest known stargazers_count of the repositories (not deleted) that the person owns (an organisation gets its repositories' stars).
user_id: the GitHub account (NULL: none known). account_type: User, Bot or Organization (NULL: unknown). is_bot: an account of type Bot or a login ending in [bot].$$;

CREATE OR REPLACE VIEW analytics.pull_request_cycle AS
WITH first_review AS (
  SELECT r.pull_request_id, min(r.submitted_at) AS first_review_at
  FROM github.pull_request_reviews r
  JOIN github.pull_requests p ON p.id = r.pull_request_id
  WHERE r.state <> 'pending' AND r.submitted_at IS NOT NULL
    -- by account: a renamed author's comment on their own pull request is no review either
    AND CASE WHEN r.reviewer_id IS NOT NULL AND p.author_id IS NOT NULL THEN r.reviewer_id <> p.author_id
             ELSE r.reviewer_login IS DISTINCT FROM p.author_login END
  GROUP BY r.pull_request_id
)
SELECT coalesce(repo.full_name, '#' || p.repository_id) AS repo,
       p.number,
       coalesce(u.login, p.author_login) AS author,
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
LEFT JOIN github.repositories repo ON repo.id = p.repository_id
LEFT JOIN github.users u ON u.id = p.author_id;

COMMENT ON VIEW analytics.pull_request_cycle IS
$$One row per pull request. author: its author's current login. first_review_at: the earliest submitted (not pending) review by an account other than the author's.
additions, deletions, changed_files: from the latest pull_request event (NULL if only abridged pull request objects have been seen).
hours_to_first_review = (first_review_at - created_at) in hours; hours_to_merge = (merged_at - created_at) in hours; NULL while there is no review or merge. Closed without merge: merged_at NULL, closed_at set.$$;

CREATE OR REPLACE VIEW analytics.repository_stars AS
SELECT r.full_name AS repo,
       coalesce(u.login, r.owner_login) AS owner,
       coalesce(r.stargazers_count, 0) AS stars,
       coalesce(r.stars_seen_at, r.seen_at) AS stars_known_at
FROM github.repositories r
LEFT JOIN github.users u ON u.id = r.owner_id
WHERE NOT r.deleted;

COMMENT ON VIEW analytics.repository_stars IS
$$One row per repository (not deleted). owner: the owning account's current login. stars: the stargazers_count of the newest repository snapshot that reported one (newest updated_at, then received-at); a snapshot without it keeps the known count.
stars_known_at: when that snapshot was received (the received-at of its delivery).$$;

-- People only: bots and organisations are in the summary, never ranked.
CREATE OR REPLACE VIEW analytics.leaderboard AS
SELECT s.login,
       (3 * s.prs_merged + 2 * s.reviews_submitted + 2 * s.issues_closed + s.prs_opened
        + s.issues_opened + s.commits)::bigint AS score,
       rank() OVER (ORDER BY (3 * s.prs_merged + 2 * s.reviews_submitted + 2 * s.issues_closed
                              + s.prs_opened + s.issues_opened + s.commits) DESC) AS rank,
       s.commits, s.additions, s.deletions, s.prs_opened, s.prs_merged, s.reviews_submitted,
       s.issues_opened, s.issues_closed, s.open_issues_assigned, s.stars_received,
       s.user_id, s.account_type, s.is_bot
FROM analytics.developer_summary s
WHERE NOT s.is_bot AND s.account_type IS DISTINCT FROM 'Organization';

COMMENT ON VIEW analytics.leaderboard IS
$$The ranking of the people of analytics.developer_summary (bots and organisations are left out: they are in the summary, marked by is_bot and account_type) by
score = 3 * prs_merged + 2 * reviews_submitted + 2 * issues_closed + prs_opened + issues_opened + commits.
Merged work and reviewing others weigh most; lines of code and stars do not count (they measure size and popularity, not contribution).
rank: rank() by score, highest first; equal scores share a rank. A commit author with no GitHub account known (an e-mail) is a person and is ranked.
user_id, account_type, is_bot: as in analytics.developer_summary (is_bot is always false here).$$;
