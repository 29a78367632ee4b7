//! `Timestamp*` comparisons and `IsTimestamp`: parsing timestamps the way AWS does (the ISO-8601 extended
//! offset date-time format, as Java's `ISO_OFFSET_DATE_TIME` reads it) and comparing them as instants.

use chrono::{NaiveDate, NaiveTime};
use serde_json::Value;

use super::Cmp;

/// An instant: seconds since the Unix epoch (UTC) and nanoseconds within the second. Two timestamps with
/// different offsets but the same instant compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    pub fn unix_seconds(self) -> i64 {
        self.secs
    }

    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }
}

/// Parses `2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123456789+01:00`, `2016-03-14T01:59Z` … AWS's
/// format: a 4-digit year, `T` between date and time (either case), seconds optional, up to nine
/// fraction digits, then `Z` or a `±HH[:MM[:SS]]` offset. The date and time must exist (no Feb 30, no
/// hour 24, no leap second). Anything else — no offset, a space instead of `T` — is not a timestamp.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let mut cur = Cursor { bytes: text.as_bytes(), pos: 0 };
    let year = cur.digits(4)?;
    cur.expect(b'-')?;
    let month = cur.digits(2)?;
    cur.expect(b'-')?;
    let day = cur.digits(2)?;
    if !cur.eat(b'T') && !cur.eat(b't') {
        return None;
    }
    let hour = cur.digits(2)?;
    cur.expect(b':')?;
    let minute = cur.digits(2)?;
    let (mut second, mut nanos) = (0, 0);
    if cur.eat(b':') {
        second = cur.digits(2)?;
        if cur.eat(b'.') {
            nanos = cur.fraction()?;
        }
    }
    let offset = cur.offset()?;
    if cur.pos != cur.bytes.len() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = date.and_time(time).and_utc().timestamp();
    Some(Timestamp { secs: local - i64::from(offset), nanos })
}

/// A cursor over the ASCII text of a timestamp.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut v = 0u32;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
        }
        self.pos = end;
        Some(v)
    }

    /// One to nine fraction digits, as nanoseconds.
    fn fraction(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut nanos = 0u32;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            if self.pos - start == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        let len = self.pos - start;
        if len == 0 {
            return None;
        }
        Some(nanos * 10u32.pow((9 - len) as u32))
    }

    /// `Z` (either case) or `±HH[:MM[:SS]]`, as seconds east of UTC; at most 18 hours.
    fn offset(&mut self) -> Option<i32> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let hours = self.digits(2)?;
        let (mut minutes, mut seconds) = (0, 0);
        if self.eat(b':') {
            minutes = self.digits(2)?;
            if self.eat(b':') {
                seconds = self.digits(2)?;
            }
        }
        if hours > 18 || minutes > 59 || seconds > 59 {
            return None;
        }
        let total = (hours * 3600 + minutes * 60 + seconds) as i32;
        if total > 18 * 3600 {
            return None;
        }
        Some(sign * total)
    }
}

/// `Timestamp*` on two values: true only when both are strings holding valid timestamps.
pub fn compare(cmp: Cmp, left: &Value, right: &Value) -> bool {
    match right.as_str().and_then(parse_timestamp) {
        Some(r) => compare_with(cmp, left, r),
        None => false,
    }
}

/// `Timestamp*` against an already parsed literal.
pub fn compare_with(cmp: Cmp, left: &Value, right: Timestamp) -> bool {
    match left.as_str().and_then(parse_timestamp) {
        Some(l) => cmp.holds(l.cmp(&right)),
        None => false,
    }
}

