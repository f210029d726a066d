-- Off-label marks a specialist undid (the inquiries function): the mark as it was, who undid
-- it, when and why (the reason is required). The inquiry may be marked again later. Regional,
-- like the inquiry; written only by the inquiries function's off-label module.
CREATE TABLE IF NOT EXISTS inquiry_off_label_undone (
    id          TEXT PRIMARY KEY,
    inquiry_id  TEXT NOT NULL REFERENCES inquiries (id),
    use_asked   TEXT NOT NULL,
    marked_by   TEXT NOT NULL,
    marked_at   INTEGER NOT NULL,
    undone_by   TEXT NOT NULL,
    undone_at   INTEGER NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inquiry_off_label_undone_inquiry ON inquiry_off_label_undone (inquiry_id);
