-- 060_attendance_steps.sql — the ledger's evidence as data and its one writer,
-- and the set-based steps of `kefu attendance` (DOMAIN §6 A8, A12).
--
-- Evidence: every ledger line has a kind (kefu.evidence_format: rule, Chinese
-- and English text, line key) and its facts as jsonb (punch times, shift,
-- minutes, complaint id ...); the texts of both languages and the stable line
-- key are rendered from them by kefu.evidence_text, so a workbook shows the
-- evidence in its own language whatever the language of the run.
--
-- The set-based steps of `kefu attendance` are one function the command calls
-- after streaming the per-employee results. It reads the session's temporary
-- tables the command creates in the same transaction:
--   run_policy (param, alternative, value)      the parameters in force
--   run_policy_prov (param, province, value)    the same with province rows
--   ledger_new (...)                            the month's ledger lines so far
-- Formulas of A12: 006_leave_rules.sql. Forward-only: later changes go in a
-- new migration.

-- ---- evidence as data ----------------------------------------------------------------

-- One row per kind of ledger line: its rule, the evidence text in Chinese and
-- English and the line key, as formats over the line's facts. {name} is the
-- fact's value ('-' when missing or null); {@name} is the label of the value
-- in kefu.evidence_label ('' when missing, the raw value when no label).
-- {date} in a line key is the line's date.
CREATE TABLE kefu.evidence_format (
    kind      text PRIMARY KEY,
    rule_id   text NOT NULL,
    format_zh text NOT NULL,
    format_en text NOT NULL,
    line_key  text NOT NULL,          -- stable key of the fact inside the employee's month
    note      text
);

CREATE TABLE kefu.evidence_label (
    label   text PRIMARY KEY,         -- name=value, e.g. halfdays=1
    text_zh text NOT NULL,
    text_en text NOT NULL
);

-- The text of a format over facts in a language ('zh' or 'en').
CREATE FUNCTION kefu.evidence_text(p_format text, p_facts jsonb, p_lang text)
RETURNS text LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(string_agg(
        CASE WHEN m[1] IS NULL THEN m[2]
             WHEN left(m[1], 2) = '{@' THEN coalesce(
                 (SELECT CASE WHEN p_lang = 'en' THEN l.text_en ELSE l.text_zh END
                  FROM kefu.evidence_label l
                  WHERE l.label = substr(m[1], 3, length(m[1]) - 3) || '='
                                  || (p_facts ->> substr(m[1], 3, length(m[1]) - 3))),
                 p_facts ->> substr(m[1], 3, length(m[1]) - 3), '')
             ELSE coalesce(p_facts ->> substr(m[1], 2, length(m[1]) - 2), '-') END,
        '' ORDER BY n), '')
    FROM regexp_matches(p_format, '(\{@?[A-Za-z_0-9]+\})|([^{]+|\{)', 'g') WITH ORDINALITY AS t(m, n)
$fn$;

-- The day of an attendance line: shift and punches.
INSERT INTO kefu.evidence_label (label, text_zh, text_en) VALUES
 ('halfdays=1', '半天旷工', 'half-day absence'),
 ('halfdays=2', '旷工一天', 'full-day absence'),
 ('confirmed=true', '已确认', 'confirmed'),
 ('confirmed=false', '未确认', 'not confirmed'),
 ('leave_type=annual', '年', 'annual'),
 ('leave_type=sick', '病', 'sick'),
 ('leave_type=personal', '事', 'personal'),
 ('leave_type=marriage', '婚', 'marriage'),
 ('leave_type=maternity', '产', 'maternity'),
 ('leave_type=paternity', '陪产', 'paternity'),
 ('leave_type=bereavement', '丧', 'bereavement'),
 ('leave_type=comp', '调休', 'comp'),
 ('leave_note=maternity', '（难产另加 15 天、多胞胎每多一婴另加 15 天，数据中无记录，请核实）',
  ' (a difficult birth adds 15 days, each extra baby 15: not in the data, please check)');