/// `IsTimestamp`: a string that parses as a timestamp.
pub fn is_timestamp(value: &Value) -> bool {
    value.as_str().and_then(parse_timestamp).is_some()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ts(s: &str) -> Timestamp {
        match parse_timestamp(s) {
            Some(t) => t,
            None => panic!("{s} should parse"),
        }
    }

    #[test]
    fn parses_utc_and_offsets_to_the_same_instant() {
        let t = ts("2012-10-09T19:00:55Z");
        assert_eq!(t.unix_seconds(), 1_349_809_255);
        assert_eq!(ts("2012-10-09T20:00:55+01:00"), t);
        assert_eq!(ts("2012-10-09T18:30:55-00:30"), t);
        assert_eq!(ts("2012-10-09T20:00:55+01"), t);
        assert_eq!(ts("2012-10-09T19:00:55+00:00"), t);
    }

    #[test]
    fn fractions_are_kept_to_the_nanosecond() {
        let t = ts("2016-03-05T21:29:29.243167252Z");
        assert_eq!(t.subsec_nanos(), 243_167_252);
        assert_eq!(ts("2025-01-01T00:00:00.00Z"), ts("2025-01-01T00:00:00Z"));
        assert_eq!(ts("2025-01-01T00:00:00.5Z").subsec_nanos(), 500_000_000);
        assert!(ts("2025-01-01T00:00:00.000000001Z") > ts("2025-01-01T00:00:00Z"));
    }

    #[test]
    fn seconds_may_be_omitted_and_case_is_ignored() {
        assert_eq!(ts("2016-03-14T01:59Z"), ts("2016-03-14T01:59:00Z"));
        assert_eq!(ts("2016-03-14t01:59:00z"), ts("2016-03-14T01:59:00Z"));
    }

    #[test]
    fn rejects_what_aws_rejects() {
        for bad in [
            "",
            "2012-10-09T19:00:55",
            "2023-02-24",
            "2016-12-05 21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2016-02-30T10:00:00Z",
            "2016-12-05T24:00:00Z",
            "2016-12-05T23:59:60Z",
            "2016-12-05T21:29:29.Z",
            "2016-12-05T21:29:29.1234567890Z",
            "2016-12-05T21:29:29+19:00",
            "2016-12-05T21:29:29+0100",
            "2016-12-05T21:29:29Z ",
            " 2016-12-05T21:29:29Z",
            "2016-1-05T21:29:29Z",
            "HelloWorld",
            "2016-12-05T21:29:29ZZ",
            "２０１６-12-05T21:29:29Z",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn leap_day_exists_only_in_leap_years() {
        assert!(parse_timestamp("2016-02-29T00:00:00Z").is_some());
        assert!(parse_timestamp("2015-02-29T00:00:00Z").is_none());
    }

    #[test]
    fn compares_instants() {
        let a = json!("2012-10-09T19:00:55Z");
        let b = json!("2012-10-09T19:00:56Z");
        assert!(compare(Cmp::Equals, &a, &a));
        assert!(!compare(Cmp::Equals, &a, &b));
        assert!(compare(Cmp::LessThan, &a, &b));
        assert!(!compare(Cmp::LessThan, &a, &a));
        assert!(compare(Cmp::LessThanEquals, &a, &a));
        assert!(compare(Cmp::GreaterThan, &b, &a));
        assert!(compare(Cmp::GreaterThanEquals, &b, &a));
        assert!(!compare(Cmp::GreaterThanEquals, &a, &b));
        assert!(compare(Cmp::Equals, &a, &json!("2012-10-09T21:00:55+02:00")));
    }

    #[test]
    fn wrong_types_and_invalid_strings_compare_false() {
        let t = json!("2012-10-09T19:00:55Z");
        for v in [
            json!(null),
            json!(0),
            json!(1.1),
            json!(""),
            json!("2012-10-09T19:00:55"),
            json!([]),
            json!(["2012-10-09T19:00:55Z"]),
            json!({}),
            json!(true),
        ] {
            for cmp in Cmp::ALL {
                assert!(!compare(cmp, &v, &t), "{cmp:?} {v}");
                assert!(!compare(cmp, &t, &v), "{cmp:?} {v} as operand");
            }
        }
    }

    #[test]
    fn is_timestamp_needs_a_valid_string() {
        assert!(is_timestamp(&json!("2012-10-09T19:00:55Z")));
        assert!(is_timestamp(&json!("2012-10-09T19:00:55+01:00")));
        assert!(!is_timestamp(&json!("2012-10-09T19:00:55")));
        assert!(!is_timestamp(&json!("2023-02-24")));
        assert!(!is_timestamp(&json!(1_349_809_255)));
        assert!(!is_timestamp(&json!(null)));
    }
}
