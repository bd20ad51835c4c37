-- 006_leave_rules.sql — rule A12 (leave, DOMAIN §6) beyond the day count of
-- 004: entitlements by effective date and province, the sick-pay floor, the
-- maternity allowance, the comp-time balance, and the result columns for them.
-- Excess leave is flagged as kefu.ledger lines (rule A12, 0 points, 0 fine)
-- for HR review. Forward-only: later changes go in a new migration.
--
-- Formulas (W = base + performance wage, dv = pay_divisor_days, S = scheduled
-- days on leave in the month, C = calendar days on leave in the month, Dm =
-- calendar days of the month; every amount rounded half-up to 0.01 once):
--   pay       = round(W × factor × S / dv)                      (004, unchanged)
--   sick floor (劳部发〔1995〕309号 第59条; 广东省工资支付条例 第24条: sick pay not
--   below 80% of the local minimum wage), applied to the month's sick pay:
--     floor   = round(min_wage_monthly × sick_floor_pct / 100 × C / Dm)
--     (the monthly minimum wage covers every calendar day of the month, sick
--     leave is counted in calendar days: a whole month on sick leave gets
--     exactly 80% of the minimum wage). Only when S > 0 (rest days are paid
--     by the monthly wage already). When floor > pay:
--     pay = least(floor, round(W × S / dv)) — never more than a worked day —
--     and deduction = round(W × S / dv) − pay; otherwise deduction =
--     round(W × (1 − factor) × S / dv) as in 004.
--   maternity allowance (生育津贴, 社会保险法 第56条: employer's average monthly
--   wage of the previous year / 30 per day; the feeds lack that average, W
--   stands in): round(W × C / maternity_allowance_divisor_days). Shown in its
--   own column, not in pay: the social-insurance fund pays it.
--   annual leave: entitlement by whole years from employees.work_start_date to
--   the month's last day: < annual_min_years → 0 (条例 第二条), < 10 → 5,
--   < 20 → 10, else 15 (职工带薪年休假条例 第三条); used = annual days of
--   the calendar year up to this month (earlier months from their stored
--   attendance_leave rows: compute months in order, as for A7).
--   comp time: balance before a comp day D = approved earn hours dated ≤ D −
--   use hours dated < D (kefu.comp_time); the day needs its own use hours,
--   else its paid hours, else comp_day_hours; flag when balance < need.
--
-- Rows dated 2000-01-01 stand for the rule as in force since before the
-- first month kefu computes (职工带薪年休假条例 took effect 2008-01-01; its
-- values are used for earlier months too).
--
-- Flags (ledger lines, rule A12, line_key A12:<kind>:<date>):
--   annual      used this year > entitlement (in a month with annual days);
--   personal    one leave record spanning more than personal_max_days calendar
--               days — per occurrence, because 004 第四篇 §6(3) says
--               "事假最长不得超过两周" (the longest leave, not a yearly total);
--   marriage, bereavement, paternity, maternity: one leave record longer (in
--               calendar days) than its entitlement; flagged in the month the
--               leave starts. The feeds cannot tell a grandparent's death
--               (bereavement 1 day), a difficult birth (+15) or a multiple birth
--               (+15 per extra baby): the check uses the plain entitlement and
--               the evidence asks HR to allow those extras;
--   comp        a comp leave day without enough balance.

-- ---- result columns ---------------------------------------------------------------

ALTER TABLE kefu.attendance_leave
    ADD COLUMN entitlement_days    numeric(6, 1),   -- annual: the year's; others: per occurrence; NULL none
    ADD COLUMN used_ytd_days       numeric(6, 1),   -- annual: days this calendar year to the month end
    ADD COLUMN floor_pay           numeric(12, 2),  -- sick: the 80% minimum-wage floor of the month
    ADD COLUMN maternity_allowance numeric(12, 2) NOT NULL DEFAULT 0;  -- 生育津贴, not employer pay

ALTER TABLE kefu.attendance_monthly
    ADD COLUMN annual_entitlement_days numeric(4, 1),          -- NULL: work_start_date unknown
    ADD COLUMN annual_used_days        numeric(6, 1) NOT NULL DEFAULT 0,  -- calendar year to month end
    ADD COLUMN comp_balance_hours      numeric(8, 2) NOT NULL DEFAULT 0,  -- earned − used to month end
    ADD COLUMN maternity_allowance     numeric(12, 2) NOT NULL DEFAULT 0, -- not in leave_pay
    ADD COLUMN leave_flags             integer NOT NULL DEFAULT 0;        -- A12 ledger lines of the month

