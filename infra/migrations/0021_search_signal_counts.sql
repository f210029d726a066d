-- Search: anonymous visitors' daily signal counters (searches, zero results, reformulations,
-- clicks, clicked ranks, time to click). Aggregates only: no address, no pseudonym, no query
-- text. They sit next to their per-address limit (search_signal_limits, the policy's default
-- region's database) so that a signal's limit and its counters are one transaction: one round
-- trip after the answer instead of a get and a put per counter in kv_global, and exact counts
-- (the key-value counters were read-modify-write and lost increments under concurrency).
-- Counters written before this migration stay readable in kv_global (`search-agg/…`), and
-- signals::aggregate adds them in.
CREATE TABLE IF NOT EXISTS search_signal_counts (
    day    TEXT NOT NULL,      -- YYYY-MM-DD, UTC
    metric TEXT NOT NULL,      -- signals::Metric::name
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, metric)
);
