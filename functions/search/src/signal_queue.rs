//! One writer at a time for anonymous signals, per isolate (Workers) or instance (Spin).
//!
//! Each anonymous search or click leaves one small batch for after its answer. Written one
//! transaction each, those batches queued behind one another in the database: on SQLite a
//! transaction that finds another one open waits in the busy handler, which sleeps up to
//! 100 ms between tries, so under steady traffic every answer left work running for a tenth
//! of a second or more, and a Spin instance took new requests beside it (or Spin started new,
//! cold instances). Here the first signal's work becomes the writer: signals that arrive while
//! it writes wait in memory, and each of its rounds writes all of them (up to
//! [`SIGNALS_PER_BATCH`]) as one batch, in the order they came (the statements of a round are
//! the signals module's: a handful for the whole round, counting as the signals one after
//! another would).
//!
//! A new writer first waits [`GATHER_MS`] (Workers and Spin; natively work after the answer
//! runs before it, and nothing waits), so under steady traffic its first round is many
//! signals, not one: one transaction for the signals of the requests meanwhile, rather than
//! one each beside every answer. A counter is therefore up to that long behind its signal,
//! and an instance ended within it (rarely: work after the answer keeps it) loses what waits.
//!
//! Bounds: a writer writes at most [`ROUNDS_PER_WRITER`] rounds (its last one takes everything
//! waiting), so its work ends well within the runtime's limit for work after an answer
//! (Workers: 30 s); at most [`MAX_WAITING`] signals wait (beyond that a signal is not
//! counted, as over the per-address limit); a writer whose work is dropped unfinished (the
//! runtime ended it) gives up its role, so the next signal starts another.

use std::cell::RefCell;

/// How long a new writer waits before its first round.
pub const GATHER_MS: u32 = 50;
/// Signals one batch holds at most (a round that finds more leaves the rest for the next).
pub const SIGNALS_PER_BATCH: usize = 64;
/// Rounds one writer writes at most.
pub const ROUNDS_PER_WRITER: usize = 32;
/// Signals waiting at most.
pub const MAX_WAITING: usize = 1024;

/// An anonymous signal waiting to be counted: whose (the address's keyed pseudonym), the
/// hour and day it came in, and its counters' increments (counter name, amount).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub subject: String,
    pub hour: i64,
    pub day: String,
    pub counts: Vec<(&'static str, u64)>,
}

/// What a signal's work does with its signal.
pub enum Offer {
    /// Write it first, then [`Queue::next`] until it says stop: this work is the writer.
    Write(Writer, Pending),
    /// A writer takes them with one of its next batches.
    Queued,
    /// Too many signals wait: not counted.
    Refused,
}

/// The role of writer, held by one signal's work; dropped without [`Queue::next`] having
/// ended it (its work ended early), it frees the role.
pub struct Writer(u64);

impl Drop for Writer {
    fn drop(&mut self) {
        QUEUE.with(|q| q.borrow_mut().resign(self.0));
    }
}

#[derive(Default)]
pub struct Queue {
    /// The current writer's id, if one is writing.
    writer: Option<u64>,
    next_id: u64,
    waiting: Vec<Pending>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
}

/// Offers one signal to this isolate's (or instance's) queue.
pub fn offer(signal: Pending) -> Offer {
    QUEUE.with(|q| q.borrow_mut().offer(signal))
}

/// The writer's first batch: its own signal and what waits (up to a batch); it stays the
/// writer.
pub fn gathered(writer: &Writer, first: Pending) -> Vec<Pending> {
    QUEUE.with(|q| q.borrow_mut().gathered(writer.0, first))
}

/// The writer's batch for round `round` (counted from 1 after its first batch), or `None`:
/// nothing waits, or its rounds are spent; either way it is no longer the writer.
pub fn next(writer: &Writer, round: usize) -> Option<Vec<Pending>> {
    QUEUE.with(|q| q.borrow_mut().next(writer.0, round))
}

impl Queue {
    fn offer(&mut self, signal: Pending) -> Offer {
        if self.writer.is_some() {
            if self.waiting.len() >= MAX_WAITING {
                return Offer::Refused;
            }
            self.waiting.push(signal);
            return Offer::Queued;
        }
        self.next_id += 1;
        self.writer = Some(self.next_id);
        Offer::Write(Writer(self.next_id), signal)
    }

    fn gathered(&mut self, id: u64, first: Pending) -> Vec<Pending> {
        let n = if self.writer == Some(id) { self.waiting.len().min(SIGNALS_PER_BATCH - 1) } else { 0 };
        let mut batch = Vec::with_capacity(n + 1);
        batch.push(first);
        batch.extend(self.waiting.drain(..n));
        batch
    }

