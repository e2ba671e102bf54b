-- The schemas every later migration builds on.
CREATE SCHEMA IF NOT EXISTS github;
CREATE SCHEMA IF NOT EXISTS analytics;
