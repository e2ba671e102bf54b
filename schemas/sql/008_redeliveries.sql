-- The reconciler's failed-delivery redelivery (reconciler/redelivery.*). Its own bookkeeping: it
-- never writes entity tables. Independent of 007 (the reconciler's run tables).

-- One row per hook (the RECONCILE_HOOKS entry, e.g. 'org/acme/12'): where the last complete sweep
-- of its deliveries listing stopped. A sweep walks the listing newest first and stops at the page
-- that reaches last_delivery_id; it is advanced only once a sweep finished listing and
-- redelivering, so a sweep cut short by the budget or a rate limit is walked again next run.
CREATE TABLE github.redelivery_sweeps (
  hook              text PRIMARY KEY,
  last_delivery_id  bigint NOT NULL,        -- the newest delivery id seen by the last complete sweep
  swept_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE github.redelivery_sweeps IS
  'Per webhook: the newest delivery id (GitHub''s, monotonic) that the last complete redelivery sweep saw.';

-- One row per delivery GUID the reconciler asked GitHub to redeliver. The row is committed before
-- the POST .../deliveries/{id}/attempts is sent, and removed again only when the request was
-- certainly not sent (budget refused, rate limit persisted): a GUID is redelivered at most once,
-- across runs and crashes.
CREATE TABLE github.redelivered (
  delivery_guid     text PRIMARY KEY,       -- X-GitHub-Delivery, = github.deliveries.delivery_id
  hook              text NOT NULL,
  github_delivery_id bigint NOT NULL,       -- the attempt's id in GitHub's listing, POSTed
  redelivered_at    timestamptz NOT NULL DEFAULT now(),
  answer_status     integer,                -- GitHub's answer to the POST (202); NULL: no answer recorded
  answer_message    text                    -- GitHub's message when it refused
);
CREATE INDEX redelivered_hook ON github.redelivered (hook, redelivered_at);
COMMENT ON TABLE github.redelivered IS
  'Delivery GUIDs the reconciler asked GitHub to redeliver, once each.';
