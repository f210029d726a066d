-- Guards inside a batch (medportal_core::audit::guard): a use case that read the state it
-- acts on adds one statement `INSERT INTO batch_guards (held) SELECT (<the state still
-- allows it>)` to the batch of its change and audit entry. The condition is evaluated inside
-- the batch's transaction, so a change another request committed after the read makes the
-- whole batch fail (nothing of it lands, no audit entry either), and the use case answers
-- with a conflict. A guard that holds is skipped (RAISE(IGNORE)): the table stays empty, on
-- every database.
CREATE TABLE IF NOT EXISTS batch_guards (held INTEGER);
CREATE TRIGGER IF NOT EXISTS batch_guards_check BEFORE INSERT ON batch_guards
BEGIN
    SELECT RAISE(ABORT, 'medportal guard: the state changed') WHERE NEW.held IS NOT 1;
    SELECT RAISE(IGNORE);
END;
