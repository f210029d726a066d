-- Search: an anonymous signal is counted by one row inserted into the view
-- search_signal_inbox, and a round of signals by one INSERT of several rows (signals::
-- count_statements), instead of three statements per signal inside an explicit transaction
-- (BEGIN and COMMIT are statements too on Spin, where each statement is a host call). Nothing
-- is stored in the view: its trigger counts each row, in order, as those statements did:
--   1. the address's counter for the hour incremented (an atomic upsert: however many
--      requests race, each sees its own count);
--   2. past hours' counters deleted on an address's first signal of the hour;
--   3. the signal's daily counters (up to four: metric name and amount in m1/n1 … m4/n4,
--      NULL when unused) incremented when the address's counter is within `within`
--      (signals::ANONYMOUS_SIGNALS_PER_HOUR).
-- One INSERT is one transaction with everything its trigger does, on D1 and SQLite alike.
CREATE VIEW IF NOT EXISTS search_signal_inbox (subject, hour, day, within, m1, n1, m2, n2, m3, n3, m4, n4) AS
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER IF NOT EXISTS search_signal_inbox_count INSTEAD OF INSERT ON search_signal_inbox
BEGIN
    INSERT INTO search_signal_limits (subject, hour, count) VALUES (NEW.subject, NEW.hour, 1)
        ON CONFLICT (subject, hour) DO UPDATE SET count = count + 1;
    DELETE FROM search_signal_limits WHERE hour < NEW.hour
        AND (SELECT count FROM search_signal_limits WHERE subject = NEW.subject AND hour = NEW.hour) = 1;
    INSERT INTO search_signal_counts (day, metric, n)
        SELECT NEW.day, m, n FROM (
            SELECT NEW.m1 AS m, NEW.n1 AS n UNION ALL SELECT NEW.m2, NEW.n2
            UNION ALL SELECT NEW.m3, NEW.n3 UNION ALL SELECT NEW.m4, NEW.n4
        )
        WHERE m IS NOT NULL
            AND (SELECT count FROM search_signal_limits WHERE subject = NEW.subject AND hour = NEW.hour) <= NEW.within
        ON CONFLICT (day, metric) DO UPDATE SET n = n + excluded.n;
END;
