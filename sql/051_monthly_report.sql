-- 051_monthly_report.sql — what the monthly management report (`kefu report
-- monthly`) reads beyond the KPI tables: the headline figures of a month, the
-- HR figures per group (totals only, no names: readable by kefu_reporter
-- through these functions although the per-person tables are kefu_hr's), and
-- the agents scheduled per interval by the roster.

-- The functions are PL/pgSQL: they read results of later migrations (063
-- complaints, 064 bonus), bound when they run, not when they are created.

-- Headline figures of a centre's month, one row per KPI (NULL: not available —
-- KPIs not computed, no adherence, attendance or complaint results for the
-- month).
CREATE FUNCTION kefu.report_headline(p_centre text, p_month date)
RETURNS TABLE (kpi text, value double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
BEGIN
    RETURN QUERY
    WITH k AS (SELECT * FROM kefu.kpi_centre_rates WHERE centre = p_centre AND month = p_month),
    cp AS (SELECT count(*) AS n FROM kefu.complaints
           WHERE centre = p_centre AND received_at >= p_month
             AND received_at < p_month + interval '1 month'),
    sla AS (SELECT sum(closed_on_time)::float8 / nullif(sum(closed_on_time + closed_late), 0) AS v
            FROM kefu.complaint_summary WHERE centre = p_centre AND month = p_month),
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
        ('sla_compliance', (SELECT sla.v FROM sla)),
        ('adherence', (SELECT adh.v FROM adh)),
        ('absence_rate', (SELECT att.v FROM att))) AS v(kpi, value);
END
$$;

-- Per group (employees.group_name; '' = none): attendance, adherence, ledger
-- lines and amounts (void and withdrawn lines count for nothing; lines awaiting
-- a supervisor's decision apart), complaints with their SLA status (kefu
-- complaints), and the bonus (kefu bonus). Group totals only — the names stay
-- with kefu_hr.
CREATE FUNCTION kefu.report_group_people(p_centre text, p_month date)
RETURNS TABLE (group_name text, employees bigint, scheduled_days bigint,
               absence_days numeric, absence_rate double precision, incidents bigint,
               scheduled_s bigint, in_adherence_s bigint, adherence double precision,
               ledger_lines bigint, fines numeric, points bigint, deductions numeric,
               pending_lines bigint, pending_fines numeric,
               complaints bigint, complaints_verified bigint, complaints_on_time bigint,
               complaints_late bigint, complaints_overdue bigint,
               perf_pay numeric, bonus numeric, payout numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
BEGIN
    RETURN QUERY
    WITH e AS (SELECT emp_id, coalesce(employees.group_name, '') AS g FROM kefu.employees
               WHERE centre = p_centre),
    att AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, sum(a.scheduled_days) AS sd,
                   sum(a.absence_days) AS ad, sum(a.incidents) AS inc
            FROM kefu.attendance_monthly a LEFT JOIN e ON e.emp_id = a.emp_id
            WHERE a.centre = p_centre AND a.month = p_month GROUP BY 1),
    adh AS (SELECT coalesce(e.g, '') AS g, sum(d.scheduled_s) AS ss, sum(d.in_adherence_s) AS ia
            FROM kefu.adherence_daily d LEFT JOIN e ON e.emp_id = d.emp_id
            WHERE d.centre = p_centre AND d.month = p_month GROUP BY 1),
    led AS (SELECT coalesce(e.g, '') AS g,
                   count(*) FILTER (WHERE l.status NOT IN ('void', 'withdrawn', 'pending')) AS n,
                   sum(l.fine) FILTER (WHERE l.status NOT IN ('void', 'withdrawn', 'pending')) AS fine,
                   sum(l.points) FILTER (WHERE l.status NOT IN ('void', 'withdrawn', 'pending')) AS pts,
                   sum(l.deduction) FILTER (WHERE l.status NOT IN ('void', 'withdrawn', 'pending')) AS ded,
                   count(*) FILTER (WHERE l.status = 'pending') AS pn,
                   sum(l.fine + l.deduction) FILTER (WHERE l.status = 'pending') AS pf
            FROM kefu.ledger l LEFT JOIN e ON e.emp_id = l.emp_id
            WHERE l.centre = p_centre AND l.month = p_month
            GROUP BY 1),
    cpl AS (SELECT c.group_name AS g, sum(c.complaints) AS n, sum(c.verified) AS v,
                   sum(c.closed_on_time) AS ot, sum(c.closed_late) AS late, sum(c.overdue) AS od
            FROM kefu.complaint_summary c WHERE c.centre = p_centre AND c.month = p_month
            GROUP BY 1),
    raw AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, count(*) FILTER (WHERE c.verified) AS v
            FROM kefu.complaints c LEFT JOIN e ON e.emp_id = c.emp_id
            WHERE c.centre = p_centre AND c.received_at >= p_month
              AND c.received_at < p_month + interval '1 month'
            GROUP BY 1),
    bon AS (SELECT b.group_name AS g, sum(b.perf_pay) AS pp, sum(b.bonus) AS bo,
                   sum(b.payout) AS po
            FROM kefu.bonus_group_totals b WHERE b.centre = p_centre AND b.month = p_month
            GROUP BY 1),
    g AS (SELECT att.g FROM att UNION SELECT adh.g FROM adh UNION SELECT led.g FROM led
          UNION SELECT raw.g FROM raw UNION SELECT cpl.g FROM cpl UNION SELECT bon.g FROM bon)
    SELECT g.g, att.n, att.sd, att.ad, att.ad::float8 / nullif(att.sd, 0), att.inc,
           adh.ss, adh.ia, adh.ia::float8 / nullif(adh.ss, 0),
           coalesce(led.n, 0), coalesce(led.fine, 0), coalesce(led.pts, 0), coalesce(led.ded, 0),
           coalesce(led.pn, 0), coalesce(led.pf, 0),
           coalesce(cpl.n, raw.n, 0)::bigint, coalesce(cpl.v, raw.v, 0)::bigint,
           cpl.ot::bigint, cpl.late::bigint, cpl.od::bigint,
           bon.pp, bon.bo, bon.po
    FROM g LEFT JOIN att ON att.g = g.g LEFT JOIN adh ON adh.g = g.g
    LEFT JOIN led ON led.g = g.g LEFT JOIN cpl ON cpl.g = g.g LEFT JOIN raw ON raw.g = g.g
    LEFT JOIN bon ON bon.g = g.g;
