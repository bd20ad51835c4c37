-- 051_monthly_report.sql — what the monthly management report (`kefu report
-- monthly`) reads beyond the KPI tables: the headline figures of a month, the
-- HR figures per group (totals only, no names: readable by kefu_reporter
-- through these functions although the per-person tables are kefu_hr's), and
-- the agents scheduled per interval by the roster.

-- Headline figures of a centre's month, one row per KPI (NULL: not available —
-- KPIs not computed, no adherence or attendance results for the month).
CREATE FUNCTION kefu.report_headline(p_centre text, p_month date)
RETURNS TABLE (kpi text, value double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
    WITH k AS (SELECT * FROM kefu.kpi_centre_rates WHERE centre = p_centre AND month = p_month),
    cp AS (SELECT count(*) AS n FROM kefu.complaints
           WHERE centre = p_centre AND received_at >= p_month
             AND received_at < p_month + interval '1 month'),
    adh AS (SELECT sum(in_adherence_s)::float8 / nullif(sum(scheduled_s), 0) AS v
            FROM kefu.adherence_daily WHERE centre = p_centre AND month = p_month),
    att AS (SELECT sum(absence_days)::float8 / nullif(sum(scheduled_days), 0) AS v
            FROM kefu.attendance_monthly WHERE centre = p_centre AND month = p_month)
    SELECT v.kpi, v.value FROM (VALUES
        ('offered', (SELECT offered::float8 FROM k)),
        ('answered', (SELECT answered::float8 FROM k)),
        ('abandoned', (SELECT abandoned::float8 FROM k)),
        ('short_abandoned', (SELECT short_abandoned::float8 FROM k)),
        ('answer_rate', (SELECT answer_rate FROM k)),
        ('service_level', (SELECT service_level FROM k)),
        ('abandon_rate', (SELECT abandon_rate FROM k)),
        ('asa', (SELECT asa_s FROM k)),
        ('aht', (SELECT aht_s FROM k)),
        ('occupancy', (SELECT occupancy FROM k)),
        ('staffed_time', (SELECT staffed_hours FROM k)),
        ('calls_per_staffed_hour', (SELECT calls_per_staffed_hour FROM k)),
        ('transfer_rate', (SELECT transfer_rate FROM k)),
        ('repeat_rate', (SELECT repeat_rate FROM k)),
        ('complaints', (SELECT cp.n::float8 FROM cp, k)),
        ('complaints_per_10k', (SELECT cp.n * 10000.0 / nullif(k.answered, 0) FROM cp, k)),
        ('adherence', (SELECT v FROM adh)),
        ('absence_rate', (SELECT v FROM att))) AS v(kpi, value)
$$;

-- Per group (employees.group_name; '' = none): attendance, adherence, ledger
-- and complaint totals of the month. Group totals only — the names stay with
-- kefu_hr. Ledger lines withdrawn on appeal count for nothing.
CREATE FUNCTION kefu.report_group_people(p_centre text, p_month date)
RETURNS TABLE (group_name text, employees bigint, scheduled_days bigint,
               absence_days numeric, absence_rate double precision, incidents bigint,
               scheduled_s bigint, in_adherence_s bigint, adherence double precision,
               ledger_lines bigint, fines numeric, points bigint, deductions numeric,
               complaints bigint, complaints_verified bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
    WITH e AS (SELECT emp_id, coalesce(group_name, '') AS g FROM kefu.employees
               WHERE centre = p_centre),
    att AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, sum(a.scheduled_days) AS sd,
                   sum(a.absence_days) AS ad, sum(a.incidents) AS inc
            FROM kefu.attendance_monthly a LEFT JOIN e ON e.emp_id = a.emp_id
            WHERE a.centre = p_centre AND a.month = p_month GROUP BY 1),
    adh AS (SELECT coalesce(e.g, '') AS g, sum(d.scheduled_s) AS ss, sum(d.in_adherence_s) AS ia
            FROM kefu.adherence_daily d LEFT JOIN e ON e.emp_id = d.emp_id
            WHERE d.centre = p_centre AND d.month = p_month GROUP BY 1),
    led AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, sum(l.fine) AS fine,
                   sum(l.points) AS pts, sum(l.deduction) AS ded
            FROM kefu.ledger l LEFT JOIN e ON e.emp_id = l.emp_id
            WHERE l.centre = p_centre AND l.month = p_month AND l.status <> 'withdrawn'
            GROUP BY 1),
    cpl AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, count(*) FILTER (WHERE c.verified) AS v
            FROM kefu.complaints c LEFT JOIN e ON e.emp_id = c.emp_id
            WHERE c.centre = p_centre AND c.received_at >= p_month
              AND c.received_at < p_month + interval '1 month'
            GROUP BY 1),
    g AS (SELECT g FROM att UNION SELECT g FROM adh UNION SELECT g FROM led UNION SELECT g FROM cpl)
    SELECT g.g, att.n, att.sd, att.ad, att.ad::float8 / nullif(att.sd, 0), att.inc,
           adh.ss, adh.ia, adh.ia::float8 / nullif(adh.ss, 0),
           coalesce(led.n, 0), coalesce(led.fine, 0), coalesce(led.pts, 0), coalesce(led.ded, 0),
           coalesce(cpl.n, 0), coalesce(cpl.v, 0)
    FROM g LEFT JOIN att USING (g) LEFT JOIN adh USING (g) LEFT JOIN led USING (g)
    LEFT JOIN cpl USING (g)