-- ---- policy rows ----------------------------------------------------------------------

INSERT INTO kefu.policy (param, alternative, effective_from, province, value, rule_id, source, note) VALUES
 ('annual_min_years', 'default', '2000-01-01', '', 1, 'A12', '职工带薪年休假条例 第二条', 'whole working years before any annual leave'),
 ('annual_tier1_years', 'default', '2000-01-01', '', 10, 'A12', '职工带薪年休假条例 第三条', NULL),
 ('annual_tier2_years', 'default', '2000-01-01', '', 20, 'A12', '职工带薪年休假条例 第三条', NULL),
 ('annual_days_tier0', 'default', '2000-01-01', '', 5, 'A12', '职工带薪年休假条例 第三条', '已满1年不满10年'),
 ('annual_days_tier1', 'default', '2000-01-01', '', 10, 'A12', '职工带薪年休假条例 第三条', '已满10年不满20年'),
 ('annual_days_tier2', 'default', '2000-01-01', '', 15, 'A12', '职工带薪年休假条例 第三条', '已满20年'),
 ('personal_max_days', 'default', '2000-01-01', '', 14, 'A12', '004 第四篇 §6(3) 事假最长不得超过两周', 'calendar days of one personal leave'),
 ('sick_floor_pct', 'default', '1995-01-01', '', 80, 'A12', '劳部发〔1995〕309号 第59条', 'sick pay not below this % of the local minimum wage'),
 ('min_wage_monthly', 'default', '2000-01-01', '', 0, 'A12', 'DOMAIN §6 A12', '0 = no minimum wage known for the province: no floor'),
 ('min_wage_monthly', 'default', '2021-12-01', '广东', 2300, 'A12', '广东省人民政府 调整企业职工最低工资标准（2021-12-01 起）', '一类地区（广州）'),
 ('min_wage_monthly', 'default', '2025-03-01', '广东', 2500, 'A12', '广东省人民政府 调整企业职工最低工资标准（2025-03-01 起）', '一类地区（广州）'),
 ('marriage_days', 'default', '1980-01-01', '', 3, 'A12', '国家劳动总局 财政部 关于国营企业职工请婚丧假和路程假问题的通知（1980）', 'calendar days'),
 ('bereavement_days', 'default', '1980-01-01', '', 3, 'A12', '国家劳动总局 财政部 关于国营企业职工请婚丧假和路程假问题的通知（1980）', 'calendar days'),
 ('bereavement_grandparent_days', 'default', '2000-01-01', '', 1, 'A12', 'DOMAIN §6 A12', 'not applied: the leaves feed does not name the deceased'),
 ('maternity_days', 'default', '2000-01-01', '', 90, 'A12', '女职工劳动保护规定（1988）第八条', 'calendar days, before 2012-04-28'),
 ('maternity_days', 'default', '2012-04-28', '', 98, 'A12', '女职工劳动保护特别规定 第七条', 'calendar days'),
 ('maternity_difficult_extra_days', 'default', '2000-01-01', '', 15, 'A12', '女职工劳动保护特别规定 第七条', 'not applied: the feed does not record a difficult birth'),
 ('maternity_extra_baby_days', 'default', '2000-01-01', '', 15, 'A12', '女职工劳动保护特别规定 第七条', 'per extra baby; not applied: the feed does not record it'),
 ('maternity_province_extra_days', 'default', '2000-01-01', '', 0, 'A12', 'DOMAIN §6 A12', 'provincial addition to the 98 days'),
 ('maternity_province_extra_days', 'default', '2016-01-01', '广东', 80, 'A12', '广东省人口与计划生育条例 第三十条', NULL),
 ('maternity_allowance_divisor_days', 'default', '2000-01-01', '', 30, 'A12', '社会保险法 第五十六条', 'allowance per day = monthly wage / this'),
 ('paternity_days', 'default', '2000-01-01', '', 15, 'A12', 'DOMAIN §6 A12', 'default where no provincial row'),
 ('paternity_days', 'default', '2016-01-01', '广东', 15, 'A12', '广东省人口与计划生育条例 第三十条', NULL),
 ('comp_day_hours', 'default', '2000-01-01', '', 8, 'A12', '004 第四篇 §6', 'hours a comp day needs when it has no shift and no use row');

UPDATE kefu.policy SET note = 'not below sick_floor_pct of min_wage_monthly (006_leave_rules.sql)'
 WHERE param = 'leave_pay_factor_sick' AND alternative = 'default';
