-- Replays never undo newer state.
--
-- 002 ordered reviews, stars, releases, teams, team members, team repositories, collaborators,
-- refs and installation repositories by the delivery last *received*. GitHub's redeliveries and the
-- reconciler's replays arrive later than the events that superseded them, so an old `star created`
-- starred a repository again after its `deleted`, and an old `approved` review overwrote its
-- dismissal. Each of those tables now carries a version like the other mutable rows:
--
--   (version_at, version_rank, seen_at, seen_delivery)
--
-- version_at   GitHub's own time for the state the snapshot shows (per table: schemas/README.md),
--              or the received-at when GitHub's payload gives no time at all;
-- version_rank orders states that share a version_at where one can only follow the other (a
--              dismissal follows the submission, a removal the addition it undoes);
-- seen_at, seen_delivery  the received-at and the delivery id, as before: the last tie-breakers.
--
-- A snapshot replaces a row only when its version is greater: a total order, so the same rows
-- result from any arrival order, batching or number of copies.
--
-- Times from the future never pin a row. The worker clamps the received-at header to its own clock
-- when decoding (workers/event.cpp), and every version_at passes through
-- github.snapshot_version_at, which caps GitHub's time at received-at + 5 minutes (GitHub's clock
-- and ours may disagree by seconds; a payload saying 9999-12-31 ranks as if it had said its
-- received-at + 5 minutes, so the next genuine snapshot replaces it). The times themselves
-- (updated_at, submitted_at, ...) are stored as GitHub sent them.