INSERT INTO kefu.evidence_format (kind, rule_id, format_zh, format_en, line_key) VALUES
 ('A2_late', 'A2',
  '迟到 {minutes} 分钟，本月第 {incident} 次（班次 {shift} {start}–{end}，上班打卡 {in}，下班打卡 {out}）',
  'late {minutes} min, incident {incident} of the month (shift {shift} {start}-{end}, in {in}, out {out})',
  'A2:{date}:late'),
 ('A2_early', 'A2',
  '早退 {minutes} 分钟，本月第 {incident} 次（班次 {shift} {start}–{end}，上班打卡 {in}，下班打卡 {out}）',
  'early leave {minutes} min, incident {incident} of the month (shift {shift} {start}-{end}, in {in}, out {out})',
  'A2:{date}:early'),
 ('A2_extra', 'A2',
  '本月第 {incident} 次迟到早退（三次以上）：加扣 {points} 分',
  'incident {incident} of the month (three or more): {points} more points',
  'A2:{date}:extra'),
 ('A4', 'A4',
  '迟到 {late_min} 分钟 / 早退 {early_min} 分钟，超过 {limit} 分钟：{@halfdays}（班次 {shift} {start}–{end}，上班打卡 {in}，下班打卡 {out}）',
  'late {late_min} min / early {early_min} min, more than {limit} min: {@halfdays} (shift {shift} {start}-{end}, in {in}, out {out})',
  'A4:{date}'),
 ('A5', 'A5',
  '漏打卡，本月第 {missing_no} 次，{@confirmed}：{@halfdays}（班次 {shift} {start}–{end}，上班打卡 {in}，下班打卡 {out}）',
  'missing punch {missing_no} of the month, {@confirmed}: {@halfdays} (shift {shift} {start}-{end}, in {in}, out {out})',
  'A5:{date}'),
 ('A6', 'A6',
  '排定班次无打卡、无请假：{@halfdays}（班次 {shift} {start}–{end}，上班打卡 {in}，下班打卡 {out}）',
  'no punch and no approved leave on a rostered shift: {@halfdays} (shift {shift} {start}-{end}, in {in}, out {out})',
  'A6:{date}'),
 ('A6_cap', 'A6',
  '本月扣款以基本工资+绩效工资 {wage} 元为上限',
  'the month''s deductions are capped at base + performance wage {wage} yuan',
  'A6:cap'),
 ('A7_consecutive', 'A7',
  '连续 {shifts} 个排定班次旷工：解除劳动合同审查（劳动合同法第三十九条，非自动处理）',
  'absent on {shifts} consecutive scheduled shifts: dismissal review (Labour Contract Law art. 39, not automatic)',
  'A7:{date}:consecutive'),
 ('A7_window', 'A7',
  '统计期内旷工累计 {days} 天：解除劳动合同审查（劳动合同法第三十九条，非自动处理）',
  '{days} absence days in the period: dismissal review (Labour Contract Law art. 39, not automatic)',
  'A7:{date}:window'),
 ('A8', 'A8',
  '班次 {shift} 于 {start} 开始，{minutes} 分钟后仍未签入话务系统，且无抽调/非抽调登记：人工考勤记录，待主管审核',
  'shift {shift} started {start}; not signed in to the phone system {minutes} min later and no pull-out registration: manual attendance record for the supervisor',
  'A8:{date}'),
 ('A8_adherence', 'A8',
  '班次 {shift} 于 {start} 开始，{minutes} 分钟后仍未签入话务系统（首次签入 {first_sign_in}，未登记时间 {unexcused_s} 秒），无抽调/非抽调登记：人工考勤记录，待主管审核',
  'shift {shift} started {start}; not signed in to the phone system {minutes} min later (first sign-in {first_sign_in}, {unexcused_s} s unregistered) and no pull-out registration: manual attendance record for the supervisor',
  'A8:{date}'),
 ('A9', 'A9',
  '未经批准调班，排定班次无打卡：{@halfdays}（班次 {shift} {start}–{end}，上班打卡 {in}，下班打卡 {out}）',
  'unapproved swap, no punch on the rostered shift: {@halfdays} (shift {shift} {start}-{end}, in {in}, out {out})',
  'A9:{date}'),
 ('A9_review', 'A9',
  '本月第 {count} 次未经批准调班导致缺勤：解除劳动合同审查（非自动处理）',
  'absence through an unapproved swap, {count} in the month: dismissal review (not automatic)',
  'A9:{date}:review'),
 ('A12_annual', 'A12',
  '今年已休年假 {used} 天，超过应休 {entitlement} 天（职工带薪年休假条例第三条）：请人事复核',
  'annual leave used this year {used} days, more than the entitlement of {entitlement} days (职工带薪年休假条例 art. 3): for HR review',
  'A12:annual:{date}'),
 ('A12_leave', 'A12',
  '{@leave_type}假 {from} 至 {to} 共 {days} 个日历日，超过规定的 {limit} 天{@leave_note}：请人事复核',
  '{@leave_type} leave {from} to {to}: {days} calendar days, more than the {limit} days allowed{@leave_note}: for HR review',
  'A12:{leave_type}:{date}'),
 ('A12_comp', 'A12',
  '{day} 调休 {need} 小时，调休余额仅 {balance} 小时（调休台账）：请人事复核',
  'comp day {day} needs {need} hours, balance only {balance} hours (comp_time ledger): for HR review',
  'A12:comp:{date}');