END
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

-- Per employee (names next to deductions, fines and the bonus): an ordinary
-- function, so only a role that may read the HR tables (kefu_hr) gets rows.
CREATE FUNCTION kefu.report_people(p_centre text, p_month date)
RETURNS TABLE (emp_id text, name text, group_name text, scheduled_days integer,
               absence_days numeric, incidents integer, adherence double precision,
               fines numeric, points bigint, deductions numeric, ledger_lines bigint,
               pending_lines bigint, bonus numeric, payout numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT a.emp_id, e.name, coalesce(e.group_name, ''), a.scheduled_days, a.absence_days,
           a.incidents, d.adh, coalesce(l.fine, 0), coalesce(l.pts, 0)::bigint,
           a.absence_deduction + a.leave_deduction, coalesce(l.n, 0)::bigint,
           coalesce(l.pn, 0)::bigint, b.bonus, b.payout
    FROM kefu.attendance_monthly a
    LEFT JOIN kefu.employees e ON e.centre = a.centre AND e.emp_id = a.emp_id
    LEFT JOIN (SELECT x.emp_id, sum(x.in_adherence_s)::float8 / nullif(sum(x.scheduled_s), 0) AS adh
               FROM kefu.adherence_daily x WHERE x.centre = p_centre AND x.month = p_month
               GROUP BY x.emp_id) d ON d.emp_id = a.emp_id
    LEFT JOIN (SELECT y.emp_id,
                      count(*) FILTER (WHERE y.status NOT IN ('void', 'withdrawn', 'pending')) AS n,
                      sum(y.fine) FILTER (WHERE y.status NOT IN ('void', 'withdrawn', 'pending')) AS fine,
                      sum(y.points) FILTER (WHERE y.status NOT IN ('void', 'withdrawn', 'pending')) AS pts,
                      count(*) FILTER (WHERE y.status = 'pending') AS pn
               FROM kefu.ledger y WHERE y.centre = p_centre AND y.month = p_month
               GROUP BY y.emp_id) l ON l.emp_id = a.emp_id
    LEFT JOIN kefu.bonus_monthly b ON b.centre = a.centre AND b.month = a.month
         AND b.emp_id = a.emp_id
    WHERE a.centre = p_centre AND a.month = p_month;
END
$$;

GRANT EXECUTE ON FUNCTION kefu.report_people(text, date) TO kefu_hr;
GRANT EXECUTE ON FUNCTION kefu.report_headline(text, date), kefu.report_group_people(text, date),
    kefu.report_scheduled_slots(text, date, integer) TO kefu_loader, kefu_reporter, kefu_hr;
