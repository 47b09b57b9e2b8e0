-- Every punch looks up the employee's open shift (the clock-out's UPDATE, `open_shift`)
-- and, at clock-in, their latest auto-closed shift still to be confirmed. Both matched
-- `shifts_employee_time` on (company_id, employee_id) and then filtered every shift the
-- employee ever worked: a clock-out cost ~3 ms at 1,000 past shifts (measured on SQLite),
-- growing with the employee's history and paid on the single writer. These indexes hold
-- only the rows the lookups want, so their cost no longer depends on the history.

-- The one-open-shift rule, keyed as the lookups ask (an employee belongs to one company,
-- so the rule is the same).
DROP INDEX shifts_one_open;
CREATE UNIQUE INDEX shifts_one_open ON shifts(company_id, employee_id) WHERE clock_out_at IS NULL;

CREATE INDEX shifts_employee_unconfirmed ON shifts(company_id, employee_id, clock_in_at)
    WHERE auto_closed AND NOT end_confirmed;
