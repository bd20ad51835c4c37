-- 050_kpi.sql — the service KPIs of DOMAIN §5 (`kefu kpi`): one scan of a
-- month's calls and agent states into the finest grains (kpi_interval: day ×
-- interval × queue; the agent × interval grain, reduced on the spot to
-- kpi_agent_daily and the interval staffing kpi_slot_staff), rolled up from
-- those — never by rescanning calls — into kpi_daily, kpi_queue, kpi_agent and
-- kpi_group. Only additive parts are stored (counts, sums of seconds), so every
-- roll-up is exact; rates are computed from them in the *_rates views.
--
-- Freshness: kefu.kpi_sync() records which months each new load touched
-- (kefu.feed_batch_month); a month whose KPIs were computed before a load that
-- touched it is stale (view kefu.kpi_stale). kefu.offered_days() — the one
-- definition of a day's offered calls, behind kefu.daily_offered and the
-- forecast — reads kpi_daily for months whose KPIs are current and counts
-- calls only for the other months (at most the current, partial month when
-- `kefu run` closes every month).

-- ---- inputs ------------------------------------------------------------------------

-- The transfers come from kefu.calls.transferred (020: the feed's optional
-- column and queue_log transfer events; NULL = the source does not say).

-- Block-range indexes: a few pages per million rows, cheap to keep up during
-- COPY. batch_id finds the rows of new loads (kefu.kpi_sync) without reading
-- the history; started_at finds a month's agent states.
CREATE INDEX IF NOT EXISTS calls_batch_brin ON kefu.calls USING brin (batch_id)
    WITH (autosummarize = on);
CREATE INDEX IF NOT EXISTS agent_states_batch_brin ON kefu.agent_states USING brin (batch_id)
    WITH (autosummarize = on);
CREATE INDEX IF NOT EXISTS agent_states_started_brin ON kefu.agent_states USING brin (started_at)
    WITH (autosummarize = on);

-- ---- parameters and targets (policy rows) ------------------------------------------

INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note) VALUES
 ('kpi_interval_min', 'default', '2000-01-01', 30, 'KPI', 'DOMAIN §5', 'interval length in minutes; must divide 1440'),
 ('kpi_sl_seconds', 'default', '2000-01-01', 20, 'KPI', 'DOMAIN §5; 000 80/20', 'service-level threshold T: answered with wait <= T'),
 ('kpi_short_abandon_s', 'default', '2000-01-01', 5, 'KPI', 'DOMAIN §5', 'abandoned with wait < this: short abandon'),
 ('kpi_repeat_window_h', 'default', '2000-01-01', 24, 'KPI', 'DOMAIN §5', 'repeat caller: another offered call in the previous N hours'),
 ('kpi_target_answer_rate', 'default', '2000-01-01', 0.90, 'KPI', '000 客服部内部管理制度 §四.3', '接通率在90%以上'),
 ('kpi_target_service_level', 'default', '2000-01-01', 0.80, 'KPI', 'DOMAIN §4 service goal', '80% answered within kpi_sl_seconds'),
 ('kpi_target_abandon_rate', 'default', '2000-01-01', 0.10, 'KPI', 'complement of the answer-rate target', 'at most'),
 ('kpi_target_aht_s', 'default', '2000-01-01', 300, 'KPI', 'centre target (no seed value)', 'at most; set the centre''s own'),
 ('kpi_target_complaints_per_10k', 'default', '2000-01-01', 5, 'KPI', 'centre target (no seed value)', 'complaints received per 10,000 answered calls, at most'),
 ('kpi_target_sla_compliance', 'default', '2000-01-01', 0.95, 'KPI', 'centre target (no seed value)', 'complaints closed on time / closed (DOMAIN §9), at least'),
 ('kpi_target_adherence', 'default', '2000-01-01', 0.90, 'KPI', 'centre target (no seed value)', 'schedule adherence, at least'),
 ('kpi_target_absence_rate', 'default', '2000-01-01', 0.02, 'KPI', 'centre target (no seed value)', 'absence days / scheduled days, at most'),
 ('kpi_amber_band', 'default', '2000-01-01', 0.10, 'KPI', 'report', 'traffic light: amber within this fraction of the target, red beyond');

-- ---- definitions (printed on the report) ------------------------------------------

ALTER TABLE kefu.kpi_definition
    ADD COLUMN seq integer,            -- order on the report (NULL: not a §5 KPI)
    ADD COLUMN unit text,              -- count, rate, seconds, hours, per_hour, per_10k
    ADD COLUMN better text CHECK (better IN ('higher', 'lower')),
    ADD COLUMN target_param text;      -- kefu.policy param of the target, if any

