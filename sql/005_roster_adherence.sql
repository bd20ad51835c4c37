-- 005_roster_adherence.sql — results of `kefu roster-check` (DOMAIN §7, R1–R6)
-- and `kefu adherence` (schedule adherence, conformance, A8 records), the KPI
-- formula texts the workbooks print, and the policy rows of these rules.

-- ---- roster check ------------------------------------------------------------------

-- One row per check of a month's roster; a new check of the same centre and
-- month replaces the earlier one (and its violations) in one transaction.
CREATE TABLE kefu.roster_check_run (
    run_id          bigserial PRIMARY KEY,
    centre          text NOT NULL DEFAULT 'main',
    month           date NOT NULL,            -- first day of the month checked
    employees       integer NOT NULL,         -- employees with roster rows in the month
    violations      integer NOT NULL,
    forecast_run_id bigint,                   -- kefu.forecast_run used for R6; NULL = R6 coverage skipped
    notes           text NOT NULL DEFAULT '', -- what could not be checked, and why
    checked_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roster_check_run_month ON kefu.roster_check_run (centre, month);

CREATE TABLE kefu.roster_violation (
    run_id        bigint NOT NULL REFERENCES kefu.roster_check_run ON DELETE CASCADE,
    seq           integer NOT NULL,           -- order of the listing
    centre        text NOT NULL,
    month         date NOT NULL,
    rule_id       text NOT NULL CHECK (rule_id IN ('R1', 'R2', 'R3', 'R4', 'R5', 'R6')),
    check_code    text NOT NULL,              -- r1_streak_exception, r4_reswap, r6_coverage, ...
    emp_id        text,                       -- NULL: centre-wide (R6 coverage)
    date_from     date NOT NULL,
    date_to       date NOT NULL,
    interval_from time,                       -- R6: first interval of a shortfall / the peak interval
    interval_to   time,                       -- R6: end of the last interval
    value         numeric,                    -- what the roster has (days, hours, count, agents)
    limit_value   numeric,                    -- what the rule allows or needs
    ref           text,                       -- swap id(s) for R4
    detail_zh     text NOT NULL,
    detail_en     text NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX roster_violation_month ON kefu.roster_violation (centre, month, rule_id);

-- ---- adherence ---------------------------------------------------------------------

-- Pause reason codes that are not adherence exceptions (centre '' = every
-- centre; a centre's own row wins). max_s_per_shift: the allowance per shift
-- and reason (NULL = unlimited); beyond it the pause is unscheduled.
CREATE TABLE kefu.adherence_exempt_reason (
    centre          text NOT NULL DEFAULT '',
    reason          text NOT NULL,
    max_s_per_shift integer CHECK (max_s_per_shift >= 0),
    note            text,
    PRIMARY KEY (centre, reason)
);
INSERT INTO kefu.adherence_exempt_reason (centre, reason, max_s_per_shift, note) VALUES
 ('', 'lunch', 1800, 'meal break: an 8 h shift pays 7.5 h'),
 ('', '午餐', 1800, 'meal break'),
 ('', '用餐', 1800, 'meal break'),
 ('', 'training', NULL, 'supervisor-assigned (抽调 kind of work)'),
 ('', '培训', NULL, 'supervisor-assigned'),
 ('', 'meeting', NULL, 'supervisor-assigned'),
 ('', '会议', NULL, 'supervisor-assigned');

-- One row per phone agent (presales/aftersales) and rostered shift of the month.
CREATE TABLE kefu.adherence_daily (
    centre         text NOT NULL DEFAULT 'main',
    month          date NOT NULL,
    emp_id         text NOT NULL,
    work_date      date NOT NULL,             -- the date the shift starts
    shift_code     text NOT NULL,
    shift_start    timestamp NOT NULL,
    shift_end      timestamp NOT NULL,        -- next day for a night shift
    scheduled_s    integer NOT NULL,
    logged_in_s    integer NOT NULL,          -- within the shift ± adh_window_min
    in_adherence_s integer NOT NULL,
    exempt_s       integer NOT NULL,          -- scheduled time under 抽调/非抽调 or exempt pauses
    late_s         integer NOT NULL,          -- charged seconds by exception kind
    early_s        integer NOT NULL,
    logged_out_s   integer NOT NULL,          -- logged_out and no_sign_in
    pause_s        integer NOT NULL,
    exceptions     integer NOT NULL,
    adherence      numeric(8, 4),             -- in_adherence_s / scheduled_s
    conformance    numeric(8, 4),             -- logged_in_s / scheduled_s (may exceed 1)
    first_sign_in  timestamp,                 -- first logged-in second inside the shift
    a8             boolean NOT NULL DEFAULT false,
    PRIMARY KEY (centre, month, emp_id, work_date)
);

CREATE TABLE kefu.adherence_exception (
    centre     text NOT NULL DEFAULT 'main',
    month      date NOT NULL,
    emp_id     text NOT NULL,
    work_date  date NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('late_sign_in', 'early_sign_out', 'logged_out',
               'no_sign_in', 'unscheduled_pause')),
    started_at timestamp NOT NULL,            -- the raw gap or pause
    ended_at   timestamp NOT NULL,
    seconds    integer NOT NULL,              -- charged: the part no registration or allowance covers
    PRIMARY KEY (centre, month, emp_id, work_date, kind, started_at)
);

-- A8 (000 §5.2.3): not signed in a8_signin_min after the shift start, not
-- covered by a 抽调/非抽调 registration: a manual attendance record for the
-- supervisor. `kefu adherence` also writes a ledger line (0 points, issued,
-- source 'adherence') unless an A8 line for that day exists already.
CREATE TABLE kefu.adherence_a8 (
    centre        text NOT NULL DEFAULT 'main',
    month         date NOT NULL,
    emp_id        text NOT NULL,
    work_date     date NOT NULL,
    shift_code    text NOT NULL,
    shift_start   timestamp NOT NULL,
    first_sign_in timestamp,                  -- NULL: not signed in during the shift
    unexcused_s   integer NOT NULL,
    PRIMARY KEY (centre, month, emp_id, work_date)
);

-- ---- KPI formula texts (printed by the workbooks) ---------------------------------------

CREATE TABLE kefu.kpi_definition (
    kpi        text PRIMARY KEY,
    name_zh    text NOT NULL,
    name_en    text NOT NULL,
    formula_zh text NOT NULL,
    formula_en text NOT NULL,
    source     text
);
INSERT INTO kefu.kpi_definition (kpi, name_zh, name_en, formula_zh, formula_en, source) VALUES
 ('scheduled_s', '排班时长', 'scheduled time',
  '班次下班时间 − 上班时间（跨零点的班次次日下班）', 'shift end − shift start (a night shift ends the next day)', 'DOMAIN §5'),
 ('logged_in_s', '签入时长', 'logged-in time',
  '班次前后 adh_window_min 分钟内处于签入状态（login/ready/notready/pause）的秒数', 'seconds logged in (login/ready/notready/pause) within the shift ± adh_window_min', 'DOMAIN §5'),
 ('exception', '遵从异常', 'adherence exception',
  '迟签入（从上班起未签入）、早签出（到下班未签入）、中途签出、全班未签入、非豁免小休；扣除抽调/非抽调登记和豁免原因额度后不足 adh_exception_min_s 秒的忽略',
  'late sign-in (not logged in from the shift start), early sign-out (not logged in up to the end), logged out mid-shift, no sign-in, pause with a non-exempt reason; minus 抽调/非抽调 registrations and exempt-reason allowances; below adh_exception_min_s seconds ignored', 'DOMAIN §5'),
 ('in_adherence_s', '遵从时长', 'in-adherence time',
  '排班时长 − 计入的异常秒数之和', 'scheduled time − Σ charged seconds of the counted exceptions', 'DOMAIN §5'),
 ('adherence', '排班遵从率', 'schedule adherence',
  '遵从时长 ÷ 排班时长', 'in-adherence time ÷ scheduled time', 'DOMAIN §5'),
 ('conformance', '排班符合率', 'schedule conformance',
  '签入时长 ÷ 排班时长（可超过 100%）', 'logged-in time ÷ scheduled time (may exceed 100%)', 'DOMAIN §5'),
 ('a8', 'A8 人工考勤记录', 'A8 manual attendance record',
  '上班 a8_signin_min 分钟后仍未签入，且未签入时间扣除抽调/非抽调登记后超过 a8_signin_min 分钟',
  'still not signed in a8_signin_min after the shift start, the unsigned time less 抽调/非抽调 registrations exceeding a8_signin_min', '000 §5.2.3');

-- ---- policy rows ----------------------------------------------------------------------

INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note) VALUES
 ('r1_max_consecutive_days', 'default', '2000-01-01', 5, 'R1', '000 §4.1.4', 'consecutive working days'),
 ('r1_max_consecutive_days_exception', 'default', '2000-01-01', 7, 'R1', '000 §4.1.4', 'with an approved exception (no exception feed yet: 6–7 days are listed as needing one)'),
 ('r2_agent_rest_days', 'default', '2000-01-01', 7, 'R2', '000 §4.1.3', 'presales/aftersales rest days per full month, prorated from the hire date'),
 ('r2_supervisor_long_week_rest_days', 'default', '2000-01-01', 1, 'R2', '000 §4.1.3', '大周: 6 working days'),
 ('r2_supervisor_short_week_rest_days', 'default', '2000-01-01', 2, 'R2', '000 §4.1.3', '小周: 5 working days; long and short weeks alternate'),
 ('r3_month_hours', 'default', '2000-01-01', 176, 'R3', '000 §4.1.2', 'hours of a month with r3_reference_days working days'),
 ('r3_rest_days', 'default', '2000-01-01', 7, 'R3', '000 §4.1.2', 'target = r3_month_hours × (days in month − this) / r3_reference_days'),
 ('r3_reference_days', 'default', '2000-01-01', 24, 'R3', '000 §4.1.2', NULL),
 ('r3_tolerance_hours', 'default', '2000-01-01', 8, 'R3', '000 §4.1.2', '正负'),
 ('r3_daily_min_hours', 'default', '2000-01-01', 7, 'R3', '000 §4.1.2', 'paid hours of a shift'),
 ('r3_daily_max_hours', 'default', '2000-01-01', 8, 'R3', '000 §4.1.2', NULL),
 ('r4_notice_days', 'default', '2000-01-01', 1, 'R4', '000 §4.4.2', 'requested at least this many days before the earlier swapped date'),
 ('r4_max_swaps_per_month', 'default', '2000-01-01', 4, 'R4', '000 §4.4.2', 'approved swaps per employee, active and passive'),
 ('r5_min_block_days', 'default', '2000-01-01', 3, 'R5', '000 §4.3.1', 'days off in a row (rest or leave, at least one leave day) that make a 连休'),
 ('r5_min_tenure_months', 'default', '2000-01-01', 3, 'R5', '000 §4.3.2', NULL),
 ('r5_blocks_per_quarter', 'default', '2000-01-01', 1, 'R5', '000 §4.3.2', NULL),
 ('r5_max_block_days', 'default', '2000-01-01', 15, 'R5', '000 §4.3.2', NULL),
 ('r5_max_leave_types', 'default', '2000-01-01', 2, 'R5', '000 §4.3.2', 'three different leave types may not be combined'),
 ('r6_peak_share', 'default', '2000-01-01', 0.9, 'R6', '000 §5.2.3', 'peak intervals: forecast calls ≥ this × the day''s busiest interval'),
 ('r6_peak_share', 'single', '2000-01-01', 1, 'R6', '000 §5.2.3', 'only the day''s busiest interval'),
 ('adh_exception_min_s', 'default', '2000-01-01', 60, NULL, 'DOMAIN §5', 'adherence exceptions charged less than this are ignored'),
 ('adh_window_min', 'default', '2000-01-01', 60, NULL, 'DOMAIN §5', 'logged-in time this far around the shift counts for conformance'),
 ('a8_signin_min', 'default', '2000-01-01', 10, 'A8', '000 §5.2.3', 'not signed in this many minutes after the shift start')
ON CONFLICT DO NOTHING;

-- ---- privileges ---------------------------------------------------------------------------
-- roster-check runs as kefu_loader (planning), adherence as kefu_hr (it writes
-- the ledger); both results are readable by reporting and HR. A8 records are HR's.

GRANT SELECT ON kefu.roster_check_run, kefu.roster_violation, kefu.adherence_daily,
    kefu.adherence_exception, kefu.adherence_exempt_reason, kefu.kpi_definition
    TO kefu_loader, kefu_reporter, kefu_hr;
GRANT INSERT, UPDATE, DELETE ON kefu.roster_check_run, kefu.roster_violation,
    kefu.adherence_exempt_reason TO kefu_loader, kefu_hr;
GRANT USAGE ON SEQUENCE kefu.roster_check_run_run_id_seq TO kefu_loader, kefu_hr;
GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.adherence_daily, kefu.adherence_exception,
    kefu.adherence_a8 TO kefu_hr;
GRANT SELECT ON kefu.employees, kefu.forecast_run, kefu.forecast_interval TO kefu_hr;