CREATE FUNCTION github.snapshot_version_at(github_time timestamptz, received_at timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN github_time IS NULL THEN received_at
              ELSE least(github_time, received_at + interval '5 minutes') END
$$;
COMMENT ON FUNCTION github.snapshot_version_at(timestamptz, timestamptz) IS
  'The version time of a snapshot: GitHub''s time for its state, at most received-at + 5 minutes (so a time in the future cannot pin a row); the received-at when GitHub gives no time (NULL). ''-infinity'' stays -infinity: a snapshot that says nothing of when ranks below every dated one.';

-- Rows written before this migration: a received-at from the future (a skewed or forged header)
-- is brought back to now, and versions that sat beyond it to at most received-at + 5 minutes.
UPDATE github.users SET seen_at = now() WHERE seen_at > now();
UPDATE github.repositories SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';
UPDATE github.pull_requests SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';
UPDATE github.pull_requests SET detail_seen_at = least(detail_seen_at, now()),
  detail_version_at = github.snapshot_version_at(detail_version_at, least(detail_seen_at, now()))
  WHERE detail_seen_at > now() OR detail_version_at > detail_seen_at + interval '5 minutes';
UPDATE github.issues SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';
UPDATE github.workflow_runs SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';
UPDATE github.deployments SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';
UPDATE github.deployment_statuses SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';
UPDATE github.installations SET seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(version_at, least(seen_at, now()))
  WHERE seen_at > now() OR version_at > seen_at + interval '5 minutes';

-- A repository's stargazers_count has a version of its own (the snapshot it came from), like a
-- pull request's detail: a later snapshot without the count (absent or null) keeps the known one,
-- and the count is that of the newest snapshot that reported one, whatever the arrival order.
ALTER TABLE github.repositories
  ADD COLUMN stars_version_at timestamptz,
  ADD COLUMN stars_seen_at timestamptz,
  ADD COLUMN stars_seen_delivery text;
UPDATE github.repositories
  SET stars_version_at = version_at, stars_seen_at = seen_at, stars_seen_delivery = seen_delivery
  WHERE stargazers_count IS NOT NULL;

CREATE OR REPLACE VIEW analytics.repository_stars AS
SELECT r.full_name AS repo,
       r.owner_login AS owner,
       coalesce(r.stargazers_count, 0) AS stars,
       coalesce(r.stars_seen_at, r.seen_at) AS stars_known_at
FROM github.repositories r
WHERE NOT r.deleted;

COMMENT ON VIEW analytics.repository_stars IS
$$One row per repository (not deleted). stars: the stargazers_count of the newest repository snapshot that reported one (newest updated_at, then received-at); a snapshot without it keeps the known count.
stars_known_at: when that snapshot was received (the received-at of its delivery).$$;

-- The new versions of the existing rows: GitHub's time where the row kept it, else the received-at
-- that ordered them until now; the rank from the state the row holds.
ALTER TABLE github.pull_request_reviews
  ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.pull_request_reviews SET
  seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(coalesce(submitted_at, '-infinity'), least(seen_at, now())),
  version_rank = CASE state WHEN 'pending' THEN 0 WHEN 'dismissed' THEN 2 ELSE 1 END;

ALTER TABLE github.stars ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.stars SET
  seen_at = least(seen_at, now()),
  version_at = CASE WHEN seen_at = '-infinity' THEN '-infinity'  -- a watch event's
                    WHEN starred AND starred_at IS NOT NULL
                      THEN github.snapshot_version_at(starred_at, least(seen_at, now()))
                    ELSE least(seen_at, now()) END,
  version_rank = CASE WHEN starred THEN 0 ELSE 1 END;

ALTER TABLE github.releases ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.releases SET
  seen_at = least(seen_at, now()),
  version_at = github.snapshot_version_at(greatest(created_at, published_at), least(seen_at, now())),
  version_rank = CASE WHEN deleted THEN 2 ELSE 0 END;

ALTER TABLE github.teams ADD COLUMN version_at timestamptz;
UPDATE github.teams SET seen_at = least(seen_at, now()), version_at = least(seen_at, now());

ALTER TABLE github.team_members ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.team_members SET seen_at = least(seen_at, now()), version_at = least(seen_at, now()),
  version_rank = CASE WHEN active THEN 0 ELSE 1 END;

ALTER TABLE github.team_repositories
  ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.team_repositories SET seen_at = least(seen_at, now()),
  version_at = least(seen_at, now()), version_rank = CASE WHEN active THEN 0 ELSE 1 END;

ALTER TABLE github.repository_collaborators
  ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.repository_collaborators SET seen_at = least(seen_at, now()),
  version_at = least(seen_at, now()), version_rank = CASE WHEN active THEN 0 ELSE 1 END;

ALTER TABLE github.refs ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.refs SET seen_at = least(seen_at, now()), version_at = least(seen_at, now()),
  version_rank = CASE WHEN present THEN 0 ELSE 1 END;

ALTER TABLE github.installation_repositories
  ADD COLUMN version_at timestamptz, ADD COLUMN version_rank smallint;
UPDATE github.installation_repositories SET seen_at = least(seen_at, now()),
  version_at = least(seen_at, now()), version_rank = CASE WHEN active THEN 0 ELSE 1 END;

ALTER TABLE github.pull_request_reviews
  ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.stars ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.releases
  ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.teams ALTER COLUMN version_at SET NOT NULL;
ALTER TABLE github.team_members
  ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.team_repositories
  ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.repository_collaborators
  ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.refs ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;
ALTER TABLE github.installation_repositories
  ALTER COLUMN version_at SET NOT NULL, ALTER COLUMN version_rank SET NOT NULL;

COMMENT ON TABLE github.users IS
  'Every GitHub account seen in a payload (senders, authors, owners, assignees, members). User objects carry no time, so the delivery received last names the login (logins can be renamed); a received-at is never later than the worker''s clock.';
COMMENT ON TABLE github.repositories IS
  'Latest snapshot of each repository, from the repository object that nearly every event carries (newest updated_at wins, then received-at). A newer snapshot that lacks an optional field (forks_count, open_issues_count, owner, flags, times) keeps the stored value. stargazers_count is versioned on its own (stars_version_at, stars_seen_at, stars_seen_delivery): the count of the newest snapshot that reported one.';
COMMENT ON TABLE github.pull_request_reviews IS
  'Each review''s newest state. version_at: submitted_at (-infinity while pending); version_rank: pending 0, submitted 1, dismissed 2 (a dismissal keeps submitted_at, and only follows the submission).';
COMMENT ON TABLE github.stars IS
  'Who stars which repository, from star and watch events. version_at: starred_at for a star; for its removal (GitHub sends starred_at null) the repository snapshot''s updated_at, which moves with the stargazers; a removal outranks a star at an equal time. watch events rank below every star event (-infinity).';
COMMENT ON TABLE github.releases IS
  'Each release''s newest state. version_at: release.updated_at when GitHub sends it, else the later of created_at and published_at; version_rank: deleted 2, edited 1 (an edit without updated_at follows the publication it carries), else 0. deleted is one-way.';
COMMENT ON TABLE github.teams IS
  'Each team''s newest snapshot. version_at: team.updated_at where the team object has one (REST''s team, as the reconciler sends it); webhook team objects carry no time, so their received-at. deleted is one-way.';
COMMENT ON TABLE github.team_members IS
  'Team membership from membership events: active is false once removed. Membership payloads carry no time of GitHub''s: ordered by received-at (a removal outranks an addition received at the same instant).';
COMMENT ON TABLE github.team_repositories IS
  'Repositories a team can reach, from team and team_add events. version_at: the later of the repository snapshot''s updated_at and pushed_at, else the received-at; a removal outranks an addition at an equal time.';
COMMENT ON TABLE github.repository_collaborators IS
  'Outside collaborators from member events: active is false once removed. version_at: the later of the repository snapshot''s updated_at and pushed_at, else the received-at; a removal outranks an addition or edit at an equal time.';
COMMENT ON TABLE github.refs IS
  'Branches and tags from create and delete events: present is false after a delete. version_at: the repository snapshot''s pushed_at (creating or deleting a ref is a push), else the received-at; a delete outranks a create at an equal time.';
COMMENT ON TABLE github.installation_repositories IS
  'Repositories each installation can reach, from installation and installation_repositories events. version_at: the installation''s updated_at, else the received-at; a removal outranks an addition at an equal time.';