INSERT INTO kefu.kpi_definition (kpi, seq, unit, better, target_param, name_zh, name_en, formula_zh, formula_en, source) VALUES
 ('offered', 1, 'count', NULL, NULL, '来话量', 'offered calls',
  '进入队列的呼入话务：方向为呼入且结果为接通或放弃；IVR 自助和呼出不计入。按进线时间归入日期和时段',
  'inbound calls that reached a queue: direction in, result answered or abandoned; IVR self-service and outbound calls are not offered. A call belongs to the day and interval of arrived_at', 'DOMAIN §5'),
 ('answered', 2, 'count', NULL, NULL, '接通量', 'answered calls', '来话中结果为接通的', 'offered calls with result answered', 'DOMAIN §5'),
 ('abandoned', 3, 'count', NULL, NULL, '放弃量', 'abandoned calls', '来话中结果为放弃的', 'offered calls with result abandoned', 'DOMAIN §5'),
 ('wait', 4, 'seconds', NULL, NULL, '等待时长', 'wait',
  '接通：接通时间 − 进线时间；放弃：结束时间 − 进线时间', 'answered: answered_at − arrived_at; abandoned: ended_at − arrived_at', 'DOMAIN §5'),
 ('short_abandoned', 5, 'count', NULL, NULL, '短放弃', 'short abandons',
  '等待时长 < kpi_short_abandon_s（5 秒）的放弃，不计入以下各率的分母',
  'abandoned with wait < kpi_short_abandon_s (5 s); excluded from the denominators below', 'DOMAIN §5'),
 ('answer_rate', 6, 'rate', 'higher', 'kpi_target_answer_rate', '接通率', 'answer rate',
  '接通量 ÷（来话量 − 短放弃）', 'answered / (offered − short abandons)', 'DOMAIN §5; 000'),
 ('abandon_rate', 7, 'rate', 'lower', 'kpi_target_abandon_rate', '放弃率', 'abandon rate',
  '（放弃量 − 短放弃）÷（来话量 − 短放弃）', '(abandoned − short abandons) / (offered − short abandons)', 'DOMAIN §5'),
 ('service_level', 8, 'rate', 'higher', 'kpi_target_service_level', '服务水平', 'service level',
  '等待时长 ≤ T（kpi_sl_seconds，20 秒）的接通量 ÷（来话量 − 短放弃）', 'answered with wait ≤ T (kpi_sl_seconds, 20 s) / (offered − short abandons)', 'DOMAIN §5'),
 ('asa', 9, 'seconds', 'lower', NULL, '平均应答时长', 'ASA',
  '接通话务的等待时长之和 ÷ 接通量', 'Σ wait of answered calls / answered', 'DOMAIN §5'),
 ('talk', 10, 'seconds', NULL, NULL, '通话时长', 'talk time',
  '结束时间 − 接通时间（含保持；保持时长另列）', 'ended_at − answered_at (hold inside it; hold_s reported apart)', 'DOMAIN §5'),
 ('aht', 11, 'seconds', 'lower', 'kpi_target_aht_s', '平均处理时长', 'AHT',
  'Σ（通话时长 + 话后处理时长）÷ 接通量', 'Σ (talk + wrap_s) / answered', 'DOMAIN §5'),
 ('transfer_rate', 12, 'rate', NULL, NULL, '转接率', 'transfer rate',
  '标记为转接的接通量 ÷ 有转接标记的接通量（话单未提供转接信息时为 —）',
  'answered calls marked transferred / answered calls whose source says whether they were transferred (— when the source does not)', 'DOMAIN §5'),
 ('repeat_rate', 13, 'rate', 'lower', NULL, '重复来电率', 'repeat-caller rate',
  '同一主叫（哈希）在此前 kpi_repeat_window_h（24 小时，含边界，跨日跨月）内另有来话的来话 ÷ 主叫已知的来话；同一秒的来话按呼叫编号排序',
  'offered calls whose caller (hash) had another offered call in the previous kpi_repeat_window_h (24 h, boundary included, across midnight and months) / offered calls with a known caller; calls of the same second ordered by call_id', 'DOMAIN §5'),
 ('staffed_time', 14, 'hours', NULL, NULL, '在线时长', 'staffed time',
  '坐席状态中非 logout 的时长；ready 为可接听，notready/pause/login 为不可接听；无坐席状态的坐席时段为 —',
  'agent-state time not in logout; ready = available, notready/pause/login = not available; — for an agent and interval without agent states', 'DOMAIN §5'),
 ('occupancy', 15, 'rate', NULL, NULL, '占用率', 'occupancy',
  'Σ（通话 + 话后处理）÷ Σ（通话 + 话后处理 + 可接听时长），只计有坐席状态的坐席时段；没有则为 —（不是 0）',
  'Σ (talk + wrap) / Σ (talk + wrap + available time), over the agent-intervals with agent states only; none: — (never 0)', 'DOMAIN §5'),
 ('calls_per_staffed_hour', 16, 'per_hour', 'higher', NULL, '人均小时接通量', 'calls per staffed hour',
  '有坐席状态的坐席时段的接通量 ÷ 在线小时数', 'answered calls of the agent-intervals with agent states / staffed hours', 'DOMAIN §5'),
 ('complaints_per_10k', 17, 'per_10k', 'lower', 'kpi_target_complaints_per_10k', '万次接通投诉量', 'complaints per 10,000 answered',
  '当月受理的投诉件数 × 10000 ÷ 当月接通量', 'complaints received in the month × 10,000 / answered calls of the month', 'DOMAIN §9'),
 ('sla_compliance', 18, 'rate', 'higher', 'kpi_target_sla_compliance', '投诉按时办结率', 'complaint SLA compliance',
  '按时办结 ÷ 已办结（DOMAIN §9）', 'closed on time / closed (DOMAIN §9)', 'DOMAIN §9'),
 ('absence_rate', 19, 'rate', 'lower', 'kpi_target_absence_rate', '缺勤率', 'absence rate',
  '旷工天数（半天计 0.5）÷ 排班天数', 'absence days (half days 0.5) / scheduled days', 'DOMAIN §6');
UPDATE kefu.kpi_definition SET seq = 20, unit = 'rate', better = 'higher', target_param = 'kpi_target_adherence'
 WHERE kpi = 'adherence';

-- ---- bookkeeping: which months each load touched -------------------------------------

-- The highest load batch kefu.kpi_sync has read the rows of.
CREATE TABLE kefu.kpi_scan (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    last_batch bigint NOT NULL
);
INSERT INTO kefu.kpi_scan VALUES (1, 0);

