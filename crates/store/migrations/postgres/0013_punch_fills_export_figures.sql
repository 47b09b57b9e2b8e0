-- A punch with its built-in analysis writes the export figures (migration 0012) into the
-- shift row itself: the clock-in's INSERT carries `standup_check`, the clock-out's UPDATE
-- the report's score and breakdown (same statement as the analysis). The trigger then
-- only updates the shift when the figures differ from what it already holds: no second
-- version of the shift row (and its WAL) per punch, while every other write site (an
-- external analyzer's job, a re-analysis, an override, the bulk seeder) is still followed
-- by the update. The skip is exact: it happens only where the update would change nothing.

CREATE OR REPLACE FUNCTION shifts_export_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'standup' THEN
        UPDATE shifts SET standup_check = NEW.result
        WHERE id = NEW.shift_id AND standup_check IS DISTINCT FROM NEW.result;
    ELSIF NEW.kind = 'report' THEN
        UPDATE shifts SET report_score = NEW.score, report_override_score = NEW.override_score,
                          report_override_reason = NEW.override_reason, report_breakdown = NEW.breakdown
        WHERE id = NEW.shift_id
          AND (report_score, report_override_score, report_override_reason, report_breakdown)
              IS DISTINCT FROM (NEW.score, NEW.override_score, NEW.override_reason, NEW.breakdown);
    END IF;
    RETURN NULL;
END
$$;
