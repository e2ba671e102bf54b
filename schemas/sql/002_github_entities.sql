-- Entity tables of schema github, keyed by GitHub's ids.
--
-- Every mutable row carries the version of the snapshot it holds: (version_at, seen_at,
-- seen_delivery) = (GitHub's updated_at or the nearest equivalent, the received-at of the delivery
-- that carried it, that delivery's id). A snapshot replaces a row only when its version is greater,
-- so the final state is the newest snapshot whatever order, or how many times, deliveries arrive:
-- ties on updated_at (GitHub's timestamps have one-second resolution) are broken by received-at,
-- then by delivery id, a total order. Deletion-like facts (deleted, transferred) only ever go from
-- false to true, so they too are independent of order.

CREATE TABLE github.users (
  id            bigint PRIMARY KEY,
  login         text NOT NULL,
  type          text,                      -- User, Organization, Bot
  seen_at       timestamptz NOT NULL,
  seen_delivery text NOT NULL
);
CREATE INDEX users_login ON github.users (login);
COMMENT ON TABLE github.users IS
  'Every GitHub account seen in a payload (senders, authors, owners, assignees, members). The latest delivery names the login (logins can be renamed).';

CREATE TABLE github.repositories (
  id                bigint PRIMARY KEY,
  full_name         text NOT NULL,
  name              text NOT NULL,
  owner_login       text,
  owner_id          bigint,
  private           boolean,
  fork              boolean,
  archived          boolean,
  default_branch    text,
  created_at        timestamptz,
  pushed_at         timestamptz,
  updated_at        timestamptz,
  stargazers_count  integer,
  forks_count       integer,
  open_issues_count integer,
  deleted           boolean NOT NULL DEFAULT false,
  version_at        timestamptz NOT NULL,
  seen_at           timestamptz NOT NULL,
  seen_delivery     text NOT NULL
);
CREATE INDEX repositories_owner_login ON github.repositories (owner_login);
CREATE INDEX repositories_full_name ON github.repositories (full_name);
COMMENT ON TABLE github.repositories IS
  'Latest snapshot of each repository, from the repository object that nearly every event carries (newest updated_at wins, then received-at). stargazers_count is the count GitHub reported with that snapshot.';

CREATE TABLE github.commits (
  repository_id   bigint NOT NULL,
  sha             text NOT NULL,
  author_username text,                    -- GitHub login of the author, when GitHub knows one
  author_email    text,
  author_name     text,
  authored_at     timestamptz NOT NULL,    -- the commit's timestamp
  message         text,
  additions       integer,                 -- unknown from push payloads: NULL until a reconciler event carries stats
  deletions       integer,
  first_seen_delivery text NOT NULL,
  PRIMARY KEY (repository_id, sha)
);
CREATE INDEX commits_author ON github.commits ((coalesce(author_username, author_email)));
COMMENT ON TABLE github.commits IS
  'One row per (repository, sha) pushed. A commit is immutable, so a later delivery only fills what was unknown (username, additions, deletions).';

-- A pull request's fields come in two groups with their own versions: the summary that every
-- pull_request object carries (including the abridged one in pull_request_review events), and the
-- detail (sizes, draft, merged) that only pull_request events carry. An abridged snapshot never
-- erases the detail, whatever order the two arrive in.
CREATE TABLE github.pull_requests (
  id              bigint PRIMARY KEY,
  repository_id   bigint NOT NULL,
  number          integer NOT NULL,
  title           text,
  author_login    text,
  author_id       bigint,
  state           text NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  closed_at       timestamptz,
  merged_at       timestamptz,
  version_at      timestamptz NOT NULL,
  seen_at         timestamptz NOT NULL,
  seen_delivery   text NOT NULL,
  draft           boolean,
  merged          boolean,
  additions       integer,
  deletions       integer,
  changed_files   integer,
  commits         integer,
  detail_version_at    timestamptz,
  detail_seen_at       timestamptz,
  detail_seen_delivery text
);
CREATE INDEX pull_requests_repository_number ON github.pull_requests (repository_id, number);
CREATE INDEX pull_requests_author ON github.pull_requests (author_login);
COMMENT ON TABLE github.pull_requests IS
  'Latest snapshot of each pull request. additions, deletions, changed_files and commits come from the pull request object of pull_request events.';

CREATE TABLE github.pull_request_reviews (
  id              bigint PRIMARY KEY,
  pull_request_id bigint NOT NULL,
  repository_id   bigint NOT NULL,
  reviewer_login  text,
  reviewer_id     bigint,
  state           text NOT NULL,           -- lower case: approved, changes_requested, commented, dismissed, pending
  submitted_at    timestamptz,
  commit_id       text,
  seen_at         timestamptz NOT NULL,
  seen_delivery   text NOT NULL
);
CREATE INDEX pull_request_reviews_pull_request ON github.pull_request_reviews (pull_request_id);
CREATE INDEX pull_request_reviews_reviewer ON github.pull_request_reviews (reviewer_login);

CREATE TABLE github.issues (
  id               bigint PRIMARY KEY,
  repository_id    bigint NOT NULL,
  number           integer NOT NULL,
  title            text,
  author_login     text,
  author_id        bigint,
  state            text NOT NULL,
  state_reason     text,
  is_pull_request  boolean NOT NULL,       -- GitHub sends issues events for pull requests too
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  closed_at        timestamptz,
  deleted          boolean NOT NULL DEFAULT false,
  transferred      boolean NOT NULL DEFAULT false,
  version_at       timestamptz NOT NULL,
  seen_at          timestamptz NOT NULL,
  seen_delivery    text NOT NULL
);
CREATE INDEX issues_repository_number ON github.issues (repository_id, number);
CREATE INDEX issues_author ON github.issues (author_login);
COMMENT ON TABLE github.issues IS
  'Latest snapshot of each issue. deleted and transferred issues stay, flagged, and the analytics views leave them out (a transferred issue lives on under its new id).';

-- The assignees of the issue snapshot held in github.issues, replaced with it.
CREATE TABLE github.issue_assignees (
  issue_id  bigint NOT NULL REFERENCES github.issues (id) ON DELETE CASCADE,
  user_id   bigint NOT NULL,
  login     text NOT NULL,
  PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_assignees_login ON github.issue_assignees (login);

-- Who was assigned when an issue was closed. One row per (issue, closed_at): the snapshot of the
-- `closed` action itself when one arrived, else the earliest snapshot that showed the issue closed
-- at that time (a backfill). The rank makes the choice independent of arrival order.
CREATE TABLE github.issue_closings (
  issue_id         bigint NOT NULL,
  closed_at        timestamptz NOT NULL,
  assignee_logins  text[] NOT NULL,
  from_closed_action boolean NOT NULL,
  version_at       timestamptz NOT NULL,
  seen_at          timestamptz NOT NULL,
  seen_delivery    text NOT NULL,
  PRIMARY KEY (issue_id, closed_at)
);
COMMENT ON TABLE github.issue_closings IS
  'The assignees of an issue at each closing, so that issues_closed counts once for each assignee at closing even if assignees change afterwards.';

CREATE TABLE github.stars (
  repository_id  bigint NOT NULL,
  user_id        bigint NOT NULL,
  login          text NOT NULL,
  starred        boolean NOT NULL,
  starred_at     timestamptz,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL,
  PRIMARY KEY (repository_id, user_id)
);
COMMENT ON TABLE github.stars IS
  'Who starred which repository, from star and watch events (the latest delivery wins: starred, or unstarred).';

CREATE TABLE github.releases (
  id             bigint PRIMARY KEY,
  repository_id  bigint NOT NULL,
  tag_name       text NOT NULL,
  name           text,
  draft          boolean,
  prerelease     boolean,
  author_login   text,
  created_at     timestamptz,
  published_at   timestamptz,
  deleted        boolean NOT NULL DEFAULT false,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL
);
CREATE INDEX releases_repository ON github.releases (repository_id);

-- version_rank orders snapshots that share an updated_at: requested/queued < in_progress < completed.
CREATE TABLE github.workflow_runs (
  id             bigint PRIMARY KEY,
  repository_id  bigint NOT NULL,
  workflow_id    bigint,
  workflow_name  text,
  name           text,
  run_number     integer,
  run_attempt    integer,
  event          text,
  status         text,
  conclusion     text,
  head_branch    text,
  head_sha       text,
  actor_login    text,
  created_at     timestamptz,
  updated_at     timestamptz,
  run_started_at timestamptz,
  version_at     timestamptz NOT NULL,
  version_rank   smallint NOT NULL,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL
);
CREATE INDEX workflow_runs_repository ON github.workflow_runs (repository_id, created_at);

CREATE TABLE github.deployments (
  id                     bigint PRIMARY KEY,
  repository_id          bigint NOT NULL,
  sha                    text,
  ref                    text,
  task                   text,
  environment            text,
  creator_login          text,
  production_environment boolean,
  transient_environment  boolean,
  created_at             timestamptz,
  updated_at             timestamptz,
  version_at             timestamptz NOT NULL,
  seen_at                timestamptz NOT NULL,
  seen_delivery          text NOT NULL
);
CREATE INDEX deployments_repository ON github.deployments (repository_id, created_at);

CREATE TABLE github.deployment_statuses (
  id             bigint PRIMARY KEY,
  deployment_id  bigint NOT NULL,
  repository_id  bigint NOT NULL,
  state          text NOT NULL,
  environment    text,
  description    text,
  creator_login  text,
  created_at     timestamptz,
  updated_at     timestamptz,
  version_at     timestamptz NOT NULL,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL
);
CREATE INDEX deployment_statuses_deployment ON github.deployment_statuses (deployment_id);

CREATE TABLE github.teams (
  id             bigint PRIMARY KEY,
  organization_login text,
  slug           text,
  name           text,
  privacy        text,
  permission     text,
  parent_id      bigint,
  deleted        boolean NOT NULL DEFAULT false,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL
);

CREATE TABLE github.team_members (
  team_id        bigint NOT NULL,
  user_id        bigint NOT NULL,
  login          text NOT NULL,
  active         boolean NOT NULL,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL,
  PRIMARY KEY (team_id, user_id)
);
COMMENT ON TABLE github.team_members IS 'Team membership from membership events: active is false once removed.';

CREATE TABLE github.team_repositories (
  team_id        bigint NOT NULL,
  repository_id  bigint NOT NULL,
  permission     text,
  active         boolean NOT NULL,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL,
  PRIMARY KEY (team_id, repository_id)
);

CREATE TABLE github.repository_collaborators (
  repository_id  bigint NOT NULL,
  user_id        bigint NOT NULL,
  login          text NOT NULL,
  permission     text,
  active         boolean NOT NULL,
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL,
  PRIMARY KEY (repository_id, user_id)
);
COMMENT ON TABLE github.repository_collaborators IS 'Outside collaborators from member events: active is false once removed.';

CREATE TABLE github.refs (
  repository_id  bigint NOT NULL,
  ref_type       text NOT NULL,            -- branch or tag
  ref            text NOT NULL,
  present        boolean NOT NULL,         -- false after a delete event
  seen_at        timestamptz NOT NULL,
  seen_delivery  text NOT NULL,
  PRIMARY KEY (repository_id, ref_type, ref)
);

CREATE TABLE github.installations (
  id                   bigint PRIMARY KEY,
  app_id               bigint,
  account_login        text,
  account_id           bigint,
  target_type          text,
  repository_selection text,
  created_at           timestamptz,
  updated_at           timestamptz,
  suspended_at         timestamptz,
  deleted              boolean NOT NULL DEFAULT false,
  version_at           timestamptz NOT NULL,
  seen_at              timestamptz NOT NULL,
  seen_delivery        text NOT NULL
);

CREATE TABLE github.installation_repositories (
  installation_id bigint NOT NULL,
  repository_id   bigint NOT NULL,
  full_name       text,
  active          boolean NOT NULL,
  seen_at         timestamptz NOT NULL,
  seen_delivery   text NOT NULL,
  PRIMARY KEY (installation_id, repository_id)
);