-- Rows a load wrote per centre and month (rows = 0: the load replaced an
-- earlier load's rows of that month, --replace).
CREATE TABLE kefu.feed_batch_month (
    feed     text NOT NULL,        -- calls | agent_states
    centre   text NOT NULL,
    month    date NOT NULL,
    batch_id bigint NOT NULL,
    rows     bigint NOT NULL,
    PRIMARY KEY (feed, centre, month, batch_id)
);

-- ---- results ------------------------------------------------------------------------

-- One row per computed centre and month: the parameters used and the load
-- horizon (every batch <= scan_mark is in the figures).
CREATE TABLE kefu.kpi_month (
    centre            text NOT NULL,
    month             date NOT NULL,           -- first day
    interval_min      integer NOT NULL,
    sl_seconds        integer NOT NULL,
    short_abandon_s   integer NOT NULL,
    repeat_window_h   numeric NOT NULL,
    scan_mark         bigint NOT NULL,
    calls_read        bigint NOT NULL,         -- inbound calls of the month (IVR included)
    states_read       bigint NOT NULL,         -- agent-state segments overlapping the month
    answered_no_agent bigint NOT NULL,         -- answered calls without agent_id (in no agent row)
    computed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (centre, month)
);

-- The call parts, identical in every call-based table.
--   offered, answered, abandoned, short_abandoned (wait < kpi_short_abandon_s),
--   answered_in_sl (wait <= kpi_sl_seconds), wait_answered_s, wait_abandoned_s,
--   max_wait_s (answered), talk_s, hold_s, wrap_s, transfers, transfer_known
--   (answered with a known transferred flag), repeats, known_caller (offered
--   with a caller hash), ivr (inbound self-service, not offered).
CREATE TABLE kefu.kpi_interval (
    centre           text NOT NULL,
    month            date NOT NULL,
    date             date NOT NULL,
    interval_start   time NOT NULL,
    queue            text NOT NULL,
    offered          bigint NOT NULL,
    answered         bigint NOT NULL,
    abandoned        bigint NOT NULL,
    short_abandoned  bigint NOT NULL,
    answered_in_sl   bigint NOT NULL,
    wait_answered_s  bigint NOT NULL,
    wait_abandoned_s bigint NOT NULL,
    max_wait_s       bigint,
    talk_s           bigint NOT NULL,
    hold_s           bigint NOT NULL,
    wrap_s           bigint NOT NULL,
    transfers        bigint NOT NULL,
    transfer_known   bigint NOT NULL,
    repeats          bigint NOT NULL,
    known_caller     bigint NOT NULL,
    ivr              bigint NOT NULL,
    PRIMARY KEY (centre, month, date, interval_start, queue)
);

-- Per agent and day, from the agent × interval grain of the computation (not
-- stored: it has as many rows as calls at a provincial centre): the answered
-- calls (by arrival interval) and the agent-state time (by clock).
--   state_intervals: intervals with agent states; staffed_s, available_s: NULL
--   when none; answered_states, handle_states_s: answered calls and talk + wrap
--   of the intervals with states (occupancy counts only those).
CREATE TABLE kefu.kpi_agent_daily (
    centre          text NOT NULL,
    month           date NOT NULL,
    date            date NOT NULL,
    agent_id        text NOT NULL,
    answered        bigint NOT NULL,
    answered_in_sl  bigint NOT NULL,
    wait_answered_s bigint NOT NULL,
    talk_s          bigint NOT NULL,
    hold_s          bigint NOT NULL,
    wrap_s          bigint NOT NULL,
    transfers       bigint NOT NULL,
    transfer_known  bigint NOT NULL,
    state_intervals bigint NOT NULL,
    staffed_s       bigint,
    available_s     bigint,
    answered_states bigint NOT NULL,
    handle_states_s bigint NOT NULL,
    PRIMARY KEY (centre, month, date, agent_id)
);

-- Agents signed in per interval (every agent together): staffed_s / interval
-- length is the mean number of agents not logged out over the interval.
CREATE TABLE kefu.kpi_slot_staff (
    centre             text NOT NULL,
    month              date NOT NULL,
    date               date NOT NULL,
    interval_start     time NOT NULL,
    agents_with_states bigint NOT NULL,
    staffed_s          bigint NOT NULL,
    available_s        bigint NOT NULL,
    PRIMARY KEY (centre, month, date, interval_start)
);

CREATE TABLE kefu.kpi_daily (
    centre text NOT NULL, month date NOT NULL, date date NOT NULL, queue text NOT NULL,
    offered bigint NOT NULL, answered bigint NOT NULL, abandoned bigint NOT NULL,
    short_abandoned bigint NOT NULL, answered_in_sl bigint NOT NULL,
    wait_answered_s bigint NOT NULL, wait_abandoned_s bigint NOT NULL, max_wait_s bigint,
    talk_s bigint NOT NULL, hold_s bigint NOT NULL, wrap_s bigint NOT NULL,
    transfers bigint NOT NULL, transfer_known bigint NOT NULL, repeats bigint NOT NULL,
    known_caller bigint NOT NULL, ivr bigint NOT NULL,
    PRIMARY KEY (centre, month, date, queue)
);

CREATE TABLE kefu.kpi_queue (
    centre text NOT NULL, month date NOT NULL, queue text NOT NULL,
    offered bigint NOT NULL, answered bigint NOT NULL, abandoned bigint NOT NULL,
    short_abandoned bigint NOT NULL, answered_in_sl bigint NOT NULL,
    wait_answered_s bigint NOT NULL, wait_abandoned_s bigint NOT NULL, max_wait_s bigint,
    talk_s bigint NOT NULL, hold_s bigint NOT NULL, wrap_s bigint NOT NULL,
    transfers bigint NOT NULL, transfer_known bigint NOT NULL, repeats bigint NOT NULL,
    known_caller bigint NOT NULL, ivr bigint NOT NULL,
    PRIMARY KEY (centre, month, queue)
);

-- Per agent and month; group_name is the agent's group (kefu.employees) when
-- the KPIs were computed ('' = not in employees or no group).
--   state_intervals: intervals with agent states; answered_states,
--   handle_states_s: answered calls and talk + wrap of those intervals.
CREATE TABLE kefu.kpi_agent (
    centre text NOT NULL, month date NOT NULL, agent_id text NOT NULL,
    group_name text NOT NULL,
    answered bigint NOT NULL, answered_in_sl bigint NOT NULL, wait_answered_s bigint NOT NULL,
    talk_s bigint NOT NULL, hold_s bigint NOT NULL, wrap_s bigint NOT NULL,
    transfers bigint NOT NULL, transfer_known bigint NOT NULL,
    state_intervals bigint NOT NULL, staffed_s bigint, available_s bigint,
    answered_states bigint NOT NULL, handle_states_s bigint NOT NULL,
    PRIMARY KEY (centre, month, agent_id)
);

CREATE TABLE kefu.kpi_group (
    centre text NOT NULL, month date NOT NULL, group_name text NOT NULL,
    agents bigint NOT NULL, agents_with_states bigint NOT NULL,
    answered bigint NOT NULL, answered_in_sl bigint NOT NULL, wait_answered_s bigint NOT NULL,
    talk_s bigint NOT NULL, hold_s bigint NOT NULL, wrap_s bigint NOT NULL,
    transfers bigint NOT NULL, transfer_known bigint NOT NULL,
    state_intervals bigint NOT NULL, staffed_s bigint, available_s bigint,
    answered_states bigint NOT NULL, handle_states_s bigint NOT NULL,
    PRIMARY KEY (centre, month, group_name)
);

-- ---- rates (one formula each, as kefu.kpi_definition prints it) ---------------------

CREATE FUNCTION kefu.kpi_call_rates(p_offered bigint, p_answered bigint, p_abandoned bigint,
        p_short bigint, p_in_sl bigint, p_wait_answered_s bigint, p_talk_s bigint,
        p_wrap_s bigint, p_transfers bigint, p_transfer_known bigint, p_repeats bigint,
        p_known_caller bigint)
RETURNS TABLE (answer_rate double precision, abandon_rate double precision,
               service_level double precision, asa_s double precision, aht_s double precision,
               transfer_rate double precision, repeat_rate double precision)
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_answered::float8 / nullif(p_offered - p_short, 0),
           (p_abandoned - p_short)::float8 / nullif(p_offered - p_short, 0),
           p_in_sl::float8 / nullif(p_offered - p_short, 0),
           p_wait_answered_s::float8 / nullif(p_answered, 0),
           (p_talk_s + p_wrap_s)::float8 / nullif(p_answered, 0),
           p_transfers::float8 / nullif(p_transfer_known, 0),
           p_repeats::float8 / nullif(p_known_caller, 0)
$$;

-- Occupancy, staffed hours and calls per staffed hour; NULL without agent states.
CREATE FUNCTION kefu.kpi_staff_rates(p_state_intervals bigint, p_staffed_s bigint,
        p_available_s bigint, p_answered_states bigint, p_handle_states_s bigint)
RETURNS TABLE (staffed_hours double precision, occupancy double precision,
               calls_per_staffed_hour double precision)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_state_intervals > 0 THEN p_staffed_s / 3600.0 END::float8,
           CASE WHEN p_state_intervals > 0
                THEN p_handle_states_s::float8 / nullif(p_handle_states_s + p_available_s, 0) END,
           CASE WHEN p_state_intervals > 0
                THEN p_answered_states::float8 / nullif(p_staffed_s / 3600.0, 0) END
$$;

CREATE VIEW kefu.kpi_interval_rates AS
SELECT k.*, r.* FROM kefu.kpi_interval k,
    LATERAL kefu.kpi_call_rates(k.offered, k.answered, k.abandoned, k.short_abandoned,
        k.answered_in_sl, k.wait_answered_s, k.talk_s, k.wrap_s, k.transfers, k.transfer_known,
        k.repeats, k.known_caller) r;

CREATE VIEW kefu.kpi_daily_rates AS
SELECT k.*, r.* FROM kefu.kpi_daily k,
    LATERAL kefu.kpi_call_rates(k.offered, k.answered, k.abandoned, k.short_abandoned,
        k.answered_in_sl, k.wait_answered_s, k.talk_s, k.wrap_s, k.transfers, k.transfer_known,
        k.repeats, k.known_caller) r;

CREATE VIEW kefu.kpi_queue_rates AS
SELECT k.*, r.* FROM kefu.kpi_queue k,
    LATERAL kefu.kpi_call_rates(k.offered, k.answered, k.abandoned, k.short_abandoned,
        k.answered_in_sl, k.wait_answered_s, k.talk_s, k.wrap_s, k.transfers, k.transfer_known,
        k.repeats, k.known_caller) r;

-- Every queue of a day together (the centre's day).
CREATE VIEW kefu.kpi_day_rates AS
WITH d AS (
    SELECT centre, month, date, sum(offered)::bigint AS offered, sum(answered)::bigint AS answered,
           sum(abandoned)::bigint AS abandoned, sum(short_abandoned)::bigint AS short_abandoned,
           sum(answered_in_sl)::bigint AS answered_in_sl,
           sum(wait_answered_s)::bigint AS wait_answered_s,
           sum(wait_abandoned_s)::bigint AS wait_abandoned_s, max(max_wait_s) AS max_wait_s,
           sum(talk_s)::bigint AS talk_s, sum(hold_s)::bigint AS hold_s, sum(wrap_s)::bigint AS wrap_s,
           sum(transfers)::bigint AS transfers, sum(transfer_known)::bigint AS transfer_known,
           sum(repeats)::bigint AS repeats, sum(known_caller)::bigint AS known_caller,
           sum(ivr)::bigint AS ivr
    FROM kefu.kpi_daily GROUP BY centre, month, date)
SELECT d.*, r.* FROM d,
    LATERAL kefu.kpi_call_rates(d.offered, d.answered, d.abandoned, d.short_abandoned,
        d.answered_in_sl, d.wait_answered_s, d.talk_s, d.wrap_s, d.transfers, d.transfer_known,
        d.repeats, d.known_caller) r;

-- Every queue of an interval together (the heat map).
CREATE VIEW kefu.kpi_slot_rates AS
WITH d AS (
    SELECT centre, month, date, interval_start, sum(offered)::bigint AS offered,
           sum(answered)::bigint AS answered, sum(abandoned)::bigint AS abandoned,
           sum(short_abandoned)::bigint AS short_abandoned,
           sum(answered_in_sl)::bigint AS answered_in_sl,
           sum(wait_answered_s)::bigint AS wait_answered_s, sum(talk_s)::bigint AS talk_s,
           sum(wrap_s)::bigint AS wrap_s, sum(transfers)::bigint AS transfers,
           sum(transfer_known)::bigint AS transfer_known, sum(repeats)::bigint AS repeats,
           sum(known_caller)::bigint AS known_caller
    FROM kefu.kpi_interval GROUP BY centre, month, date, interval_start)
SELECT d.*, r.* FROM d,
    LATERAL kefu.kpi_call_rates(d.offered, d.answered, d.abandoned, d.short_abandoned,
        d.answered_in_sl, d.wait_answered_s, d.talk_s, d.wrap_s, d.transfers, d.transfer_known,
        d.repeats, d.known_caller) r;

-- Staffed agents per interval from agent states.
CREATE VIEW kefu.kpi_slot_staffing AS
SELECT a.centre, a.month, a.date, a.interval_start, a.agents_with_states,
       a.staffed_s::float8 / (m.interval_min * 60) AS staffed_agents,
       a.available_s::float8 / (m.interval_min * 60) AS available_agents
FROM kefu.kpi_slot_staff a JOIN kefu.kpi_month m USING (centre, month);

CREATE VIEW kefu.kpi_agent_rates AS
SELECT k.*, e.name, r.asa_s, r.aht_s, r.transfer_rate, s.*
FROM kefu.kpi_agent k
LEFT JOIN kefu.employees e ON e.centre = k.centre AND e.emp_id = k.agent_id,
    LATERAL kefu.kpi_call_rates(k.answered, k.answered, 0, 0, k.answered_in_sl,
        k.wait_answered_s, k.talk_s, k.wrap_s, k.transfers, k.transfer_known, 0, 0) r,
    LATERAL kefu.kpi_staff_rates(k.state_intervals, k.staffed_s, k.available_s,
        k.answered_states, k.handle_states_s) s;

CREATE VIEW kefu.kpi_group_rates AS
SELECT k.*, r.asa_s, r.aht_s, r.transfer_rate, s.*
FROM kefu.kpi_group k,
    LATERAL kefu.kpi_call_rates(k.answered, k.answered, 0, 0, k.answered_in_sl,
        k.wait_answered_s, k.talk_s, k.wrap_s, k.transfers, k.transfer_known, 0, 0) r,
    LATERAL kefu.kpi_staff_rates(k.state_intervals, k.staffed_s, k.available_s,
        k.answered_states, k.handle_states_s) s;

-- The centre's month: call parts summed over queues, staffing over agents.
CREATE VIEW kefu.kpi_centre_rates AS
WITH q AS (
    SELECT centre, month, sum(offered)::bigint AS offered, sum(answered)::bigint AS answered,
           sum(abandoned)::bigint AS abandoned, sum(short_abandoned)::bigint AS short_abandoned,
           sum(answered_in_sl)::bigint AS answered_in_sl,
           sum(wait_answered_s)::bigint AS wait_answered_s,
           sum(wait_abandoned_s)::bigint AS wait_abandoned_s, max(max_wait_s) AS max_wait_s,
           sum(talk_s)::bigint AS talk_s, sum(hold_s)::bigint AS hold_s, sum(wrap_s)::bigint AS wrap_s,
           sum(transfers)::bigint AS transfers, sum(transfer_known)::bigint AS transfer_known,
           sum(repeats)::bigint AS repeats, sum(known_caller)::bigint AS known_caller,
           sum(ivr)::bigint AS ivr
    FROM kefu.kpi_queue GROUP BY centre, month),
a AS (
    SELECT centre, month, count(*) AS agents,
           count(*) FILTER (WHERE state_intervals > 0) AS agents_with_states,
           sum(state_intervals)::bigint AS state_intervals, sum(staffed_s)::bigint AS staffed_s,
           sum(available_s)::bigint AS available_s, sum(answered_states)::bigint AS answered_states,
           sum(handle_states_s)::bigint AS handle_states_s
    FROM kefu.kpi_agent GROUP BY centre, month)
SELECT m.centre, m.month,
       coalesce(q.offered, 0) AS offered, coalesce(q.answered, 0) AS answered,
       coalesce(q.abandoned, 0) AS abandoned, coalesce(q.short_abandoned, 0) AS short_abandoned,
       coalesce(q.answered_in_sl, 0) AS answered_in_sl,
       coalesce(q.wait_answered_s, 0) AS wait_answered_s,
       coalesce(q.wait_abandoned_s, 0) AS wait_abandoned_s, q.max_wait_s,
       coalesce(q.talk_s, 0) AS talk_s, coalesce(q.hold_s, 0) AS hold_s,
       coalesce(q.wrap_s, 0) AS wrap_s, coalesce(q.transfers, 0) AS transfers,
       coalesce(q.transfer_known, 0) AS transfer_known, coalesce(q.repeats, 0) AS repeats,
       coalesce(q.known_caller, 0) AS known_caller, coalesce(q.ivr, 0) AS ivr,
       coalesce(a.agents, 0) AS agents, coalesce(a.agents_with_states, 0) AS agents_with_states,
       coalesce(a.state_intervals, 0) AS state_intervals, a.staffed_s, a.available_s,
       coalesce(a.answered_states, 0) AS answered_states,
       coalesce(a.handle_states_s, 0) AS handle_states_s,
       r.*, s.*
FROM kefu.kpi_month m
LEFT JOIN q USING (centre, month)
LEFT JOIN a USING (centre, month),
    LATERAL kefu.kpi_call_rates(coalesce(q.offered, 0), coalesce(q.answered, 0),
        coalesce(q.abandoned, 0), coalesce(q.short_abandoned, 0), coalesce(q.answered_in_sl, 0),
        coalesce(q.wait_answered_s, 0), coalesce(q.talk_s, 0), coalesce(q.wrap_s, 0),
        coalesce(q.transfers, 0), coalesce(q.transfer_known, 0), coalesce(q.repeats, 0),
        coalesce(q.known_caller, 0)) r,
    LATERAL kefu.kpi_staff_rates(coalesce(a.state_intervals, 0), a.staffed_s, a.available_s,
        coalesce(a.answered_states, 0), coalesce(a.handle_states_s, 0)) s;

-- ---- freshness ------------------------------------------------------------------------

-- Record the months the loads since the last call touched, for every centre.
-- Takes the loaders' job lock, so no load is half-visible; the rows of new
-- loads are found through the batch_id block-range index, not by reading the
-- history. Before any month has KPIs nothing can be stale: the mark just moves.
-- Returns the new mark (every load batch <= it has been read).
CREATE FUNCTION kefu.kpi_sync() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
DECLARE
    v_mark bigint;
    v_max  bigint;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1801807477, pg_catalog.hashtext('load'));
    SELECT last_batch INTO v_mark FROM kefu.kpi_scan WHERE id = 1 FOR UPDATE;
    SELECT coalesce(max(batch_id), 0) INTO v_max FROM kefu.load_batches;
    IF v_max <= v_mark THEN
        RETURN v_mark;
    END IF;
    IF EXISTS (SELECT 1 FROM kefu.kpi_month) THEN
        INSERT INTO kefu.feed_batch_month (feed, centre, month, batch_id, rows)
        SELECT 'calls', centre, date_trunc('month', arrived_at)::date, batch_id, count(*)
        FROM kefu.calls WHERE batch_id > v_mark AND batch_id <= v_max
        GROUP BY 2, 3, 4
        ON CONFLICT DO NOTHING;
        INSERT INTO kefu.feed_batch_month (feed, centre, month, batch_id, rows)
        SELECT 'agent_states', s.centre, m.month, s.batch_id, count(*)
        FROM kefu.agent_states s,
             LATERAL (SELECT date_trunc('month', s.started_at)::date AS month
                      UNION
                      SELECT date_trunc('month', s.ended_at)::date WHERE s.ended_at IS NOT NULL) m
        WHERE s.batch_id > v_mark AND s.batch_id <= v_max
        GROUP BY 2, 3, 4
        ON CONFLICT DO NOTHING;
        -- A --replace load deleted the rows of earlier loads of its file name:
        -- their months changed too.
        INSERT INTO kefu.feed_batch_month (feed, centre, month, batch_id, rows)
        SELECT DISTINCT f.feed, f.centre, f.month, b.batch_id, 0
        FROM kefu.load_batches b
        JOIN kefu.load_batches e ON e.feed = b.feed AND e.file_name = b.file_name
             AND e.batch_id < b.batch_id AND e.status = 'replaced'
        JOIN kefu.feed_batch_month f ON f.feed = e.feed AND f.batch_id = e.batch_id
        WHERE b.batch_id > v_mark AND b.batch_id <= v_max AND b.status = 'loaded'
          AND b.feed IN ('calls', 'agent_states')
        ON CONFLICT DO NOTHING;
        -- ... and where those earlier rows were never read (loaded before any
        -- KPIs existed), every computed month may have changed.
        INSERT INTO kefu.feed_batch_month (feed, centre, month, batch_id, rows)
        SELECT DISTINCT b.feed, k.centre, k.month, b.batch_id, 0
        FROM kefu.load_batches b
        JOIN kefu.load_batches e ON e.feed = b.feed AND e.file_name = b.file_name
             AND e.batch_id < b.batch_id AND e.status = 'replaced'
        CROSS JOIN kefu.kpi_month k
        WHERE b.batch_id > v_mark AND b.batch_id <= v_max AND b.status = 'loaded'
          AND b.feed IN ('calls', 'agent_states')
          AND NOT EXISTS (SELECT 1 FROM kefu.feed_batch_month f
                          WHERE f.feed = e.feed AND f.batch_id = e.batch_id)
          AND e.batch_id <= (SELECT min(scan_mark) FROM kefu.kpi_month)
        ON CONFLICT DO NOTHING;
    END IF;
    UPDATE kefu.kpi_scan SET last_batch = v_max WHERE id = 1;
    RETURN v_max;
END
$$;

-- Months whose KPIs are older than a load that wrote (or removed) their rows.
-- Current after kefu.kpi_sync().
CREATE VIEW kefu.kpi_stale AS
SELECT k.centre, k.month, f.feed, sum(f.rows)::bigint AS rows, min(f.batch_id) AS first_batch,
       max(f.batch_id) AS last_batch
FROM kefu.kpi_month k
JOIN kefu.feed_batch_month f ON f.centre = k.centre AND f.month = k.month
     AND f.batch_id > k.scan_mark
GROUP BY k.centre, k.month, f.feed;

-- True when kpi_daily of the month holds every call loaded so far: the KPIs
-- were computed, no later load touched the month, and every calls load has
-- been read by kefu.kpi_sync (otherwise nothing is known: false).
CREATE FUNCTION kefu.kpi_calls_current(p_centre text, p_month date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM kefu.kpi_month k WHERE k.centre = p_centre AND k.month = p_month)
       AND NOT EXISTS (SELECT 1 FROM kefu.kpi_month k
                       JOIN kefu.feed_batch_month f ON f.feed = 'calls' AND f.centre = k.centre
                            AND f.month = k.month AND f.batch_id > k.scan_mark
                       WHERE k.centre = p_centre AND k.month = p_month)
       AND (SELECT last_batch FROM kefu.kpi_scan WHERE id = 1)
           >= (SELECT coalesce(max(batch_id), 0) FROM kefu.load_batches
               WHERE feed = 'calls' AND status <> 'failed')
$$;

-- ---- offered calls per day: the one definition ------------------------------------

-- First and last day with calls, and with legacy daily totals, of a centre.
-- Days kept only in the KPI roll-up (their calls detached or deleted) count
-- as covered by calls.
CREATE FUNCTION kefu.offered_coverage(p_centre text)
RETURNS TABLE (calls_from date, calls_to date, volumes_from date, volumes_to date)
LANGUAGE sql STABLE AS $$
    SELECT least((SELECT min(arrived_at)::date FROM kefu.calls WHERE centre = p_centre),
                 (SELECT min(date) FROM kefu.kpi_daily WHERE centre = p_centre)),
           greatest((SELECT max(arrived_at)::date FROM kefu.calls WHERE centre = p_centre),
                    (SELECT max(date) FROM kefu.kpi_daily WHERE centre = p_centre)),
           (SELECT min(date) FROM kefu.daily_volumes WHERE centre = p_centre),
           (SELECT max(date) FROM kefu.daily_volumes WHERE centre = p_centre)
$$;

-- Offered calls (inbound, not IVR) per queue and day of [p_from, p_to]: from
-- kpi_daily for the months whose KPIs are current, counted from calls for the
-- others (one range scan per such month); legacy daily totals fill the
-- queue-days calls do not cover.
-- (jit off: the plan looks expensive — a range scan per month it may need —
-- and compiling it cost more than running it.)
CREATE FUNCTION kefu.offered_days(p_centre text, p_from date, p_to date)
RETURNS TABLE (queue text, date date, offered bigint, source text)
LANGUAGE sql STABLE SET jit = off AS $$
    WITH cov AS (
        SELECT greatest(p_from, v.calls_from) AS lo, least(p_to, v.calls_to) AS hi
        FROM kefu.offered_coverage(p_centre) v
        WHERE v.calls_from IS NOT NULL),
    months AS (
        SELECT m::date AS month, greatest(m::date, cov.lo) AS lo,
               least((m + interval '1 month')::date - 1, cov.hi) AS hi,
               kefu.kpi_calls_current(p_centre, m::date) AS current
        FROM cov, generate_series(date_trunc('month', cov.lo::timestamp), cov.hi::timestamp,
                                  interval '1 month') m
        WHERE cov.lo <= cov.hi),
    c AS (
        SELECT k.queue, k.date, k.offered
        FROM months JOIN kefu.kpi_daily k ON months.current AND k.centre = p_centre
             AND k.month = months.month AND k.date BETWEEN months.lo AND months.hi
        WHERE k.offered > 0
        UNION ALL
        SELECT x.queue, x.date, x.offered
        FROM months, LATERAL (
            SELECT c.queue, c.arrived_at::date AS date, count(*) AS offered
            FROM kefu.calls c
            WHERE NOT months.current AND c.centre = p_centre AND c.direction = 'in'
              AND c.result <> 'ivr'
              AND c.arrived_at >= months.lo AND c.arrived_at < months.hi + 1
            GROUP BY 1, 2) x)
    SELECT queue, date, offered, 'calls'::text FROM c
    UNION ALL
    SELECT d.queue, d.date, d.offered::bigint, 'daily_volumes'
    FROM kefu.daily_volumes d
    WHERE d.centre = p_centre AND d.date BETWEEN p_from AND p_to
      AND NOT EXISTS (SELECT 1 FROM c WHERE c.queue = d.queue AND c.date = d.date)
$$;

-- Same columns as before (002), now over kefu.offered_days for every centre
-- (the centres of calls found by a skip scan of the primary key).
CREATE OR REPLACE VIEW kefu.daily_offered AS
WITH RECURSIVE cc AS (
    (SELECT centre FROM kefu.calls ORDER BY centre LIMIT 1)
    UNION ALL
    SELECT (SELECT c.centre FROM kefu.calls c WHERE c.centre > cc.centre ORDER BY c.centre LIMIT 1)
    FROM cc WHERE cc.centre IS NOT NULL),
centres AS (
    SELECT centre FROM cc WHERE centre IS NOT NULL
    UNION
    SELECT DISTINCT centre FROM kefu.daily_volumes)
SELECT ce.centre, o.queue, o.date, o.offered, o.source
FROM centres ce, LATERAL kefu.offered_days(ce.centre, '-infinity'::date, 'infinity'::date) o;

-- A forecast next to what happened (007), reading only the forecast's days.
CREATE OR REPLACE VIEW kefu.forecast_vs_actual AS
SELECT f.run_id, r.centre, r.queue, r.target_month, f.date, f.class, f.weight, f.forecast,
       a.offered AS actual,
       a.offered - f.forecast AS error,
       CASE WHEN a.offered > 0 THEN abs(a.offered - f.forecast) / a.offered END AS ape
FROM kefu.forecast_daily f
JOIN kefu.forecast_run r USING (run_id)
LEFT JOIN LATERAL (
    SELECT sum(d.offered) AS offered
    FROM kefu.offered_days(r.centre, f.date, f.date) d
    WHERE r.queue = '*' OR d.queue = r.queue
) a ON true;

-- ---- the computation ------------------------------------------------------------------

-- Replace the KPIs of one centre and month (call in one transaction: readers see
-- the old rows or the new ones). Returns the rows written per table.
-- Waits and talk are whole seconds (the feeds' timestamps are). work_mem: the
-- month's repeat-caller sort and aggregates in memory where they fit. jit off: the
-- plans are cheap to run but look expensive (generate_series), and compiling
-- them cost more than the work.
CREATE FUNCTION kefu.kpi_compute(p_centre text, p_month date)
RETURNS TABLE (tbl text, n bigint)
LANGUAGE plpgsql SET jit = off SET work_mem = '256MB' AS $$
DECLARE
    m0      timestamp := date_trunc('month', p_month::timestamp);
    m1      timestamp := date_trunc('month', p_month::timestamp) + interval '1 month';
    v_iv    integer := kefu.policy_value('kpi_interval_min', p_month, p_centre);
    v_t     integer := kefu.policy_value('kpi_sl_seconds', p_month, p_centre);
    v_short integer := kefu.policy_value('kpi_short_abandon_s', p_month, p_centre);
    v_rep_h numeric := kefu.policy_value('kpi_repeat_window_h', p_month, p_centre);
    v_ivl   interval;
    v_rep   interval;
    v_mark  bigint;
    v_calls bigint;
    v_states bigint;
    v_noagent bigint;
    v_n     bigint;
BEGIN
    IF v_iv IS NULL OR v_iv <= 0 OR 1440 % v_iv <> 0 THEN
        RAISE EXCEPTION 'policy kpi_interval_min = % does not divide a day into whole intervals', v_iv
            USING HINT = 'use 5, 10, 15, 30 or 60 minutes';
    END IF;
    IF v_t IS NULL OR v_short IS NULL OR v_rep_h IS NULL THEN
        RAISE EXCEPTION 'policy rows kpi_sl_seconds, kpi_short_abandon_s, kpi_repeat_window_h are required';
    END IF;
    v_ivl := make_interval(mins => v_iv);
    v_rep := v_rep_h * interval '1 hour';
    v_mark := kefu.kpi_sync();

    DELETE FROM kefu.kpi_interval WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_agent_daily WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_slot_staff WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_daily WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_queue WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_agent WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_group WHERE centre = p_centre AND month = m0;
    DELETE FROM kefu.kpi_month WHERE centre = p_centre AND month = m0;

    -- One statement: one scan of the month's inbound calls (and of the repeat
    -- window before it) gives per call its wait, talk and repeat flag, grouped
    -- into both finest grains at once; the agent states, cut at interval
    -- boundaries, join the agent grain (a segment without an end counts no
    -- time but shows the agent had states in its interval).
    WITH src AS (
        SELECT c.queue, c.arrived_at, c.agent_id, c.result, c.transferred, c.hold_s, c.wrap_s,
               CASE c.result
                    WHEN 'answered' THEN extract(epoch FROM c.answered_at - c.arrived_at)::bigint
                    WHEN 'abandoned' THEN extract(epoch FROM c.ended_at - c.arrived_at)::bigint
               END AS wait_s,
               CASE WHEN c.result = 'answered'
                    THEN coalesce(extract(epoch FROM c.ended_at - c.answered_at)::bigint, 0)
               END AS talk_s,
               c.caller_hash IS NOT NULL AND c.result <> 'ivr' AS known,
               CASE WHEN c.caller_hash IS NOT NULL AND c.result <> 'ivr'
                    THEN lag(c.arrived_at) OVER (PARTITION BY c.caller_hash, c.result <> 'ivr'
                                                 ORDER BY c.arrived_at, c.call_id) END AS prev_at
        FROM kefu.calls c
        WHERE c.centre = p_centre AND c.direction = 'in'
          AND c.arrived_at >= m0 - v_rep AND c.arrived_at < m1),
    r AS (
        SELECT date_bin(v_ivl, arrived_at, m0) AS slot, queue,
               CASE WHEN result = 'answered' THEN coalesce(agent_id, '') END AS agent_key,
               result, transferred, hold_s, wrap_s, wait_s, talk_s, known,
               prev_at >= arrived_at - v_rep AS repeat
        FROM src WHERE arrived_at >= m0),
    fine AS (
        -- the finest call grain: interval × queue × agent ('' = no agent)
        SELECT slot, queue, coalesce(agent_key, '') AS agent,
               count(*) FILTER (WHERE result <> 'ivr') AS offered,
               count(*) FILTER (WHERE result = 'answered') AS answered,
               count(*) FILTER (WHERE result = 'abandoned') AS abandoned,
               count(*) FILTER (WHERE result = 'abandoned' AND wait_s < v_short) AS short_abandoned,
               count(*) FILTER (WHERE result = 'answered' AND wait_s <= v_t) AS answered_in_sl,
               coalesce(sum(wait_s) FILTER (WHERE result = 'answered'), 0) AS wait_answered_s,
               coalesce(sum(wait_s) FILTER (WHERE result = 'abandoned'), 0) AS wait_abandoned_s,
               max(wait_s) FILTER (WHERE result = 'answered') AS max_wait_s,
               coalesce(sum(talk_s), 0) AS talk_s,
               coalesce(sum(hold_s) FILTER (WHERE result = 'answered'), 0) AS hold_s,
               coalesce(sum(wrap_s) FILTER (WHERE result = 'answered'), 0) AS wrap_s,
               count(*) FILTER (WHERE result = 'answered' AND transferred) AS transfers,
               count(*) FILTER (WHERE result = 'answered' AND transferred IS NOT NULL) AS transfer_known,
               count(*) FILTER (WHERE result <> 'ivr' AND repeat) AS repeats,
               count(*) FILTER (WHERE known) AS known_caller,
               count(*) FILTER (WHERE result = 'ivr') AS ivr
        FROM r
        GROUP BY 1, 2, 3),
    seg AS (
        SELECT s.agent_id, s.state, greatest(s.started_at, m0) AS a,
               least(coalesce(s.ended_at, s.started_at), m1) AS b
        FROM kefu.agent_states s
        WHERE s.centre = p_centre AND s.started_at < m1 AND s.started_at >= m0 - interval '1 day'
          AND (s.started_at >= m0 OR s.ended_at > m0)),
    st AS (
        SELECT seg.agent_id, g.slot,
               coalesce(sum(g.secs) FILTER (WHERE seg.state <> 'logout'), 0)::bigint AS staffed_s,
               coalesce(sum(g.secs) FILTER (WHERE seg.state = 'ready'), 0)::bigint AS available_s
        FROM seg,
             LATERAL (SELECT t AS slot,
                             extract(epoch FROM least(seg.b, t + v_ivl) - greatest(seg.a, t))::bigint AS secs
                      FROM generate_series(date_bin(v_ivl, seg.a, m0),
                                           greatest(seg.b - interval '1 microsecond', seg.a),
                                           v_ivl) t) g
        GROUP BY seg.agent_id, g.slot),
    ag AS (
        SELECT slot, agent, sum(answered) AS answered, sum(answered_in_sl) AS answered_in_sl,
               sum(wait_answered_s) AS wait_answered_s, sum(talk_s) AS talk_s,
               sum(hold_s) AS hold_s, sum(wrap_s) AS wrap_s, sum(transfers) AS transfers,
               sum(transfer_known) AS transfer_known
        FROM fine WHERE agent <> '' GROUP BY slot, agent),
    -- the agent × interval grain: calls and states side by side
    ai AS (
        SELECT coalesce(c.slot, s.slot) AS slot, coalesce(c.agent, s.agent_id) AS agent,
               coalesce(c.answered, 0) AS answered, coalesce(c.answered_in_sl, 0) AS answered_in_sl,
               coalesce(c.wait_answered_s, 0) AS wait_answered_s, coalesce(c.talk_s, 0) AS talk_s,
               coalesce(c.hold_s, 0) AS hold_s, coalesce(c.wrap_s, 0) AS wrap_s,
               coalesce(c.transfers, 0) AS transfers, coalesce(c.transfer_known, 0) AS transfer_known,
               s.agent_id IS NOT NULL AS has_states, s.staffed_s, s.available_s
        FROM ag c FULL JOIN st s ON s.slot = c.slot AND s.agent_id = c.agent),
    ins_q AS (
        INSERT INTO kefu.kpi_interval
        SELECT p_centre, m0::date, slot::date, slot::time, queue, sum(offered), sum(answered),
               sum(abandoned), sum(short_abandoned), sum(answered_in_sl), sum(wait_answered_s),
               sum(wait_abandoned_s), max(max_wait_s), sum(talk_s), sum(hold_s), sum(wrap_s),
               sum(transfers), sum(transfer_known), sum(repeats), sum(known_caller), sum(ivr)
        FROM fine GROUP BY slot, queue
        RETURNING offered + ivr AS calls),
    ins_a AS (
        INSERT INTO kefu.kpi_agent_daily
        SELECT p_centre, m0::date, slot::date, agent, sum(answered), sum(answered_in_sl),
               sum(wait_answered_s), sum(talk_s), sum(hold_s), sum(wrap_s), sum(transfers),
               sum(transfer_known), count(*) FILTER (WHERE has_states), sum(staffed_s),
               sum(available_s), coalesce(sum(answered) FILTER (WHERE has_states), 0),
               coalesce(sum(talk_s + wrap_s) FILTER (WHERE has_states), 0)
        FROM ai GROUP BY slot::date, agent
        RETURNING 1),
    ins_s AS (
        INSERT INTO kefu.kpi_slot_staff
        SELECT p_centre, m0::date, slot::date, slot::time, count(*), sum(staffed_s), sum(available_s)
        FROM ai WHERE has_states GROUP BY slot
        RETURNING 1)
    SELECT (SELECT coalesce(sum(calls), 0) FROM ins_q),
           (SELECT coalesce(sum(answered), 0) FROM fine WHERE agent = ''),
           (SELECT count(*) FROM seg),
           (SELECT count(*) FROM ins_a) + (SELECT count(*) FROM ins_s)
    INTO v_calls, v_noagent, v_states, v_n;

    -- Roll-ups, from the finest grains only.
    INSERT INTO kefu.kpi_daily
    SELECT centre, month, date, queue, sum(offered), sum(answered), sum(abandoned),
           sum(short_abandoned), sum(answered_in_sl), sum(wait_answered_s), sum(wait_abandoned_s),
           max(max_wait_s), sum(talk_s), sum(hold_s), sum(wrap_s), sum(transfers),
           sum(transfer_known), sum(repeats), sum(known_caller), sum(ivr)
    FROM kefu.kpi_interval WHERE centre = p_centre AND month = m0
    GROUP BY centre, month, date, queue;

    INSERT INTO kefu.kpi_queue
    SELECT centre, month, queue, sum(offered), sum(answered), sum(abandoned),
           sum(short_abandoned), sum(answered_in_sl), sum(wait_answered_s), sum(wait_abandoned_s),
           max(max_wait_s), sum(talk_s), sum(hold_s), sum(wrap_s), sum(transfers),
           sum(transfer_known), sum(repeats), sum(known_caller), sum(ivr)
    FROM kefu.kpi_daily WHERE centre = p_centre AND month = m0
    GROUP BY centre, month, queue;

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
    SELECT centre, month, group_name, count(*), count(*) FILTER (WHERE state_intervals > 0),
           sum(answered), sum(answered_in_sl), sum(wait_answered_s), sum(talk_s), sum(hold_s),
           sum(wrap_s), sum(transfers), sum(transfer_known), sum(state_intervals),
           sum(staffed_s), sum(available_s), sum(answered_states), sum(handle_states_s)
    FROM kefu.kpi_agent WHERE centre = p_centre AND month = m0
    GROUP BY centre, month, group_name;

    INSERT INTO kefu.kpi_month (centre, month, interval_min, sl_seconds, short_abandon_s,
                                repeat_window_h, scan_mark, calls_read, states_read,
                                answered_no_agent)
    VALUES (p_centre, m0, v_iv, v_t, v_short, v_rep_h, v_mark, v_calls, v_states, v_noagent);

    RETURN QUERY
        SELECT 'kpi_interval'::text, count(*) FROM kefu.kpi_interval WHERE centre = p_centre AND month = m0
        UNION ALL SELECT 'kpi_agent_daily', count(*) FROM kefu.kpi_agent_daily WHERE centre = p_centre AND month = m0
        UNION ALL SELECT 'kpi_slot_staff', count(*) FROM kefu.kpi_slot_staff WHERE centre = p_centre AND month = m0
        UNION ALL SELECT 'kpi_daily', count(*) FROM kefu.kpi_daily WHERE centre = p_centre AND month = m0
        UNION ALL SELECT 'kpi_queue', count(*) FROM kefu.kpi_queue WHERE centre = p_centre AND month = m0
        UNION ALL SELECT 'kpi_agent', count(*) FROM kefu.kpi_agent WHERE centre = p_centre AND month = m0
        UNION ALL SELECT 'kpi_group', count(*) FROM kefu.kpi_group WHERE centre = p_centre AND month = m0;
END
$$;

-- ---- rights -----------------------------------------------------------------------------

GRANT SELECT ON kefu.kpi_month, kefu.kpi_interval, kefu.kpi_agent_daily, kefu.kpi_slot_staff,
    kefu.kpi_daily,
    kefu.kpi_queue, kefu.kpi_agent, kefu.kpi_group, kefu.kpi_interval_rates,
    kefu.kpi_daily_rates, kefu.kpi_queue_rates, kefu.kpi_day_rates, kefu.kpi_slot_rates,
    kefu.kpi_slot_staffing, kefu.kpi_agent_rates, kefu.kpi_group_rates, kefu.kpi_centre_rates,
    kefu.kpi_stale, kefu.kpi_scan, kefu.feed_batch_month
    TO kefu_loader, kefu_reporter, kefu_hr;
GRANT INSERT, UPDATE, DELETE ON kefu.kpi_month, kefu.kpi_interval, kefu.kpi_agent_daily,
    kefu.kpi_slot_staff,
    kefu.kpi_daily, kefu.kpi_queue, kefu.kpi_agent, kefu.kpi_group TO kefu_loader;
GRANT EXECUTE ON FUNCTION kefu.kpi_sync(), kefu.kpi_calls_current(text, date),
    kefu.offered_coverage(text), kefu.offered_days(text, date, date),
    kefu.kpi_call_rates(bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint,
                        bigint, bigint, bigint),
    kefu.kpi_staff_rates(bigint, bigint, bigint, bigint, bigint)
    TO kefu_loader, kefu_reporter, kefu_hr;
GRANT EXECUTE ON FUNCTION kefu.kpi_compute(text, date) TO kefu_loader;
-- The forecast tables' readers also read the KPIs the report shows.
GRANT SELECT ON kefu.forecast_daily, kefu.forecast_run, kefu.forecast_interval TO kefu_hr;
