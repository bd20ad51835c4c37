-- 069_forecast_profile.sql — the forecast's intraday profile and AHT (DOMAIN
-- §4 staffing) from the KPI roll-up instead of rescanning 8 weeks of calls.
--
-- kefu.offered_intervals(centre, queue, from, to): per day and half-hour
-- (iv = hour × 2 + (minute ≥ 30)) of [from, to], for one queue or all ('*'):
-- offered calls, answered calls and handle time Σ (talk + wrap), with the
-- definitions of DOMAIN §5 (kpi_interval's). Read from kpi_interval for the
-- months whose KPIs are current (kefu.kpi_calls_current, as kefu.offered_days
-- does) and computed with an interval that divides 30 minutes; counted from
-- calls, with the same definitions, for the other months. So AHT per interval
-- is the KPI's AHT: talk = ended_at − answered_at (hold inside it, DOMAIN §5;
-- before this file the forecast added hold_s once more and left answered calls
-- without an end out).

CREATE FUNCTION kefu.offered_intervals(p_centre text, p_queue text, p_from date, p_to date)
RETURNS TABLE (date date, iv integer, offered bigint, answered bigint, handle_s bigint)
LANGUAGE sql STABLE SET jit = off AS $$
    WITH months AS (
        SELECT m::date AS month, greatest(m::date, p_from) AS lo,
               least((m + interval '1 month')::date - 1, p_to) AS hi,
               kefu.kpi_calls_current(p_centre, m::date)
                   AND coalesce((SELECT 30 % k.interval_min = 0 FROM kefu.kpi_month k
                                 WHERE k.centre = p_centre AND k.month = m::date), false) AS current
        FROM generate_series(date_trunc('month', p_from::timestamp), p_to::timestamp,
                             interval '1 month') m
        WHERE p_from <= p_to)
    SELECT k.date,
           extract(hour FROM k.interval_start)::int * 2 + (extract(minute FROM k.interval_start) >= 30)::int,
           sum(k.offered)::bigint, sum(k.answered)::bigint, sum(k.talk_s + k.wrap_s)::bigint
    FROM months JOIN kefu.kpi_interval k ON months.current AND k.centre = p_centre
         AND k.month = months.month AND k.date BETWEEN months.lo AND months.hi
    WHERE p_queue = '*' OR k.queue = p_queue
    GROUP BY 1, 2
    UNION ALL
    SELECT x.*
    FROM months, LATERAL (
        SELECT c.arrived_at::date,
               extract(hour FROM c.arrived_at)::int * 2 + (extract(minute FROM c.arrived_at) >= 30)::int,
               count(*) FILTER (WHERE c.result <> 'ivr'),
               count(*) FILTER (WHERE c.result = 'answered'),
               coalesce(sum(coalesce(date_part('epoch', c.ended_at - c.answered_at)::integer, 0)
                            + coalesce(c.wrap_s, 0)) FILTER (WHERE c.result = 'answered'), 0)::bigint
        FROM kefu.calls c
        WHERE NOT months.current AND c.centre = p_centre AND c.direction = 'in'
          AND (p_queue = '*' OR c.queue = p_queue)
          AND c.arrived_at >= months.lo AND c.arrived_at < months.hi + 1
        GROUP BY 1, 2) x
$$;

GRANT EXECUTE ON FUNCTION kefu.offered_intervals(text, text, date, date)
    TO kefu_loader, kefu_reporter, kefu_hr;
