//! Locale-aware formatting of dates, times and numbers, without `time`'s
//! formatting machinery or float `Display` (keeps the wasm small).
//! Month names and date patterns come from the message catalogs.

use crate::{Locale, Msg, t, tf};
use time::{Date, OffsetDateTime, UtcOffset};

const MONTHS: [Msg; 12] = [
    Msg::Month01,
    Msg::Month02,
    Msg::Month03,
    Msg::Month04,
    Msg::Month05,
    Msg::Month06,
    Msg::Month07,
    Msg::Month08,
    Msg::Month09,
    Msg::Month10,
    Msg::Month11,
    Msg::Month12,
];

/// Thousands separator and decimal mark.
fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::En => (',', '.'),
        Locale::De => ('.', ','),
    }
}

/// Full month name, e.g. "November" / "März".
pub fn month_name(locale: Locale, month: time::Month) -> &'static str {
    t(locale, MONTHS[usize::from(u8::from(month)) - 1])
}

/// "23 November 2026" (en) / "23. November 2026" (de).
pub fn format_date(locale: Locale, date: Date) -> String {
    let mut day = String::with_capacity(2);
    push_u64(&mut day, u64::from(date.day()));
    let mut year = String::with_capacity(4);
    push_i64(&mut year, i64::from(date.year()));
    tf(
        locale,
        Msg::FormatDate,
        &[
            ("day", &day),
            ("month", month_name(locale, date.month())),
            ("year", &year),
        ],
    )
}

/// `2026-11-23`, for `<time datetime>` attributes.
pub fn iso_date(date: Date) -> String {
    let mut s = String::with_capacity(10);
    let year = date.year();
    if year < 0 {
        s.push('-');
    }
    push_padded(&mut s, u64::from(year.unsigned_abs()), 4);
    s.push('-');
    push_padded(&mut s, u64::from(u8::from(date.month())), 2);
    s.push('-');
    push_padded(&mut s, u64::from(date.day()), 2);
    s
}

/// "23 November 2026, 14:05 UTC" / "23. November 2026, 14:05 UTC".
/// Always converted to UTC, 24-hour clock.
pub fn format_datetime(locale: Locale, datetime: OffsetDateTime) -> String {
    let utc = datetime.to_offset(UtcOffset::UTC);
    let mut time = String::with_capacity(5);
    push_padded(&mut time, u64::from(utc.hour()), 2);
    time.push(':');
    push_padded(&mut time, u64::from(utc.minute()), 2);
    tf(
        locale,
        Msg::FormatDatetime,
        &[("date", &format_date(locale, utc.date())), ("time", &time)],
    )
}

/// `2026-11-23T14:05:00Z`, for `<time datetime>` attributes.
pub fn iso_datetime(datetime: OffsetDateTime) -> String {
    let utc = datetime.to_offset(UtcOffset::UTC);
    let mut s = iso_date(utc.date());
    s.push('T');
    push_padded(&mut s, u64::from(utc.hour()), 2);
    s.push(':');
    push_padded(&mut s, u64::from(utc.minute()), 2);
    s.push(':');
    push_padded(&mut s, u64::from(utc.second()), 2);
    s.push('Z');
    s
}

/// "12,345" (en) / "12.345" (de); negative numbers get a leading "-".
pub fn format_number(locale: Locale, value: i64) -> String {
    let mut out = String::new();
    if value < 0 {
        out.push('-');
    }
    push_grouped(&mut out, value.unsigned_abs(), separators(locale).0);
    out
}

/// Largest supported number of decimals; more are clamped to this.
pub const MAX_DECIMALS: u8 = 9;