    fn next(&mut self, id: u64, round: usize) -> Option<Vec<Pending>> {
        if self.writer != Some(id) || self.waiting.is_empty() || round > ROUNDS_PER_WRITER {
            self.resign(id);
            return None;
        }
        // the last round takes everything: nothing is left without a writer
        let n = if round == ROUNDS_PER_WRITER { self.waiting.len() } else { self.waiting.len().min(SIGNALS_PER_BATCH) };
        let batch = self.waiting.drain(..n).collect();
        if round == ROUNDS_PER_WRITER {
            self.resign(id);
        }
        Some(batch)
    }

    fn resign(&mut self, id: u64) {
        if self.writer == Some(id) {
            self.writer = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(n: i64) -> Pending {
        Pending { subject: "s".into(), hour: n, day: "d".into(), counts: vec![("searches", 1)] }
    }

    /// The queue of this test's thread, emptied (tests share no thread-local state).
    fn fresh() {
        QUEUE.with(|q| *q.borrow_mut() = Queue::default());
    }

    #[test]
    fn the_first_signal_writes_and_later_ones_go_whole_and_in_order_into_its_next_batch() {
        fresh();
        let Offer::Write(writer, first) = offer(signal(1)) else { panic!("the first signal's work writes") };
        assert_eq!(first, signal(1));
        assert!(matches!(offer(signal(2)), Offer::Queued));
        assert!(matches!(offer(signal(3)), Offer::Queued));
        let batch = next(&writer, 1).expect("two signals wait");
        assert_eq!(batch, [signal(2), signal(3)]);
        assert!(next(&writer, 2).is_none(), "nothing waits: the writer stops");
        drop(writer);
        assert!(matches!(offer(signal(4)), Offer::Write(..)), "the next signal starts a writer");
    }

    #[test]
    fn the_first_batch_gathers_what_waits_and_the_writer_stays() {
        fresh();
        let Offer::Write(writer, first) = offer(signal(1)) else { panic!() };
        for i in 2..(SIGNALS_PER_BATCH as i64 + 3) {
            assert!(matches!(offer(signal(i)), Offer::Queued));
        }
        let batch = gathered(&writer, first);
        assert_eq!(batch.len(), SIGNALS_PER_BATCH);
        assert_eq!(batch[..2], [signal(1), signal(2)], "its own first, then in order");
        assert!(matches!(offer(signal(99)), Offer::Queued), "still the writer");
        assert_eq!(next(&writer, 1).unwrap(), [signal(SIGNALS_PER_BATCH as i64 + 1), signal(SIGNALS_PER_BATCH as i64 + 2), signal(99)]);
    }

    #[test]
    fn a_round_takes_at_most_a_batch_of_signals_and_the_last_round_takes_all() {
        fresh();
        let Offer::Write(writer, _) = offer(signal(0)) else { panic!() };
        for i in 0..(SIGNALS_PER_BATCH as i64 + 5) {
            assert!(matches!(offer(signal(i)), Offer::Queued));
        }
        assert_eq!(next(&writer, 1).unwrap().len(), SIGNALS_PER_BATCH);
        assert_eq!(next(&writer, 2).unwrap().len(), 5);
        // the writer's last round
        for i in 0..(SIGNALS_PER_BATCH as i64 + 5) {
            offer(signal(i));
        }
        assert_eq!(next(&writer, ROUNDS_PER_WRITER).unwrap().len(), SIGNALS_PER_BATCH + 5, "everything waiting");
        assert!(matches!(offer(signal(9)), Offer::Write(..)), "after its last round, the next signal writes");
    }

    #[test]
    fn a_writer_dropped_unfinished_frees_the_role_and_an_old_one_cannot_take_a_new_ones_batches() {
        fresh();
        let Offer::Write(old, _) = offer(signal(1)) else { panic!() };
        offer(signal(2));
        // the old writer's last round resigns; a new writer starts and must keep its role
        assert!(next(&old, ROUNDS_PER_WRITER).is_some());
        let Offer::Write(new, _) = offer(signal(3)) else { panic!() };
        offer(signal(4));
        assert!(next(&old, 1).is_none(), "not the writer any more");
        drop(old);
        assert!(matches!(offer(signal(5)), Offer::Queued), "dropping the old writer left the new one's role alone");
        assert_eq!(next(&new, 1).unwrap().len(), 2);
        // the runtime ends the new writer's work early: its role is freed
        drop(new);
        assert!(matches!(offer(signal(6)), Offer::Write(..)));
    }

    #[test]
    fn beyond_the_waiting_bound_signals_are_refused() {
        fresh();
        let Offer::Write(_writer, _) = offer(signal(0)) else { panic!() };
        for i in 0..MAX_WAITING as i64 {
            assert!(matches!(offer(signal(i)), Offer::Queued));
        }
        assert!(matches!(offer(signal(-1)), Offer::Refused));
    }
}
