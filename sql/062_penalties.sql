-- 062_penalties.sql — the penalty ledger beyond attendance (DOMAIN §8): P1–P4,
-- P6, P7 lines of `kefu penalties`, the life of a line (pending, open, issued,
-- appealed, upheld, withdrawn, void) with an append-only audit of every status
-- change, appeal deadlines, and the rows the rules read (violation codes,
-- evidence formats, policy values). Also the natural order of group names
-- (一组, 二组, ..., 十组) the workbooks sort by. Forward-only.

-- ---- statuses -----------------------------------------------------------------------
-- pending    awaiting a supervisor's decision (A8 records; a missing punch that a
--            confirmation could still excuse): shown apart, payable only when confirmed
-- open       computed, payable, not issued yet
-- issued     the month's penalties were issued (issued_at): the appeal window runs
-- appealed   the employee appealed in writing (appealed_at), answer due answer_due
-- upheld     the appeal was answered: the line stands
-- withdrawn  withdrawn (on appeal, or dismissed by a supervisor): counts for nothing
-- void       its fact is gone from the input on a re-run: kept, counts for nothing
-- Lines are never deleted; a re-run keeps each line's id and HR's statuses.

ALTER TABLE kefu.ledger DROP CONSTRAINT ledger_status_check;
UPDATE kefu.ledger SET status = 'open' WHERE status = 'issued';
ALTER TABLE kefu.ledger
    ALTER COLUMN status SET DEFAULT 'open',
    ADD CONSTRAINT ledger_status_check CHECK (status IN ('pending', 'open', 'issued', 'appealed',
        'upheld', 'withdrawn', 'void')),
    ADD COLUMN step            text NOT NULL DEFAULT '',  -- warning, group_notice, department_notice,
                                                          -- written_warning, dismissal_review, demotion_review
    -- times of the life of a line: the centre's local wall-clock time, as the feeds
    ADD COLUMN issued_at       timestamp,                 -- kefu penalties --issue
    ADD COLUMN appeal_deadline date,                      -- last day to appeal (3 calendar days after issue)
    ADD COLUMN appealed_at     timestamp,
    ADD COLUMN answer_due      date,                      -- 7 days after the appeal
    ADD COLUMN decided_at      timestamp,                 -- upheld or withdrawn
    ADD COLUMN confirmed_at    timestamp,                 -- a supervisor confirmed a pending line
    ADD COLUMN confirmed_by    text,
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();
CREATE INDEX ledger_month_status ON kefu.ledger (centre, month, status);

-- ---- the audit: every status change, append-only -------------------------------------

