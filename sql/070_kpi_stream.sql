-- 070_kpi_stream.sql — `kefu kpi` computes the finest grains in one streamed
-- pass (analytics/kpi_scan.c) instead of kefu.kpi_compute's set-based
-- statements, which at a provincial centre sorted every offered call of the
-- month by caller on disk (repeat flag) and hashed millions of agent ×
-- interval groups (5,000 agents' states cut at interval boundaries).
--
-- The month is now: kefu.kpi_begin (checks and parameters, the month's rows
-- deleted), then two streams read by kefu — kefu.kpi_segments (the agent-state
-- segments of the month in seconds from its start, the same rows as
-- kpi_compute's seg) and kefu.kpi_call_stream (the month's inbound calls, and
-- the offered calls with a known caller of the repeat window before it, in
-- arrival order) — written back with COPY into kpi_interval, kpi_agent_daily
-- and kpi_slot_staff, then kefu.kpi_finish (the roll-ups and kpi_month, as in
-- kpi_compute). The definitions are kpi_compute's, unchanged; kpi_compute
-- stays as the set-based reference the stream is tested against
-- (tests/integration/kpi_stream.sh compares every table on generated months)
-- and keeps its own copy of the roll-ups, so that it stays independent.
--
-- Both stream functions are plain SQL that PostgreSQL inlines into the COPY:
-- the calls come from one range scan of the month's partition in arrival
-- order (its arrived_at index; rows load in arrival order), ties on arrival
-- ordered by kefu by call_id, as kpi_compute's window does.

CREATE FUNCTION kefu.kpi_begin(p_centre text, p_month date)
RETURNS TABLE (interval_min integer, sl_seconds integer, short_abandon_s integer,
               repeat_window_h numeric, repeat_window_us bigint, scan_mark bigint)
LANGUAGE plpgsql AS $$
DECLARE
    m0      date := date_trunc('month', p_month)::date;
    v_iv    integer := kefu.policy_value('kpi_interval_min', p_month, p_centre);
    v_t     integer := kefu.policy_value('kpi_sl_seconds', p_month, p_centre);
    v_short integer := kefu.policy_value('kpi_short_abandon_s', p_month, p_centre);
    v_rep_h numeric := kefu.policy_value('kpi_repeat_window_h', p_month, p_centre);
BEGIN
    IF v_iv IS NULL OR v_iv <= 0 OR 1440 % v_iv <> 0 THEN
        RAISE EXCEPTION 'policy kpi_interval_min = % does not divide a day into whole intervals', v_iv
            USING HINT = 'use 5, 10, 15, 30 or 60 minutes';
    END IF;
    IF v_t IS NULL OR v_short IS NULL OR v_rep_h IS NULL THEN
        RAISE EXCEPTION 'policy rows kpi_sl_seconds, kpi_short_abandon_s, kpi_repeat_window_h are required';
    END IF;
    DELETE FROM kefu.kpi_interval k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_agent_daily k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_slot_staff k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_daily k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_queue k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_agent k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_group k WHERE k.centre = p_centre AND k.month = m0;
    DELETE FROM kefu.kpi_month k WHERE k.centre = p_centre AND k.month = m0;
    RETURN QUERY SELECT v_iv, v_t, v_short, v_rep_h,
                        (extract(epoch FROM v_rep_h * interval '1 hour') * 1000000)::bigint,
                        kefu.kpi_sync();
END
$$;

-- The agent-state segments overlapping the month, as kpi_compute's seg: a and
-- b are the segment's part inside the month in seconds from its start; an
-- open segment lasts until the agent's next segment, the agent's last one
-- until the latest moment the centre's states of the month reach.
CREATE FUNCTION kefu.kpi_segments(p_centre text, p_month date)
RETURNS TABLE (agent_id text, state text, a integer, b integer)
LANGUAGE sql STABLE AS $$
    WITH raw AS (
        SELECT s.agent_id, s.state, s.started_at, s.ended_at
        FROM kefu.agent_states s
        WHERE s.centre = p_centre AND s.started_at >= p_month::timestamp
          AND s.started_at < p_month::timestamp + interval '1 month'
        UNION ALL
        SELECT s.agent_id, s.state, s.started_at, s.ended_at
        FROM kefu.agent_states s
        WHERE s.centre = p_centre AND s.started_at < p_month::timestamp
          AND s.ended_at > p_month::timestamp
        UNION ALL
        SELECT s.agent_id, s.state, s.started_at, s.ended_at
        FROM kefu.agent_states s
        WHERE s.centre = p_centre AND s.started_at < p_month::timestamp AND s.ended_at IS NULL)
    SELECT x.agent_id, x.state, x.a, x.b
    FROM (SELECT r.agent_id, r.state, r.started_at >= p_month::timestamp AS inside,
                 date_part('epoch', greatest(r.started_at, p_month::timestamp) - p_month::timestamp)::integer AS a,
                 date_part('epoch', least(greatest(coalesce(
                     r.ended_at,
                     (SELECT min(n.started_at) FROM kefu.agent_states n
                      WHERE n.centre = p_centre AND n.agent_id = r.agent_id
                        AND n.started_at > r.started_at),
                     (SELECT max(coalesce(h.ended_at, h.started_at)) FROM kefu.agent_states h
                      WHERE h.centre = p_centre AND h.started_at >= p_month::timestamp
                        AND h.started_at < p_month::timestamp + interval '1 month')),
                     r.started_at, p_month::timestamp), p_month::timestamp + interval '1 month')
                     - p_month::timestamp)::integer AS b
          FROM raw r) x
    WHERE x.inside OR x.b > 0
$$;

-- The month's inbound calls (IVR included) and, for the repeat flag, the
-- offered calls with a known caller of the window before the month, in
-- arrival order: the columns as stored (kefu derives waits, talk and the
-- interval from the timestamps, as kpi_compute's expressions do).
CREATE FUNCTION kefu.kpi_call_stream(p_centre text, p_month date, p_window interval)
RETURNS TABLE (arrived_at timestamp, queue text, result text, answered_at timestamp,
               ended_at timestamp, hold_s integer, wrap_s integer, transferred boolean,
               caller_hash bytea, agent_id text, call_id text)
LANGUAGE sql STABLE AS $$
    SELECT c.arrived_at, c.queue, c.result, c.answered_at, c.ended_at, c.hold_s, c.wrap_s,
           c.transferred, c.caller_hash, c.agent_id, c.call_id
    FROM kefu.calls c
    WHERE c.centre = p_centre AND c.direction = 'in'
      AND c.arrived_at >= p_month::timestamp - p_window
      AND c.arrived_at < p_month::timestamp + interval '1 month'
      AND (c.arrived_at >= p_month::timestamp OR (c.result <> 'ivr' AND c.caller_hash IS NOT NULL))
    ORDER BY c.arrived_at
$$;

-- After the streams: the roll-ups from the finest grains and the month's row,
-- as kpi_compute; returns the rows of every KPI table of the month.
CREATE FUNCTION kefu.kpi_finish(p_centre text, p_month date, p_scan_mark bigint,
                                p_calls bigint, p_states bigint, p_no_agent bigint)
RETURNS TABLE (tbl text, n bigint)
LANGUAGE plpgsql AS $$
DECLARE
    m0      date := date_trunc('month', p_month)::date;
BEGIN
    INSERT INTO kefu.kpi_daily
    SELECT k.centre, k.month, k.date, k.queue, sum(k.offered), sum(k.answered), sum(k.abandoned),
           sum(k.short_abandoned), sum(k.answered_in_sl), sum(k.wait_answered_s), sum(k.wait_abandoned_s),
           max(k.max_wait_s), sum(k.talk_s), sum(k.hold_s), sum(k.wrap_s), sum(k.transfers),
           sum(k.transfer_known), sum(k.repeats), sum(k.known_caller), sum(k.ivr)
    FROM kefu.kpi_interval k WHERE k.centre = p_centre AND k.month = m0
    GROUP BY k.centre, k.month, k.date, k.queue;

    INSERT INTO kefu.kpi_queue
    SELECT k.centre, k.month, k.queue, sum(k.offered), sum(k.answered), sum(k.abandoned),
           sum(k.short_abandoned), sum(k.answered_in_sl), sum(k.wait_answered_s), sum(k.wait_abandoned_s),
           max(k.max_wait_s), sum(k.talk_s), sum(k.hold_s), sum(k.wrap_s), sum(k.transfers),
           sum(k.transfer_known), sum(k.repeats), sum(k.known_caller), sum(k.ivr)
    FROM kefu.kpi_daily k WHERE k.centre = p_centre AND k.month = m0
    GROUP BY k.centre, k.month, k.queue;

    INSERT INTO kefu.kpi_agent
    SELECT a.centre, a.month, a.agent_id, coalesce(e.group_name, ''),
           sum(a.answered), sum(a.answered_in_sl), sum(a.wait_answered_s), sum(a.talk_s),
           sum(a.hold_s), sum(a.wrap_s), sum(a.transfers), sum(a.transfer_known),
           sum(a.state_intervals), sum(a.staffed_s), sum(a.available_s),
           sum(a.answered_states), sum(a.handle_states_s)
    FROM kefu.kpi_agent_daily a
    LEFT JOIN kefu.employees e ON e.centre = a.centre AND e.emp_id = a.agent_id
    WHERE a.centre = p_centre AND a.month = m0
    GROUP BY a.centre, a.month, a.agent_id, e.group_name;

    INSERT INTO kefu.kpi_group
    SELECT k.centre, k.month, k.group_name, count(*), count(*) FILTER (WHERE k.state_intervals > 0),
           sum(k.answered), sum(k.answered_in_sl), sum(k.wait_answered_s), sum(k.talk_s), sum(k.hold_s),
           sum(k.wrap_s), sum(k.transfers), sum(k.transfer_known), sum(k.state_intervals),
           sum(k.staffed_s), sum(k.available_s), sum(k.answered_states), sum(k.handle_states_s)
    FROM kefu.kpi_agent k WHERE k.centre = p_centre AND k.month = m0
    GROUP BY k.centre, k.month, k.group_name;

    INSERT INTO kefu.kpi_month (centre, month, interval_min, sl_seconds, short_abandon_s,
                                repeat_window_h, scan_mark, calls_read, states_read,
                                answered_no_agent)
    VALUES (p_centre, m0, kefu.policy_value('kpi_interval_min', p_month, p_centre),
            kefu.policy_value('kpi_sl_seconds', p_month, p_centre),
            kefu.policy_value('kpi_short_abandon_s', p_month, p_centre),
            kefu.policy_value('kpi_repeat_window_h', p_month, p_centre),
            p_scan_mark, p_calls, p_states, p_no_agent);

    RETURN QUERY
        SELECT x.tbl, x.n FROM (
            SELECT 1 AS ord, 'kpi_interval'::text AS tbl, count(*) AS n FROM kefu.kpi_interval x WHERE x.centre = p_centre AND x.month = m0
            UNION ALL SELECT 2, 'kpi_agent_daily', count(*) FROM kefu.kpi_agent_daily x WHERE x.centre = p_centre AND x.month = m0
            UNION ALL SELECT 3, 'kpi_slot_staff', count(*) FROM kefu.kpi_slot_staff x WHERE x.centre = p_centre AND x.month = m0
            UNION ALL SELECT 4, 'kpi_daily', count(*) FROM kefu.kpi_daily x WHERE x.centre = p_centre AND x.month = m0
            UNION ALL SELECT 5, 'kpi_queue', count(*) FROM kefu.kpi_queue x WHERE x.centre = p_centre AND x.month = m0
            UNION ALL SELECT 6, 'kpi_agent', count(*) FROM kefu.kpi_agent x WHERE x.centre = p_centre AND x.month = m0
            UNION ALL SELECT 7, 'kpi_group', count(*) FROM kefu.kpi_group x WHERE x.centre = p_centre AND x.month = m0) x
        ORDER BY x.ord;
END
$$;

GRANT EXECUTE ON FUNCTION kefu.kpi_begin(text, date), kefu.kpi_segments(text, date),
    kefu.kpi_call_stream(text, date, interval),
    kefu.kpi_finish(text, date, bigint, bigint, bigint, bigint) TO kefu_loader;
