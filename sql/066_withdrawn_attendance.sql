-- 066_withdrawn_attendance.sql — a withdrawn attendance line counts for nothing
-- (DOMAIN §8: points, fines, nth counts), also in the attendance results.
--
-- `kefu attendance` reads the month's attendance lines HR withdrew (status
-- withdrawn, source attendance) and judges their facts as if they were not
-- there: a withdrawn late or early leave is no A2 incident (the later incidents
-- of the month move up: incident 1 free, the next ones 2 points and the A3
-- fine, the third one's extra 5 points); a withdrawn A4/A5/A6/A9 absence
-- deducts nothing, is no A7 count and its missing punch is not numbered; a
-- withdrawn A2 extra-points line is not charged again that month. The
-- withdrawn line keeps its row, id, status and the facts it had; every other
-- line keeps its id (its key is the fact: date and late/early) and gets its new
-- number and amounts. Forward-only.

-- The kinds of the day's withdrawn lines (A2_late, A2_early, A4, A5, A6, A9),
-- comma-separated: the day's facts stay (late_min, missing_punch ...), its
-- counts follow the ledger.
ALTER TABLE kefu.attendance_daily ADD COLUMN withdrawn text NOT NULL DEFAULT '';