$$;

-- Phone agents (presales/aftersales) whose rostered shift covers the start of
-- each interval of the month (night shifts of the previous day included).
CREATE FUNCTION kefu.report_scheduled_slots(p_centre text, p_month date, p_interval_min integer)
RETURNS TABLE (date date, interval_start time, scheduled bigint)
LANGUAGE sql STABLE AS $$
    WITH sh AS (
        SELECT r.emp_id, r.work_date + s.start_time AS a,
               r.work_date + s.end_time + CASE WHEN s.end_time <= s.start_time
                                               THEN interval '1 day' ELSE interval '0' END AS b
        FROM kefu.roster r
        JOIN kefu.shifts s ON s.centre = r.centre AND s.code = r.shift_code
        JOIN kefu.employees e ON e.centre = r.centre AND e.emp_id = r.emp_id
        WHERE r.centre = p_centre AND r.kind = 'shift' AND e.role IN ('presales', 'aftersales')
          AND r.work_date >= p_month - 1 AND r.work_date < p_month + interval '1 month')
    SELECT t::date, t::time, count(*)
    FROM sh, generate_series(date_bin(make_interval(mins => p_interval_min), sh.a, p_month::timestamp),
                             sh.b - interval '1 second', make_interval(mins => p_interval_min)) t
    WHERE t >= sh.a AND t >= p_month AND t < p_month + interval '1 month'
    GROUP BY 1, 2
$$;

-- Per employee (names next to deductions and fines): an ordinary function, so
-- only a role that may read the HR tables (kefu_hr) gets rows.
CREATE FUNCTION kefu.report_people(p_centre text, p_month date)
RETURNS TABLE (emp_id text, name text, group_name text, scheduled_days integer,
               absence_days numeric, incidents integer, adherence double precision,
               fines numeric, points bigint, deductions numeric, ledger_lines bigint)
LANGUAGE sql STABLE AS $$
    SELECT a.emp_id, e.name, coalesce(e.group_name, ''), a.scheduled_days, a.absence_days,
           a.incidents, d.adh, coalesce(l.fine, 0), coalesce(l.pts, 0),
           a.absence_deduction + a.leave_deduction, coalesce(l.n, 0)
    FROM kefu.attendance_monthly a
    LEFT JOIN kefu.employees e ON e.centre = a.centre AND e.emp_id = a.emp_id
    LEFT JOIN (SELECT emp_id, sum(in_adherence_s)::float8 / nullif(sum(scheduled_s), 0) AS adh
               FROM kefu.adherence_daily WHERE centre = p_centre AND month = p_month
               GROUP BY emp_id) d ON d.emp_id = a.emp_id
    LEFT JOIN (SELECT emp_id, count(*) AS n, sum(fine) AS fine, sum(points) AS pts
               FROM kefu.ledger WHERE centre = p_centre AND month = p_month
                 AND status <> 'withdrawn' GROUP BY emp_id) l ON l.emp_id = a.emp_id
    WHERE a.centre = p_centre AND a.month = p_month
$$;

GRANT EXECUTE ON FUNCTION kefu.report_people(text, date) TO kefu_hr;
GRANT EXECUTE ON FUNCTION kefu.report_headline(text, date), kefu.report_group_people(text, date),
    kefu.report_scheduled_slots(text, date, integer) TO kefu_loader, kefu_reporter, kefu_hr;
