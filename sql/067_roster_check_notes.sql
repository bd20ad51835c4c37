-- 067_roster_check_notes.sql — what a roster check could not check, in both
-- languages. `kefu roster-check` stores the facts of its notes (jsonb, one
-- object per note with its kind) and the texts rendered from them in Chinese
-- and English by kefu.evidence_text over the formats below, as the ledger keeps
-- its evidence (060): the workbook and the command print the reader's language
-- whatever the language of the run. notes stays the English text for the
-- queries written against 005. Forward-only.

CREATE TABLE kefu.roster_note_format (
    kind      text PRIMARY KEY,
    rule_id   text NOT NULL,
    format_zh text NOT NULL,
    format_en text NOT NULL
);

INSERT INTO kefu.roster_note_format (kind, rule_id, format_zh, format_en) VALUES
 ('r6_no_forecast', 'R6',
  'R6：没有 {month} 全部技能组（''*''）的时段话务预测，未检查时段人力覆盖与高峰抽调。',
  'R6: no interval forecast of {month} for all queues (''*''); coverage and peak pull-outs not checked.'),
 ('r1_no_exception_feed', 'R1',
  'R1：没有例外审批数据，连续上班 {from}–{to} 天一律列为“须经批准的例外”。',
  'R1: no feed of approved exceptions; runs of {from}-{to} days are listed as needing an approved exception.');

ALTER TABLE kefu.roster_check_run
    ADD COLUMN note_facts jsonb NOT NULL DEFAULT '[]',   -- [{"kind": ..., facts ...}, ...]
    ADD COLUMN notes_zh   text NOT NULL DEFAULT '',
    ADD COLUMN notes_en   text NOT NULL DEFAULT '';

-- The notes of facts in a language ('zh' or 'en'), one sentence per note in order.
CREATE FUNCTION kefu.roster_notes_text(p_facts jsonb, p_lang text)
RETURNS text LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(string_agg(kefu.evidence_text(CASE WHEN p_lang = 'en' THEN f.format_en
                                                       ELSE f.format_zh END, e.x, p_lang),
                               CASE WHEN p_lang = 'en' THEN ' ' ELSE '' END ORDER BY e.n), '')
    FROM jsonb_array_elements(p_facts) WITH ORDINALITY AS e(x, n)
    JOIN kefu.roster_note_format f ON f.kind = e.x ->> 'kind'
$fn$;

-- Checks made before this migration: their facts from the run itself (R6 was
-- skipped when no forecast run is named) and the R1 limits in force that month.
UPDATE kefu.roster_check_run r
SET note_facts = x.facts
FROM (SELECT run_id,
             CASE WHEN forecast_run_id IS NULL
                  THEN jsonb_build_array(jsonb_build_object('kind', 'r6_no_forecast',
                                                            'month', to_char(month, 'YYYY-MM')))
                  ELSE '[]'::jsonb END
             || jsonb_build_array(jsonb_build_object(
                    'kind', 'r1_no_exception_feed',
                    'from', kefu.policy_value('r1_max_consecutive_days', month, centre) + 1,
                    'to', kefu.policy_value('r1_max_consecutive_days_exception', month, centre)))
             AS facts
      FROM kefu.roster_check_run) x
WHERE r.run_id = x.run_id;
UPDATE kefu.roster_check_run
SET notes_zh = kefu.roster_notes_text(note_facts, 'zh'),
    notes_en = kefu.roster_notes_text(note_facts, 'en');

GRANT SELECT ON kefu.roster_note_format TO kefu_loader, kefu_reporter, kefu_hr;
