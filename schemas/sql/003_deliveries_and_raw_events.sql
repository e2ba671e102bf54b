-- The ledger, the raw events and the dead letters.

-- One row per delivery id ever applied. The worker inserts it in the same transaction as the
-- delivery's folds (ON CONFLICT DO NOTHING): a delivery whose id is already here folds nothing,
-- which is what makes a replay, a redelivery, or an org hook and a repo hook sharing one
-- X-GitHub-Delivery harmless.
CREATE TABLE github.deliveries (
  delivery_id      text PRIMARY KEY,
  event            text NOT NULL,
  action           text,
  source           text NOT NULL,          -- webhook or reconciler
  received_at      timestamptz NOT NULL,
  folded           boolean NOT NULL,       -- false: an event type the worker keeps raw only
  kafka_topic      text,
  kafka_partition  integer,
  kafka_offset     bigint,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_received_at ON github.deliveries USING brin (received_at);
COMMENT ON TABLE github.deliveries IS
  'Ledger of every delivery id applied, folded or kept raw. Dead-lettered messages are not here (a fixed redelivery can still fold).';

-- GitHub's JSON body of every delivery, as text compressed with lz4: the worker stores it with COPY
-- and never parses it again, and text/lz4 is the cheapest way PostgreSQL has to keep it (see
-- schemas/README.md). Cast payload::jsonb to query it. Partitioned by month of received_at so that
-- retention is a DROP of a partition; the worker creates partitions ahead of time and drops old
-- ones (RAW_RETENTION_MONTHS).
CREATE TABLE github.webhook_events (
  received_at  timestamptz NOT NULL,
  delivery_id  text NOT NULL,
  event        text NOT NULL,
  action       text,
  source       text NOT NULL,
  hook_id      text,
  payload      text COMPRESSION lz4 NOT NULL
) PARTITION BY RANGE (received_at);
CREATE INDEX webhook_events_delivery_id ON github.webhook_events (delivery_id);
COMMENT ON TABLE github.webhook_events IS
  'Raw JSON body of every delivery in the ledger (text, lz4-compressed; cast payload::jsonb to query). Monthly partitions github.webhook_events_yYYYYmMM; months older than the worker''s RAW_RETENTION_MONTHS are dropped.';

-- The partition for the month holding `month`: created if absent. An advisory lock serialises
-- workers doing this at once (CREATE TABLE IF NOT EXISTS alone still races).
CREATE FUNCTION github.ensure_webhook_events_partition(month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', month)::date;
  partition_name text := format('webhook_events_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('github.webhook_events partitions'));
  IF to_regclass(format('github.%I', partition_name)) IS NULL THEN
    EXECUTE format(
      'CREATE TABLE github.%I PARTITION OF github.webhook_events FOR VALUES FROM (%L) TO (%L)',
      partition_name,
      (first_day::timestamp AT TIME ZONE 'UTC'),
      ((first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
  END IF;
  RETURN partition_name;
END;
$$;

-- The first days of the months that have a partition.
CREATE FUNCTION github.webhook_events_partition_months() RETURNS SETOF date
LANGUAGE sql STABLE AS $$
  SELECT make_date(substring(c.relname from 'y(\d{4})m')::int, substring(c.relname from 'm(\d{2})$')::int, 1)
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'github.webhook_events'::regclass
    AND c.relname ~ '^webhook_events_y\d{4}m\d{2}$'
  ORDER BY 1
$$;

-- Drops every partition whose whole month lies before `first_kept_month`; returns their names.
CREATE FUNCTION github.drop_webhook_events_partitions_before(first_kept_month date) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  month date;
  partition_name text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('github.webhook_events partitions'));
  FOR month IN SELECT m FROM github.webhook_events_partition_months() AS m
               WHERE m < date_trunc('month', first_kept_month)::date LOOP
    partition_name := format('webhook_events_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
    EXECUTE format('DROP TABLE github.%I', partition_name);
    RETURN NEXT partition_name;
  END LOOP;
END;
$$;

-- What could not be folded, with why. payload is bytea because a malformed message need not even
-- be UTF-8. (kafka_topic, kafka_partition, kafka_offset) is unique so that re-reading the same
-- message after a crash does not dead-letter it twice.
CREATE TABLE github.dead_letters (
  id               bigserial PRIMARY KEY,
  kafka_topic      text NOT NULL,
  kafka_partition  integer NOT NULL,
  kafka_offset     bigint NOT NULL,
  delivery_id      text,
  event            text,
  source           text,
  received_at      timestamptz,
  reason           text NOT NULL,
  headers          jsonb NOT NULL,
  payload          bytea NOT NULL,
  dead_lettered_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kafka_topic, kafka_partition, kafka_offset)
);
CREATE INDEX dead_letters_delivery_id ON github.dead_letters (delivery_id);
COMMENT ON TABLE github.dead_letters IS
  'Messages the worker could not fold, with the reason (a missing header, JSON that does not parse, a payload field that is missing or invalid). convert_from(payload, ''UTF8'') shows the body.';
