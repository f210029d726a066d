//! Business days of a market: weekends and the market's public holidays from the deployment's
//! calendar (`infra/holidays.txt`, compiled in). Response times are counted in them.

use time::{Date, Duration, OffsetDateTime, Weekday};

const HOLIDAYS: &str = include_str!("../../../infra/holidays.txt");

/// Whether `date` is a public holiday of `market` in `calendar` (the holidays file format:
/// `<country> <YYYY-MM-DD>` per line, `#` comments).
pub fn is_holiday(calendar: &str, market: &str, date: Date) -> bool {
    let iso = format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day());
    calendar
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .any(|(c, d)| c.eq_ignore_ascii_case(market) && d.trim() == iso)
}

pub fn is_business_day(calendar: &str, market: &str, date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(calendar, market, date)
}

/// The date `days` business days after `start` (a start on a day off counts from the next
/// business day, as if received then).
pub fn add_business_days(calendar: &str, market: &str, start: Date, days: u32) -> Date {
    let mut d = start;
    let mut left = days;
    while left > 0 {
        let Some(next) = d.next_day() else { break };
        d = next;
        if is_business_day(calendar, market, d) {
            left -= 1;
        }
    }
    d
}

/// When an inquiry received at `at` in `market` is due: the same time of day, `days` business
/// days later (UTC dates).
pub fn due(market: &str, at: OffsetDateTime, days: u32) -> OffsetDateTime {
    let date = add_business_days(HOLIDAYS, market, at.date(), days);
    at + Duration::days((date - at.date()).whole_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const CAL: &str = "# test\nDE 2026-12-25\nDE 2026-12-26\nUS 2026-11-26\n";

    #[test]
    fn weekends_are_skipped() {
        // Friday + 1 → Monday; Thursday + 2 → Monday
        assert_eq!(add_business_days(CAL, "GB", date!(2026 - 12 - 04), 1), date!(2026 - 12 - 07));
        assert_eq!(add_business_days(CAL, "GB", date!(2026 - 12 - 03), 2), date!(2026 - 12 - 07));
        // received on a Saturday: Monday is the first business day after it
        assert_eq!(add_business_days(CAL, "GB", date!(2026 - 12 - 05), 1), date!(2026 - 12 - 07));
        assert_eq!(add_business_days(CAL, "GB", date!(2026 - 12 - 07), 0), date!(2026 - 12 - 07));
    }

    #[test]
    fn holidays_of_the_market_only() {
        // Thursday 24 Dec 2026 in DE: Friday 25th a holiday, weekend, Monday 28th
        assert_eq!(add_business_days(CAL, "DE", date!(2026 - 12 - 24), 1), date!(2026 - 12 - 28));
        assert_eq!(add_business_days(CAL, "US", date!(2026 - 12 - 24), 1), date!(2026 - 12 - 25));
        // Thanksgiving in the US only
        assert_eq!(add_business_days(CAL, "US", date!(2026 - 11 - 25), 1), date!(2026 - 11 - 27));
        assert_eq!(add_business_days(CAL, "de", date!(2026 - 11 - 25), 1), date!(2026 - 11 - 26));
        assert!(!is_business_day(CAL, "DE", date!(2026 - 12 - 26)));
    }

    #[test]
    fn due_keeps_the_time_of_day_and_reads_the_shipped_calendar() {
        let at = datetime!(2026-12-24 10:30 UTC);
        assert_eq!(due("DE", at, 2), datetime!(2026-12-29 10:30 UTC));
        assert!(HOLIDAYS.lines().any(|l| l.starts_with("DE 2026-12-25")));
    }
}