/// "12,345.6" (en) / "12.345,6" (de) with exactly `decimals` digits after
/// the decimal mark (clamped to [`MAX_DECIMALS`]), rounded half away from
/// zero. A value that rounds to zero is never shown as "-0". Non-finite
/// values render as "–"; magnitudes beyond ~1.8e19 / 10^decimals saturate.
pub fn format_decimal(locale: Locale, value: f64, decimals: u8) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let decimals = decimals.min(MAX_DECIMALS);
    let scale = 10u64.pow(u32::from(decimals));
    // `as` saturates for out-of-range floats.
    let scaled = (value.abs() * scale as f64).round() as u64;
    let (int, frac) = (scaled / scale, scaled % scale);
    let (group, mark) = separators(locale);
    let mut out = String::new();
    if value < 0.0 && scaled != 0 {
        out.push('-');
    }
    push_grouped(&mut out, int, group);
    if decimals > 0 {
        out.push(mark);
        push_padded(&mut out, frac, usize::from(decimals));
    }
    out
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = String::with_capacity(20);
    push_u64(&mut digits, n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

fn push_grouped(out: &mut String, n: u64, sep: char) {
    let mut digits = String::with_capacity(20);
    push_u64(&mut digits, n);
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::{Month, PrimitiveDateTime, Time};

    fn date(y: i32, m: Month, d: u8) -> Date {
        Date::from_calendar_date(y, m, d).unwrap()
    }

    #[test]
    fn dates() {
        let d = date(2026, Month::November, 23);
        assert_eq!(format_date(Locale::En, d), "23 November 2026");
        assert_eq!(format_date(Locale::De, d), "23. November 2026");
        let d = date(2027, Month::March, 3);
        assert_eq!(format_date(Locale::En, d), "3 March 2027");
        assert_eq!(format_date(Locale::De, d), "3. März 2027");
        assert_eq!(iso_date(d), "2027-03-03");
        assert_eq!(iso_date(date(812, Month::January, 1)), "0812-01-01");
    }

    #[test]
    fn every_month_has_a_name() {
        for locale in Locale::ALL {
            for m in 1..=12u8 {
                let month = Month::try_from(m).unwrap();
                assert!(!month_name(locale, month).is_empty());
            }
        }
        assert_eq!(month_name(Locale::De, Month::December), "Dezember");
        assert_eq!(month_name(Locale::En, Month::May), "May");
    }

    #[test]
    fn datetimes_are_converted_to_utc() {
        let local = PrimitiveDateTime::new(
            date(2026, Month::November, 24),
            Time::from_hms(1, 5, 9).unwrap(),
        )
        .assume_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
        assert_eq!(
            format_datetime(Locale::En, local),
            "23 November 2026, 23:05 UTC"
        );
        assert_eq!(
            format_datetime(Locale::De, local),
            "23. November 2026, 23:05 UTC"
        );
        assert_eq!(iso_datetime(local), "2026-11-23T23:05:09Z");
    }

    #[test]
    fn integers() {
        let cases: &[(i64, &str, &str)] = &[
            (0, "0", "0"),
            (7, "7", "7"),
            (999, "999", "999"),
            (1000, "1,000", "1.000"),
            (12345, "12,345", "12.345"),
            (-1234567, "-1,234,567", "-1.234.567"),
            (
                i64::MAX,
                "9,223,372,036,854,775,807",
                "9.223.372.036.854.775.807",
            ),
            (
                i64::MIN,
                "-9,223,372,036,854,775,808",
                "-9.223.372.036.854.775.808",
            ),
        ];
        for &(n, en, de) in cases {
            assert_eq!(format_number(Locale::En, n), en);
            assert_eq!(format_number(Locale::De, n), de);
        }
    }

    #[test]
    fn decimals() {
        let cases: &[(f64, u8, &str, &str)] = &[
            (12345.6, 1, "12,345.6", "12.345,6"),
            (12345.67, 1, "12,345.7", "12.345,7"),
            (0.5, 0, "1", "1"),
            (2.5, 0, "3", "3"),
            (1234.0, 2, "1,234.00", "1.234,00"),
            (0.05, 2, "0.05", "0,05"),
            (-0.04, 1, "0.0", "0,0"),
            (-1234.5, 1, "-1,234.5", "-1.234,5"),
            (-0.0, 0, "0", "0"),
            (1.23456, 3, "1.235", "1,235"),
            (999.96, 1, "1,000.0", "1.000,0"),
            (1.0, 12, "1.000000000", "1,000000000"),
        ];
        for &(v, d, en, de) in cases {
            assert_eq!(format_decimal(Locale::En, v, d), en, "{v} {d}");
            assert_eq!(format_decimal(Locale::De, v, d), de, "{v} {d}");
        }
        assert_eq!(format_decimal(Locale::En, f64::NAN, 1), "–");
        assert_eq!(format_decimal(Locale::De, f64::INFINITY, 1), "–");
    }
}
