-- 006_nightly: one row per run of `govreach nightly`.

CREATE TABLE meta.nightly_run (
    id          bigserial PRIMARY KEY,
    pid         integer NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    verdict     text CHECK (verdict IN ('ok', 'partial', 'failed', 'interrupted')),
    stages      jsonb
);
COMMENT ON TABLE meta.nightly_run IS 'One row per nightly pipeline run: when, how it ended, and each stage''s status and times.';
COMMENT ON COLUMN meta.nightly_run.id IS 'Run number.';
COMMENT ON COLUMN meta.nightly_run.pid IS 'Backend pid of the driver''s lock connection.';
COMMENT ON COLUMN meta.nightly_run.started_at IS 'When the run took its lock and started.';
COMMENT ON COLUMN meta.nightly_run.finished_at IS 'When it ended; NULL if it was killed.';
COMMENT ON COLUMN meta.nightly_run.verdict IS 'ok, partial (item-level failures), failed or interrupted.';
COMMENT ON COLUMN meta.nightly_run.stages IS 'Per stage: name, exit status, wall and CPU seconds.';