CREATE TABLE kefu.ledger_audit (
    audit_id      bigserial PRIMARY KEY,
    ledger_id     bigint NOT NULL,
    centre        text NOT NULL,
    emp_id        text NOT NULL,
    month         date NOT NULL,
    source        text NOT NULL,
    line_key      text NOT NULL,
    status_before text,                       -- NULL: the line was created
    status_after  text NOT NULL,
    actor         text NOT NULL,              -- --by NAME, else the command, else the database user
    note          text,
    effective_at  timestamp,                  -- when it happened by the clerk's account (--at), local time
    db_user       text NOT NULL DEFAULT session_user,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_audit_line ON kefu.ledger_audit (ledger_id);

-- Written only by this trigger (SECURITY DEFINER: HR may read the audit, not write it).
-- The session settings kefu.actor, kefu.note and kefu.at (set_config(..., true)) say
-- who made the change, why and when.
CREATE FUNCTION kefu.ledger_audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, kefu AS $fn$
BEGIN
    IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO kefu.ledger_audit (ledger_id, centre, emp_id, month, source, line_key,
                                       status_before, status_after, actor, note, effective_at)
        VALUES (NEW.ledger_id, NEW.centre, NEW.emp_id, NEW.month, NEW.source, NEW.line_key,
                CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
                coalesce(nullif(current_setting('kefu.actor', true), ''), session_user::text),
                nullif(current_setting('kefu.note', true), ''),
                nullif(current_setting('kefu.at', true), '')::timestamp);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER ledger_audit AFTER INSERT OR UPDATE OF status ON kefu.ledger
    FOR EACH ROW EXECUTE FUNCTION kefu.ledger_audit_row();

CREATE FUNCTION kefu.ledger_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'status changes are audited; nothing in the audit is changed or deleted';
END
$fn$;
CREATE TRIGGER ledger_audit_append_only BEFORE UPDATE OR DELETE ON kefu.ledger_audit
    FOR EACH ROW EXECUTE FUNCTION kefu.ledger_audit_refuse();
CREATE TRIGGER ledger_audit_no_truncate BEFORE TRUNCATE ON kefu.ledger_audit
    FOR EACH STATEMENT EXECUTE FUNCTION kefu.ledger_audit_refuse();

-- Ledger lines are never deleted either: withdraw them (HR) or let a re-run void them.
CREATE FUNCTION kefu.ledger_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'ledger lines are never deleted (line %)', OLD.ledger_id
        USING HINT = 'kefu ledger withdraw LINE --by NAME --note TEXT';
END
$fn$;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON kefu.ledger
    FOR EACH ROW EXECUTE FUNCTION kefu.ledger_refuse_delete();

REVOKE ALL ON kefu.ledger_audit FROM PUBLIC;
GRANT SELECT ON kefu.ledger_audit TO kefu_hr;
REVOKE DELETE ON kefu.ledger FROM kefu_hr;

-- Kinds whose lines always await a supervisor's decision (A8 manual attendance records).
ALTER TABLE kefu.evidence_format ADD COLUMN awaits_review boolean NOT NULL DEFAULT false;
UPDATE kefu.evidence_format SET awaits_review = true WHERE kind IN ('A8', 'A8_adherence');

-- ---- the ledger writer, second version (analytics/ledger.c) ---------------------------
-- Staged lines (ledger_new: emp_id, date, kind, facts, fine, points, deduction,
-- escalation_step, step, pending; pending also for kinds that await review) are merged by key into the month's lines of one
-- source: a new key is inserted (pending or open); an existing line keeps its id and
-- HR's status (appealed, upheld, withdrawn) and gets the new facts and amounts when
-- they changed (a withdrawn line keeps what it had when it was withdrawn); a line
-- whose fact is no longer staged becomes void. Machine statuses are recomputed:
-- pending while the fact awaits a decision and no supervisor confirmed it, else
-- issued when the line was issued, else open. One line per (employee, month, key)
-- whatever the source: a key another source holds (not void) is skipped.
CREATE OR REPLACE FUNCTION kefu.ledger_replace(p_centre text, p_month date, p_source text,
                                               OUT written bigint, OUT new_lines bigint,
                                               OUT skipped bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    k text;
    n_void bigint;
    n_upd bigint;
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
        evidence_en = kefu.evidence_text(f.format_en, n.facts, 'en'),
        pending = n.pending OR f.awaits_review
    FROM kefu.evidence_format f WHERE f.kind = n.kind;
    DELETE FROM ledger_new n
    WHERE EXISTS (SELECT 1 FROM kefu.ledger l
                  WHERE l.centre = p_centre AND l.month = p_month AND l.source <> p_source
                    AND l.status <> 'void' AND l.emp_id = n.emp_id AND l.line_key = n.line_key);
    GET DIAGNOSTICS skipped = ROW_COUNT;

    UPDATE kefu.ledger l SET status = 'void', updated_at = now()
    WHERE l.centre = p_centre AND l.month = p_month AND l.source = p_source
      AND l.status NOT IN ('void', 'withdrawn')
      AND NOT EXISTS (SELECT 1 FROM ledger_new n WHERE n.emp_id = l.emp_id AND n.line_key = l.line_key);
    GET DIAGNOSTICS n_void = ROW_COUNT;

    WITH x AS (
        SELECT l.ledger_id, n.*,
               CASE WHEN l.status IN ('appealed', 'upheld') THEN l.status
                    WHEN n.pending AND l.confirmed_at IS NULL THEN 'pending'
                    WHEN l.issued_at IS NOT NULL THEN 'issued'
                    ELSE 'open' END AS new_status
        FROM kefu.ledger l JOIN ledger_new n ON n.emp_id = l.emp_id AND n.line_key = l.line_key
        WHERE l.centre = p_centre AND l.month = p_month AND l.source = p_source
          AND l.status <> 'withdrawn')
    UPDATE kefu.ledger l
    SET date = x.date, rule_id = x.rule_id, kind = x.kind, facts = x.facts, evidence = x.evidence,
        evidence_en = x.evidence_en, fine = x.fine, points = x.points, deduction = x.deduction,
        escalation_step = x.escalation_step, step = x.step, status = x.new_status,
        updated_at = now()
    FROM x
    WHERE l.ledger_id = x.ledger_id
      AND (l.date, l.rule_id, l.kind, l.facts, l.evidence, l.evidence_en, l.fine, l.points,
           l.deduction, l.escalation_step, l.step, l.status)
          IS DISTINCT FROM (x.date, x.rule_id, x.kind, x.facts, x.evidence, x.evidence_en, x.fine,
                            x.points, x.deduction, x.escalation_step, x.step, x.new_status);
    GET DIAGNOSTICS n_upd = ROW_COUNT;

    INSERT INTO kefu.ledger (centre, emp_id, date, month, rule_id, kind, facts, evidence,
                             evidence_en, fine, points, deduction, escalation_step, step, status,
                             source, line_key)
    SELECT p_centre, n.emp_id, n.date, p_month, n.rule_id, n.kind, n.facts, n.evidence,
           n.evidence_en, n.fine, n.points, n.deduction, n.escalation_step, n.step,
           CASE WHEN n.pending THEN 'pending' ELSE 'open' END, p_source, n.line_key
    FROM ledger_new n
    WHERE NOT EXISTS (SELECT 1 FROM kefu.ledger l
                      WHERE l.centre = p_centre AND l.month = p_month AND l.source = p_source
                        AND l.emp_id = n.emp_id AND l.line_key = n.line_key)
    ORDER BY n.emp_id COLLATE "C", n.date, n.line_key COLLATE "C";
    GET DIAGNOSTICS new_lines = ROW_COUNT;
    written := new_lines + n_upd + n_void;
    TRUNCATE ledger_new;
END
$fn$;

-- ---- issuing and appeals ------------------------------------------------------------------

-- The n-th working day after day (day is day 0, whatever the hour): Monday to
-- Friday except the holidays feed's 'holiday' dates, plus its 'workday' dates
-- (调休 Saturdays). n >= 1.
CREATE FUNCTION kefu.working_day_add(p_centre text, p_day date, p_n integer)
RETURNS date LANGUAGE sql STABLE AS $fn$
    SELECT g::date
    FROM generate_series(p_day + 1, p_day + 30 + 3 * p_n, interval '1 day') g
    LEFT JOIN kefu.holidays h ON h.centre = p_centre AND h.date = g::date
    WHERE CASE h.kind WHEN 'holiday' THEN false WHEN 'workday' THEN true
               ELSE extract(isodow FROM g) < 6 END
    ORDER BY g OFFSET greatest(p_n, 1) - 1 LIMIT 1
$fn$;

-- The last day to appeal a line issued on day: appeal_days calendar days later,
-- or working days under the alternative 'working_days' of appeal_working_days.
CREATE FUNCTION kefu.appeal_deadline(p_centre text, p_issued date, p_days integer,
                                     p_working boolean)
RETURNS date LANGUAGE sql STABLE AS $fn$
    SELECT CASE WHEN p_working THEN kefu.working_day_add(p_centre, p_issued, p_days)
                ELSE p_issued + p_days END
$fn$;

-- ---- what the rules read ---------------------------------------------------------------

-- Codes of the violations feed (rule column): the canonical code of DOMAIN §8 and
-- the spellings a centre's registers use. `kefu penalties` warns about codes not here.
CREATE TABLE kefu.violation_rule (
    code      text PRIMARY KEY,            -- as written in the feed
    canonical text NOT NULL CHECK (canonical IN ('5S', 'P2-register', 'P2-monitor', 'P4-late',
                                                 'P4-absent', 'P6-ring', 'P7-order')),
    note      text
);
INSERT INTO kefu.violation_rule (code, canonical, note) VALUES
 ('5S', '5S', 'P1 5S workplace order'),
 ('5S违规', '5S', NULL),
 ('P2-register', 'P2-register', 'P2 pull-out not registered the same day'),
 ('未登记抽调', 'P2-register', NULL),
 ('P2-monitor', 'P2-monitor', 'P2 traffic monitor missed an absent agent or approved too many pull-outs'),
 ('监控失职', 'P2-monitor', NULL),
 ('P4-late', 'P4-late', 'P4 late for training or a meeting'),
 ('培训迟到', 'P4-late', NULL),
 ('会议迟到', 'P4-late', NULL),
 ('P4-absent', 'P4-absent', 'P4 absent from training or a meeting'),
 ('培训缺席', 'P4-absent', NULL),
 ('会议缺席', 'P4-absent', NULL),
 ('P6-ring', 'P6-ring', 'P6 phone rang more than three times unanswered'),
 ('响铃未接', 'P6-ring', NULL),
 ('P7-order', 'P7-order', 'P7 unpaid order not chased within 1 h'),
 ('未跟进订单', 'P7-order', NULL);

INSERT INTO kefu.evidence_label (label, text_zh, text_en) VALUES
 ('category=feedback', '情况反馈', 'feedback'),
 ('category=suggestion', '建议', 'suggestion'),
 ('category=dissatisfaction', '不满意', 'dissatisfaction'),
 ('category=complaint', '投诉', 'complaint'),
 ('category=dispute', '纠纷', 'dispute'),
 ('category=incident', '事故', 'incident'),
 ('cause=attitude', '服务态度', 'service attitude'),
 ('cause=error', '业务差错', 'business error'),
 ('cause=other', '其他', 'other'),
 ('step=warning', '警告', 'warning'),
 ('step=group_notice', '组内通报', 'group notice'),
 ('step=department_notice', '部门通报', 'department notice'),
 ('step=written_warning', '书面警告', 'written warning'),
 ('step=dismissal_review', '解除劳动合同审查', 'dismissal review'),
 ('step=demotion_review', '降级审查', 'demotion review');

INSERT INTO kefu.evidence_format (kind, rule_id, format_zh, format_en, line_key) VALUES
 ('P1', 'P1',
  '5S 违规（登记 {violation_id}：{note}，登记人 {registered_by}），本月第 {nth} 次',
  '5S violation (record {violation_id}: {note}, registered by {registered_by}), {nth} in the month',
  'P1:{violation_id}'),
 ('P2_register', 'P2',
  '主管未当日登记抽调/非抽调（登记 {violation_id}：{note}），本月第 {nth} 次',
  'supervisor did not register a pull-out the same day (record {violation_id}: {note}), {nth} in the month',
  'P2:{violation_id}'),
 ('P2_monitor', 'P2',
  '话务监控漏报缺勤或批准抽调过多（登记 {violation_id}：{note}），本月第 {nth} 次',
  'traffic monitor missed an absent agent or approved too many pull-outs (record {violation_id}: {note}), {nth} in the month',
  'P2:{violation_id}'),
 ('P3_attitude', 'P3',
  '有效投诉 {complaint_id}（{@category}，服务态度，{received} 受理），12 个月内第 {nth} 次',
  'verified complaint {complaint_id} ({@category}, service attitude, received {received}), {nth} in 12 months',
  'P3:{complaint_id}'),
 ('P3_demotion', 'P3',
  '有效投诉 {complaint_id}（{@category}，{received} 受理）为 6 个月内第 {nth} 次有效投诉：降级审查（非自动处理）',
  'verified complaint {complaint_id} ({@category}, received {received}) is the {nth} in 6 months: demotion review (not automatic)',
  'P3:{complaint_id}:demotion'),
 ('P4_late', 'P4',
  '培训/会议迟到（登记 {violation_id}：{note}）',
  'late for training or a meeting (record {violation_id}: {note})',
  'P4:{violation_id}'),
 ('P4_absent', 'P4',
  '培训/会议缺席（登记 {violation_id}：{note}）',
  'absent from training or a meeting (record {violation_id}: {note})',
  'P4:{violation_id}'),
 ('P6', 'P6',
  '电话响铃三声以上未接（登记 {violation_id}：{note}），本月第 {nth} 次',
  'phone rang more than three times unanswered (record {violation_id}: {note}), {nth} in the month',
  'P6:{violation_id}'),
 ('P6_ring', 'P6',
  '来电 {call_id} 于 {rang_at} 振铃 {ring_s} 秒未接（坐席处于就绪状态，队列日志），本月第 {nth} 次',
  'call {call_id} rang {ring_s} s unanswered at {rang_at} (agent ready, queue_log), {nth} in the month',
  'P6:ring:{call_id}:{rang_at}'),
 ('P7', 'P7',
  '未付款订单 1 小时内未跟进（抽查 {violation_id}：{note}）',
  'unpaid order not chased within 1 h (spot check {violation_id}: {note})',
  'P7:{violation_id}');

INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note) VALUES
 ('p1_group_notice_nth', 'default', '2000-01-01', 2, 'P1', '000 §5.1.3', 'the nth 5S of the month: group notice'),
 ('p1_department_nth', 'default', '2000-01-01', 3, 'P1', '000 §5.1.3', 'the nth and each later: department notice'),
 ('p1_department_points', 'default', '2000-01-01', 1, 'P1', '000 §5.1.3', 'points with each department notice'),
 ('p2_register_points', 'default', '2000-01-01', 1, 'P2', '000 §5.1.2', 'P2-register, each'),
 ('p2_monitor_points', 'default', '2000-01-01', 2, 'P2', '000 §5.1.2', 'P2-monitor, each'),
 ('p3_first_fine_yuan', 'default', '2000-01-01', 200, 'P3', '001 第三篇 §七', 'the 1st verified attitude complaint in the window'),
 ('p3_first_fine_yuan', 'seed_001_first_list', '2000-01-01', 100, 'P3', '001 第一篇 list 1', NULL),
 ('p3_attitude_months', 'default', '2000-01-01', 12, 'P3', '001 第三篇 §七', 'window ending on the fact date'),
 ('p3_dismissal_nth', 'default', '2000-01-01', 2, 'P3', '001 第三篇 §七', 'the nth attitude complaint in the window: dismissal review'),
 ('p3_any_months', 'default', '2000-01-01', 6, 'P3', '001 第三篇 §七', 'window of verified complaints of any cause'),
 ('p3_demotion_nth', 'default', '2000-01-01', 3, 'P3', '001 第三篇 §七', 'the nth and later in the window: demotion review'),
 ('p3_demotion_gap_months', 'default', '2000-01-01', 6, 'P3', '001 第三篇 §七', 'at most one demotion review in this many months'),
 ('p4_late_fine_yuan', 'default', '2000-01-01', 20, 'P4', '001 第三篇 §三.9', NULL),
 ('p4_absent_fine_yuan', 'default', '2000-01-01', 100, 'P4', '001 第三篇 §三.9', 'and a written warning'),
 ('p6_points_nth', 'default', '2000-01-01', 2, 'P6', '003 篇1 §三.3', 'the 1st of the month is a warning, from the nth on points'),
 ('p6_points', 'default', '2000-01-01', 1, 'P6', '003 篇1 §三.3', NULL),
 ('p6_ring_seconds', 'default', '2000-01-01', 15, 'P6', '004 (铃响三声)', 'a queue_log ring of at least this many seconds on a ready agent'),
 ('p7_fine_yuan', 'default', '2000-01-01', 5, 'P7', '002 篇2 第三则 二.一.5', NULL),
 ('appeal_days', 'default', '2000-01-01', 3, 'P', '001 第一篇', 'appeal within this many days of issue'),
 ('appeal_working_days', 'default', '2000-01-01', 0, 'P', '001 第一篇', '0 = calendar days'),
 ('appeal_working_days', 'working_days', '2000-01-01', 1, 'P', 'DOMAIN §8', '1 = working days (holidays feed)'),
 ('answer_days', 'default', '2000-01-01', 7, 'P', '001 第一篇', 'the answer is due this many calendar days after the appeal');

-- ---- natural order of names such as 一组, 二组, 十一组, Group 2, Group 10 -----------------
-- Every run of digits or Chinese numerals (零〇一二两三四五六七八九十百千) becomes its
-- value padded to 12 digits, so byte order (COLLATE "C") is natural order.
CREATE FUNCTION kefu.natural_key(p text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE
    res text := '';
    i int := 1;
    n int := length(p);
    ch text;
    run text;
    sec bigint;
    cur bigint;
    v int;
BEGIN
    WHILE i <= n LOOP
        ch := substr(p, i, 1);
        IF ch BETWEEN '0' AND '9' THEN
            run := substring(substr(p, i) FROM '^[0-9]+');
            res := res || lpad(coalesce(nullif(ltrim(run, '0'), ''), '0'), 12, '0');
            i := i + length(run);
        ELSIF strpos('零〇一二两三四五六七八九十百千', ch) > 0 THEN
            run := substring(substr(p, i) FROM '^[零〇一二两三四五六七八九十百千]+');
            sec := 0;
            cur := 0;
            FOR k IN 1 .. length(run) LOOP
                ch := substr(run, k, 1);
                v := strpos('零〇一二两三四五六七八九', ch);
                IF v > 0 THEN
                    cur := (ARRAY[0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9])[v];
                ELSE
                    sec := sec + greatest(cur, 1) * CASE ch WHEN '十' THEN 10 WHEN '百' THEN 100
                                                             ELSE 1000 END;
                    cur := 0;
                END IF;
            END LOOP;
            res := res || lpad((sec + cur)::text, 12, '0');
            i := i + length(run);
        ELSE
            res := res || ch;
            i := i + 1;
        END IF;
    END LOOP;
    RETURN res;
END
$fn$;

GRANT SELECT ON kefu.violation_rule TO kefu_loader, kefu_reporter, kefu_hr;
GRANT EXECUTE ON FUNCTION kefu.natural_key(text), kefu.working_day_add(text, date, integer),
    kefu.appeal_deadline(text, date, integer, boolean) TO kefu_loader, kefu_reporter, kefu_hr;