-- The ledger keeps the facts and both texts: evidence (Chinese, the default
-- language) and evidence_en; kind names the row of kefu.evidence_format.
ALTER TABLE kefu.ledger
    ADD COLUMN kind        text,
    ADD COLUMN facts       jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN evidence_en text NOT NULL DEFAULT '';

-- ---- the ledger writer (analytics/ledger.c) ----------------------------------------------
-- Replaces the lines of one source and month by the staged lines of the session's
-- ledger_new (emp_id, date, kind, facts, fine, points, deduction, escalation_step),
-- rendering rule, key and texts from kefu.evidence_format and keeping the status
-- HR gave a line of an earlier run with the same key. A key is one line per
-- employee and month whatever the source: a staged line whose key another source
-- holds already is not written (skipped: one A8 record a day, whether kefu
-- attendance or kefu adherence found it first).
CREATE FUNCTION kefu.ledger_replace(p_centre text, p_month date, p_source text,
                                    OUT written bigint, OUT new_lines bigint, OUT skipped bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    k text;
BEGIN
    SELECT n.kind INTO k FROM ledger_new n
    WHERE NOT EXISTS (SELECT 1 FROM kefu.evidence_format f WHERE f.kind = n.kind) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger line of unknown kind "%"', k
            USING HINT = 'every kind needs a row in kefu.evidence_format';
    END IF;
    UPDATE ledger_new n
    SET rule_id = f.rule_id,
        line_key = kefu.evidence_text(f.line_key, n.facts || jsonb_build_object('date', n.date), 'zh'),
        evidence = kefu.evidence_text(f.format_zh, n.facts, 'zh'),
        evidence_en = kefu.evidence_text(f.format_en, n.facts, 'en')
    FROM kefu.evidence_format f WHERE f.kind = n.kind;
    DELETE FROM ledger_new n
    WHERE EXISTS (SELECT 1 FROM kefu.ledger l
                  WHERE l.centre = p_centre AND l.month = p_month AND l.source <> p_source
                    AND l.emp_id = n.emp_id AND l.line_key = n.line_key);
    GET DIAGNOSTICS skipped = ROW_COUNT;
    CREATE TEMP TABLE ledger_old ON COMMIT DROP AS
    SELECT emp_id, line_key, status FROM kefu.ledger
    WHERE centre = p_centre AND month = p_month AND source = p_source;
    DELETE FROM kefu.ledger WHERE centre = p_centre AND month = p_month AND source = p_source;
    INSERT INTO kefu.ledger (centre, emp_id, date, month, rule_id, kind, facts, evidence,
                             evidence_en, fine, points, deduction, escalation_step, status, source,
                             line_key)
    SELECT p_centre, n.emp_id, n.date, p_month, n.rule_id, n.kind, n.facts, n.evidence,
           n.evidence_en, n.fine, n.points, n.deduction, n.escalation_step,
           coalesce(o.status, 'issued'), p_source, n.line_key
    FROM ledger_new n
    LEFT JOIN ledger_old o ON o.emp_id = n.emp_id AND o.line_key = n.line_key
    ORDER BY n.emp_id COLLATE "C", n.date, n.line_key COLLATE "C";
    GET DIAGNOSTICS written = ROW_COUNT;
    SELECT count(*) INTO new_lines FROM ledger_new n
    WHERE NOT EXISTS (SELECT 1 FROM ledger_old o WHERE o.emp_id = n.emp_id
                      AND o.line_key = n.line_key);
    DROP TABLE ledger_old;
    TRUNCATE ledger_new;
END
$fn$;

GRANT SELECT ON kefu.evidence_format, kefu.evidence_label TO kefu_loader, kefu_reporter, kefu_hr;
GRANT EXECUTE ON FUNCTION kefu.ledger_replace(text, date, text) TO kefu_hr;

-- ---- kefu attendance: the set-based steps ------------------------------------------------

CREATE FUNCTION kefu.attendance_finish(p_centre text, p_ms date, p_me date)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    -- A8: worked shifts of phone agents not signed in at start + a8_signin_min
    -- (the agent-state segment holding that instant is missing or a logout),
    -- unless a pull-out or non-pull-out registration covers the start. Only for
    -- agents with phone-system states in the month: no data is no evidence.
    -- The scalar subqueries with LIMIT make one index probe per shift.
    INSERT INTO ledger_new (emp_id, date, kind, facts)
    WITH lim AS (SELECT value AS v, value * interval '1 minute' AS i FROM run_policy
                 WHERE param = 'a8_signin_min'),
         agents AS MATERIALIZED (
             SELECT e.emp_id FROM kefu.employees e
             WHERE e.centre = p_centre AND e.role IN ('presales', 'aftersales')
               AND EXISTS (SELECT 1 FROM kefu.agent_states a
                           WHERE a.centre = p_centre AND a.agent_id = e.emp_id
                             AND a.started_at >= p_ms - 1 AND a.started_at < p_me + 1))
    SELECT d.emp_id, d.work_date, 'A8',
           jsonb_build_object('shift', d.roster_code, 'start', to_char(d.shift_start, 'HH24:MI'),
                              'minutes', lim.v)
    FROM kefu.attendance_daily d JOIN agents g ON g.emp_id = d.emp_id CROSS JOIN lim
    WHERE d.centre = p_centre AND d.month = p_ms AND d.shift_start IS NOT NULL
      AND d.status NOT IN ('absent', 'leave')
      AND (SELECT a.state <> 'logout' AND coalesce(a.ended_at, 'infinity') > d.shift_start + lim.i
           FROM kefu.agent_states a
           WHERE a.centre = p_centre AND a.agent_id = d.emp_id
             AND a.started_at <= d.shift_start + lim.i
             AND a.started_at > d.shift_start - interval '1 day'
           ORDER BY a.started_at DESC LIMIT 1) IS NOT TRUE
      AND (SELECT 1 FROM kefu.pullouts u
           WHERE u.centre = p_centre AND u.emp_id = d.emp_id
             AND u.start_at <= d.shift_start + lim.i AND u.end_at >= d.shift_start
           LIMIT 1) IS NULL;

    -- A12: per employee the leave parameters in force for the employee's
    -- province (a province row before the '' row), wage, divisor and the
    -- annual-leave entitlement by whole working years at the month's end
    -- (职工带薪年休假条例 第二、三条).
    CREATE TEMP TABLE att_lp ON COMMIT DROP AS
    WITH ep AS (
        SELECT DISTINCT ON (m.emp_id, q.param) m.emp_id, q.param, q.value
        FROM kefu.attendance_monthly m
        LEFT JOIN kefu.employees e ON e.centre = m.centre AND e.emp_id = m.emp_id
        JOIN run_policy_prov q ON q.province IN (coalesce(e.province, ''), '')
        WHERE m.centre = p_centre AND m.month = p_ms
        ORDER BY m.emp_id, q.param, q.province = ''),
    pv AS (
        SELECT emp_id,
               max(value) FILTER (WHERE param = 'annual_min_years') AS min_years,
               max(value) FILTER (WHERE param = 'annual_tier1_years') AS tier1_years,
               max(value) FILTER (WHERE param = 'annual_tier2_years') AS tier2_years,
               max(value) FILTER (WHERE param = 'annual_days_tier0') AS days0,
               max(value) FILTER (WHERE param = 'annual_days_tier1') AS days1,
               max(value) FILTER (WHERE param = 'annual_days_tier2') AS days2,
               max(value) FILTER (WHERE param = 'personal_max_days') AS personal_max,
               max(value) FILTER (WHERE param = 'sick_floor_pct') AS sick_floor_pct,
               max(value) FILTER (WHERE param = 'min_wage_monthly') AS min_wage,
               max(value) FILTER (WHERE param = 'marriage_days') AS marriage_days,
               max(value) FILTER (WHERE param = 'bereavement_days') AS bereavement_days,
               max(value) FILTER (WHERE param = 'maternity_days')
                 + max(value) FILTER (WHERE param = 'maternity_province_extra_days') AS maternity_days,
               max(value) FILTER (WHERE param = 'maternity_allowance_divisor_days') AS maternity_div,
               max(value) FILTER (WHERE param = 'paternity_days') AS paternity_days,
               max(value) FILTER (WHERE param = 'comp_day_hours') AS comp_day_hours
        FROM ep GROUP BY emp_id)
    SELECT pv.*, m.base_wage + m.perf_wage AS w, m.pay_divisor_days AS dv, e.work_start_date,
           CASE WHEN e.work_start_date IS NULL THEN NULL
                WHEN extract(year FROM age(p_me - 1, e.work_start_date)) < pv.min_years THEN 0
                WHEN extract(year FROM age(p_me - 1, e.work_start_date)) < pv.tier1_years THEN pv.days0
                WHEN extract(year FROM age(p_me - 1, e.work_start_date)) < pv.tier2_years THEN pv.days1
                ELSE pv.days2 END AS annual_entitlement
    FROM pv JOIN kefu.attendance_monthly m ON m.centre = p_centre AND m.month = p_ms AND m.emp_id = pv.emp_id
    LEFT JOIN kefu.employees e ON e.centre = p_centre AND e.emp_id = pv.emp_id;

    -- A12: leave days per type — scheduled days on leave from the daily rows,
    -- plus unrostered or rest days inside approved leaves for the types counted
    -- in calendar days; pay at the policy factor, the sick-pay floor, the
    -- maternity allowance (its own column), entitlement and annual days used
    -- this calendar year.
    INSERT INTO kefu.attendance_leave (centre, month, emp_id, leave_type, days, scheduled_days,
                                       pay_factor, pay, deduction, entitlement_days, used_ytd_days,
                                       floor_pay, maternity_allowance)
    WITH sched AS (
        SELECT emp_id, work_date, leave_type FROM kefu.attendance_daily
        WHERE centre = p_centre AND month = p_ms AND status = 'leave' AND leave_type IS NOT NULL),
    cal AS (
        SELECT DISTINCT l.emp_id, g::date AS work_date, l.leave_type
        FROM kefu.leaves l,
             generate_series(greatest(l.start_at::date, p_ms), least(l.end_at::date, p_me - 1),
                             interval '1 day') g
        WHERE l.centre = p_centre AND coalesce(l.approved_by, '') <> ''
          AND l.start_at < p_me AND l.end_at >= p_ms
          AND (SELECT value FROM run_policy WHERE param = 'leave_calendar_days_' || l.leave_type) = 1
          AND NOT EXISTS (SELECT 1 FROM kefu.attendance_daily x
                          WHERE x.centre = p_centre AND x.month = p_ms AND x.emp_id = l.emp_id
                            AND x.work_date = g::date AND x.status <> 'rest')),
    agg AS (
        SELECT emp_id, leave_type, count(*) FILTER (WHERE s) AS scheduled_days, count(*) AS days
        FROM (SELECT emp_id, work_date, leave_type, true AS s FROM sched
              UNION ALL SELECT emp_id, work_date, leave_type, false FROM cal) u
        GROUP BY emp_id, leave_type),
    x AS (
        SELECT a.leave_type, a.days, a.scheduled_days, f.value AS f, p.*,
               round(p.w * f.value * a.scheduled_days / p.dv, 2) AS paid,
               round(p.w * a.scheduled_days / p.dv, 2) AS full_pay,
               CASE WHEN a.leave_type = 'sick' AND a.scheduled_days > 0 AND p.min_wage > 0
                    THEN round(p.min_wage * p.sick_floor_pct / 100 * a.days / (p_me - p_ms), 2)
               END AS floor_pay
        FROM agg a JOIN att_lp p ON p.emp_id = a.emp_id
        JOIN run_policy f ON f.param = 'leave_pay_factor_' || a.leave_type)
    SELECT p_centre, p_ms, x.emp_id, x.leave_type, x.days, x.scheduled_days, x.f,
           CASE WHEN x.floor_pay > x.paid THEN least(x.floor_pay, x.full_pay) ELSE x.paid END,
           CASE WHEN x.floor_pay > x.paid THEN x.full_pay - least(x.floor_pay, x.full_pay)
                ELSE round(x.w * (1 - x.f) * x.scheduled_days / x.dv, 2) END,
           CASE x.leave_type WHEN 'annual' THEN x.annual_entitlement
                WHEN 'personal' THEN x.personal_max WHEN 'marriage' THEN x.marriage_days
                WHEN 'bereavement' THEN x.bereavement_days WHEN 'paternity' THEN x.paternity_days
                WHEN 'maternity' THEN x.maternity_days END,
           CASE WHEN x.leave_type = 'annual' THEN x.days + coalesce(
                    (SELECT sum(o.days) FROM kefu.attendance_leave o
                     WHERE o.centre = p_centre AND o.emp_id = x.emp_id AND o.leave_type = 'annual'
                       AND o.month >= date_trunc('year', p_ms) AND o.month < p_ms), 0) END,
           x.floor_pay,
           CASE WHEN x.leave_type = 'maternity' THEN round(x.w * x.days / x.maternity_div, 2)
                ELSE 0 END
    FROM x;

    -- A12 flags for HR review: ledger lines with 0 points and 0 fine.
    INSERT INTO ledger_new (emp_id, date, kind, facts, escalation_step)
    SELECT l.emp_id, d.last_day, 'A12_annual',
           jsonb_build_object('used', l.used_ytd_days, 'entitlement', l.entitlement_days), 0
    FROM kefu.attendance_leave l
    CROSS JOIN LATERAL (SELECT max(work_date) AS last_day FROM kefu.attendance_daily y
                        WHERE y.centre = p_centre AND y.month = p_ms AND y.emp_id = l.emp_id
                          AND y.status = 'leave' AND y.leave_type = 'annual') d
    WHERE l.centre = p_centre AND l.month = p_ms AND l.leave_type = 'annual'
      AND d.last_day IS NOT NULL AND l.used_ytd_days > l.entitlement_days
    UNION ALL
    SELECT l.emp_id, l.start_at::date, 'A12_leave',
           jsonb_build_object('leave_type', l.leave_type, 'from', l.start_at::date,
                              'to', l.end_at::date,
                              'days', l.end_at::date - l.start_at::date + 1, 'limit', lim.v,
                              'leave_note', CASE WHEN l.leave_type = 'maternity'
                                                 THEN l.leave_type END),
           l.end_at::date - l.start_at::date + 1
    FROM kefu.leaves l JOIN att_lp p ON p.emp_id = l.emp_id
    CROSS JOIN LATERAL (SELECT CASE l.leave_type WHEN 'personal' THEN p.personal_max
                               WHEN 'marriage' THEN p.marriage_days
                               WHEN 'bereavement' THEN p.bereavement_days
                               WHEN 'paternity' THEN p.paternity_days
                               WHEN 'maternity' THEN p.maternity_days END AS v) lim
    WHERE l.centre = p_centre AND coalesce(l.approved_by, '') <> '' AND l.start_at >= p_ms
      AND l.start_at < p_me AND l.end_at::date - l.start_at::date + 1 > lim.v
    UNION ALL
    SELECT d.emp_id, d.work_date, 'A12_comp',
           jsonb_build_object('day', d.work_date, 'need', b.need, 'balance', b.bal), 0
    FROM kefu.attendance_daily d JOIN att_lp p ON p.emp_id = d.emp_id
    CROSS JOIN LATERAL (
        SELECT s.bal, coalesce(s.use_today, d.paid_hours, p.comp_day_hours) AS need
        FROM (SELECT coalesce(sum(c.hours) FILTER (WHERE c.kind = 'earn'
                                                   AND coalesce(c.approved_by, '') <> ''), 0)
                     - coalesce(sum(c.hours) FILTER (WHERE c.kind = 'use'
                                                     AND c.date < d.work_date), 0) AS bal,
                     max(c.hours) FILTER (WHERE c.kind = 'use' AND c.date = d.work_date) AS use_today
              FROM kefu.comp_time c
              WHERE c.centre = p_centre AND c.emp_id = d.emp_id AND c.date <= d.work_date) s) b
    WHERE d.centre = p_centre AND d.month = p_ms AND d.status = 'leave' AND d.leave_type = 'comp'
      AND b.bal < b.need;

    UPDATE kefu.attendance_monthly m
    SET leave_days = a.days, leave_pay = a.pay, leave_deduction = a.deduction,
        maternity_allowance = a.allowance
    FROM (SELECT emp_id, sum(days) AS days, sum(pay) AS pay, sum(deduction) AS deduction,
                 sum(maternity_allowance) AS allowance
          FROM kefu.attendance_leave WHERE centre = p_centre AND month = p_ms
          GROUP BY emp_id) a
    WHERE m.centre = p_centre AND m.month = p_ms AND m.emp_id = a.emp_id;

    -- Every employee of the month: the annual entitlement and days used this
    -- calendar year, the comp-time balance at the month's end (approved earn
    -- hours − use hours), the A12 flags.
    UPDATE kefu.attendance_monthly m
    SET annual_entitlement_days = p.annual_entitlement,
        annual_used_days = coalesce((SELECT sum(o.days) FROM kefu.attendance_leave o
                                     WHERE o.centre = p_centre AND o.emp_id = m.emp_id
                                       AND o.leave_type = 'annual'
                                       AND o.month >= date_trunc('year', p_ms)
                                       AND o.month <= p_ms), 0),
        comp_balance_hours = coalesce((SELECT sum(CASE WHEN c.kind = 'use' THEN -c.hours
                                                       ELSE c.hours END)
                                       FROM kefu.comp_time c
                                       WHERE c.centre = p_centre AND c.emp_id = m.emp_id
                                         AND c.date < p_me
                                         AND (c.kind = 'use' OR coalesce(c.approved_by, '') <> '')), 0),
        leave_flags = (SELECT count(*) FROM ledger_new l
                       WHERE l.kind LIKE 'A12%' AND l.emp_id = m.emp_id)
    FROM att_lp p
    WHERE m.centre = p_centre AND m.month = p_ms AND m.emp_id = p.emp_id;

    -- Punches of employees with no roster in the month (and of unknown badges).
    INSERT INTO kefu.attendance_unmatched (centre, month, emp_id, punched_at, device, known_employee)
    SELECT p_centre, p_ms, p.emp_id, p.punched_at, p.device, p.known_employee
    FROM kefu.punches p
    WHERE p.centre = p_centre AND p.punched_at >= p_ms AND p.punched_at < p_me
      AND NOT EXISTS (SELECT 1 FROM kefu.attendance_monthly m
                      WHERE m.centre = p_centre AND m.month = p_ms AND m.emp_id = p.emp_id);
END
$fn$;

GRANT EXECUTE ON FUNCTION kefu.attendance_finish(text, date, date) TO kefu_hr;

