-- 010_load_centre.sql — the loader's journal knows the centre a file was
-- loaded for (the same holidays file may serve two centres: "already loaded"
-- and --replace go by feed AND centre); the centres that have data, for the
-- one "unknown centre" check of the commands; and the CSV-injection guard of
-- FILE.rejects.csv.

-- The --centre of the load (default 'main'): the centre of the rows that do
-- not name their own. Batches loaded before this migration count as 'main'.
ALTER TABLE kefu.load_batches ADD COLUMN centre text NOT NULL DEFAULT 'main';
DROP INDEX kefu.load_batches_sha;
CREATE INDEX load_batches_sha ON kefu.load_batches (feed, centre, file_sha256)
    WHERE status = 'loaded';

-- Every centre with rows in some feed table, sorted. A loose index scan per
-- table (each key starts with centre), so it costs a few index probes per
-- centre, not a scan of 100 M calls. SECURITY DEFINER: HR may not read calls
-- and the reporting role may not read punches, yet both may learn which
-- centres exist; only names leave the function.
CREATE FUNCTION kefu.known_centres() RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    t text;
    c text;
    found text[] := '{}';
BEGIN
    FOREACH t IN ARRAY ARRAY['calls', 'agent_states', 'employees', 'punches',
        'punch_confirmations', 'complaints', 'shifts', 'roster', 'leaves', 'swaps',
        'comp_time', 'pullouts', 'violations', 'special_days', 'daily_volumes', 'holidays']
    LOOP
        EXECUTE format('SELECT min(centre) FROM kefu.%I', t) INTO c;
        WHILE c IS NOT NULL LOOP
            IF NOT c = ANY (found) THEN
                found := found || c;
            END IF;
            EXECUTE format('SELECT min(centre) FROM kefu.%I WHERE centre > $1', t) INTO c USING c;
        END LOOP;
    END LOOP;
    RETURN ARRAY(SELECT x FROM unnest(found) x ORDER BY x);
END
$$;
REVOKE ALL ON FUNCTION kefu.known_centres() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kefu.known_centres() TO kefu_loader, kefu_reporter, kefu_hr;

-- A cell a spreadsheet would take for a formula (OWASP "CSV injection": a
-- leading = + - @, tab or carriage return) gets a leading apostrophe, so a
-- clerk opening FILE.rejects.csv in Excel sees the text, not a live formula.
CREATE FUNCTION kefu.csv_safe(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v ~ '^[-=+@\t\r]' THEN '''' || v ELSE v END
$$;
GRANT EXECUTE ON FUNCTION kefu.csv_safe(text) TO kefu_loader, kefu_reporter, kefu_hr;
