-- Search (finding 10): anonymous search and click signals are counted per client address and
-- hour, so an anonymous visitor cannot inflate the daily aggregate counters without bound.
-- `subject` is a keyed pseudonym of the address (never the address itself); the row is one
-- atomic counter (INSERT … ON CONFLICT DO UPDATE). Rows of past hours are deleted when a new
-- hour's first row is written. Used in the policy's default region's database only (anonymous
-- visitors have no home region).
CREATE TABLE IF NOT EXISTS search_signal_limits (
    subject TEXT NOT NULL,
    hour    INTEGER NOT NULL,   -- unix time / 3600
    count   INTEGER NOT NULL,
    PRIMARY KEY (subject, hour)
);
CREATE INDEX IF NOT EXISTS search_signal_limits_hour ON search_signal_limits (hour);
