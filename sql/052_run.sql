-- 052_run.sql — the journal of `kefu run` (the month close): one row per centre,
-- month and step with the fingerprint of the inputs it ran on, so a re-run
-- skips the steps that completed on unchanged inputs and redoes the rest.

CREATE TABLE kefu.run_step (
    centre        text NOT NULL,
    month         date NOT NULL,               -- first day of the month closed
    step          text NOT NULL,               -- load, kpi, attendance, ... (cli/run.c)
    status        text NOT NULL CHECK (status IN ('done', 'nodata', 'failed')),
    fingerprint   text NOT NULL,               -- hex SHA-256 of the step's inputs
    rows          bigint,                      -- what it wrote (its own count)
    seconds       double precision,
    detail        text,                        -- e.g. the forecast run ids, the file written
    output_sha256 text,                        -- a workbook step: the file's hash
    message       text,                        -- why it failed or had no data
    finished_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (centre, month, step)
);

-- The state of what a step reads: schema version, the policy rows and choices,
-- and for each feed the last load batch and the number of loads (a new,
-- replaced or failed-then-fixed file changes it).
CREATE FUNCTION kefu.run_inputs(p_feeds text[]) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
    SELECT concat_ws('|',
        (SELECT max(version)::text FROM kefu.schema_migrations),
        (SELECT md5(coalesce(string_agg(p::text, ',' ORDER BY p::text), '')) FROM kefu.policy p),
        (SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY c::text), ''))
         FROM kefu.policy_choice c),
        (SELECT string_agg(f || ':' || coalesce((SELECT max(b.batch_id) || '/' || count(*)
                                                  FROM kefu.load_batches b
                                                  WHERE b.feed = f
                                                    AND b.status IN ('loaded', 'replaced')), '-'),
                           ',' ORDER BY f)
         FROM unnest(p_feeds) f))
$$;

-- The policy in force as one hash (the manifest's policy version).
CREATE FUNCTION kefu.policy_version() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
    SELECT md5((SELECT coalesce(string_agg(p::text, ',' ORDER BY p::text), '') FROM kefu.policy p)
               || '|' ||
               (SELECT coalesce(string_agg(c::text, ',' ORDER BY c::text), '')
                FROM kefu.policy_choice c))
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.run_step TO kefu_loader, kefu_hr;
GRANT SELECT ON kefu.run_step TO kefu_reporter;
GRANT EXECUTE ON FUNCTION kefu.run_inputs(text[]), kefu.policy_version()
    TO kefu_loader, kefu_reporter, kefu_hr;
