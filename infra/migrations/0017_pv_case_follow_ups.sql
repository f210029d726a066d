-- Pharmacovigilance follow-ups (the inquiries function's screening). A flagged follow-up
-- message of an inquiry whose PV case is still open adds to that case instead of opening a
-- second one: the case keeps its clocks (day 0 = the first receipt), the follow-up notes its
-- own receipt, its reasons and what was reported. Personal data: regional databases only,
-- in the case's region; kept under legal retention like the case (the trigger refuses DELETE).
CREATE TABLE IF NOT EXISTS pv_case_follow_ups (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES pv_cases (id),
    message_id   TEXT NOT NULL UNIQUE,
    reporter     TEXT,             -- the reporting HCP's user id
    reasons      TEXT NOT NULL,    -- why the screening flagged it, one rule per line
    verbatim     TEXT NOT NULL,    -- the flagged sentences as reported
    received_at  INTEGER NOT NULL  -- the follow-up's receipt (the case's day 0 stays)
);
CREATE INDEX IF NOT EXISTS pv_case_follow_ups_case ON pv_case_follow_ups (case_id, received_at);
CREATE TRIGGER IF NOT EXISTS pv_case_follow_ups_no_delete BEFORE DELETE ON pv_case_follow_ups
BEGIN SELECT RAISE(ABORT, 'pv cases are kept under legal retention'); END;
