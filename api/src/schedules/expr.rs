//! Schedule expressions: `rate(N unit)`, `cron(…)` with AWS EventBridge's six fields, or a
//! Unix crontab line of five. All in UTC.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};

/// A parsed schedule expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every `period`, counted from the schedule's anchor (when it was created or changed).
    Rate(Duration),
    Cron(Cron),
}

/// Which minutes, hours, days, months, weekdays and years match (bit sets / ranges).
#[derive(Debug, Clone, PartialEq)]
pub struct Cron {
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    /// Bit 0 = Sunday.
    weekdays: u8,
    years: Option<(i32, i32, i32)>,
    /// Whether the day of the month and the day of the week were both restricted (a day then
    /// matches either, as in crontab).
    days_or_weekdays: bool,
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Expr {
    pub fn parse(text: &str) -> Result<Expr, String> {
        let t = text.trim();
        if let Some(inner) = t.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
            return rate(inner).map(Expr::Rate);
        }
        if let Some(inner) = t.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
            let fields: Vec<&str> = inner.split_whitespace().collect();
            if fields.len() != 6 {
                return Err(format!(
                    "cron(…) takes six fields (minutes hours day-of-month month day-of-week year), got {}",
                    fields.len()
                ));
            }
            return Cron::parse(&fields, true).map(Expr::Cron);
        }
        let fields: Vec<&str> = t.split_whitespace().collect();
        if fields.len() == 5 {
            return Cron::parse(&fields, false).map(Expr::Cron);
        }
        Err(format!(
            "'{text}' is not a schedule expression: use rate(N minutes|hours|days|seconds), \
             cron(minutes hours day-of-month month day-of-week year) or a five-field crontab line"
        ))
    }

    /// The first fire time strictly after `after`; `anchor` is where a rate counts from.
    pub fn next_after(&self, after: DateTime<Utc>, anchor: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Expr::Rate(period) => {
                let ms = period.num_milliseconds().max(1);
                let elapsed = (after - anchor).num_milliseconds();
                let k = if elapsed < 0 { 0 } else { elapsed / ms + 1 };
                Some(anchor + Duration::milliseconds(k * ms))
            }
            Expr::Cron(c) => c.next_after(after),
        }
    }
}

fn rate(inner: &str) -> Result<Duration, String> {
    let mut parts = inner.split_whitespace();
    let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("rate({inner}) must be rate(N unit)"));
    };
    let n: i64 =
        n.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("rate({inner}): N must be a positive whole number"))?;
    let unit_ok = |one: &str| if n == 1 { unit == one } else { unit == format!("{one}s") };
    let d = if unit_ok("second") {
        Duration::seconds(n)
    } else if unit_ok("minute") {
        Duration::minutes(n)
    } else if unit_ok("hour") {
        Duration::hours(n)
    } else if unit_ok("day") {
        Duration::days(n)
    } else {
        return Err(format!(
            "rate({inner}): the unit must be second, minute, hour or day (singular for 1, plural otherwise)"
        ));
    };
    Ok(d)
}

/// One field's allowed values as a bit set over `lo..=hi`.
fn field(text: &str, lo: u32, hi: u32, names: &[&str], name_base: u32, what: &str) -> Result<u64, String> {
    let value = |s: &str| -> Result<u32, String> {
        let upper = s.to_ascii_uppercase();
        if let Some(i) = names.iter().position(|n| *n == upper) {
            return Ok(i as u32 + name_base);
        }
        s.parse::<u32>().ok().filter(|v| (lo..=hi).contains(v)).ok_or_else(|| {
            if s.contains(['L', 'W', '#']) {
                format!("{what}: '{s}' (L, W and # are not supported)")
            } else {
                format!("{what}: '{s}' is not a value from {lo} to {hi}")
            }
        })
    };
    let mut bits = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step: u32 =
                    s.parse().ok().filter(|s| *s > 0).ok_or_else(|| format!("{what}: bad step in '{item}'"))?;
                (r, step)
            }
            None => (item, 1),
        };
        let (a, b) = match range {
            "*" | "?" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if item.contains('/') => (value(r)?, hi),
                None => {
                    let v = value(r)?;
                    (v, v)
                }
            },
        };
        if a > b {
            return Err(format!("{what}: the range '{range}' runs backwards"));
        }
        let mut v = a;
        while v <= b {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

impl Cron {
    /// `aws`: EventBridge's fields (day of week 1–7 with 1 = Sunday, and a year field);
    /// otherwise crontab's (day of week 0–7 with 0 and 7 = Sunday).
    fn parse(f: &[&str], aws: bool) -> Result<Cron, String> {
        let minutes = field(f[0], 0, 59, &[], 0, "minutes")?;
        let hours = field(f[1], 0, 23, &[], 0, "hours")? as u32;
        let days = field(f[2], 1, 31, &[], 0, "day of month")? as u32;
        let months = field(f[3], 1, 12, &MONTHS, 1, "month")? as u16;
        let weekdays = if aws {
            // 1 = Sunday … 7 = Saturday; shift to bit 0 = Sunday.
            (field(f[4], 1, 7, &DAYS, 1, "day of week")? >> 1) as u8
        } else {
            let b = field(f[4], 0, 7, &DAYS, 0, "day of week")?;
            ((b | (b >> 7)) & 0x7f) as u8
        };
        let years = if aws && f[5] != "*" && f[5] != "?" {
            let (range, step) = match f[5].split_once('/') {
                Some((r, s)) => (r, s.parse::<i32>().ok().filter(|s| *s > 0).ok_or("year: bad step")?),
                None => (f[5], 1),
            };
            let (a, b) = match range.split_once('-') {
                Some((a, b)) => (a.parse::<i32>(), b.parse::<i32>()),
                None => (range.parse::<i32>(), range.parse::<i32>()),
            };
            let (Ok(a), Ok(b)) = (a, b) else { return Err(format!("year: '{}' is not a year or range", f[5])) };
            Some((a, b, step))
        } else {
            None
        };
        let restricted = |t: &str| t != "*" && t != "?";
        Ok(Cron {
            minutes,
            hours,
            days,
            months,
            weekdays,
            years,
            days_or_weekdays: restricted(f[2]) && restricted(f[4]),
        })
    }

    fn day_matches(&self, d: NaiveDate) -> bool {
        if self.months & (1 << d.month()) == 0 {
            return false;
        }
        if let Some((a, b, step)) = self.years {
            if d.year() < a || d.year() > b || (d.year() - a) % step != 0 {
                return false;
            }
        }
        let dom = self.days & (1 << d.day()) != 0;
        let dow = self.weekdays & (1 << d.weekday().num_days_from_sunday()) != 0;
        if self.days_or_weekdays {
            dom || dow
        } else {
            dom && dow
        }
    }

    fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        let mut day = start.date_naive();
        // A year field that starts later: begin there.
        if let Some((first, _, _)) = self.years.filter(|(first, _, _)| *first > day.year()) {
            day = NaiveDate::from_ymd_opt(first, 1, 1)?;
        }
        // Five years of days: far enough for any expression that can fire at all.
        for _ in 0..(366 * 5) {
            if self.day_matches(day) {
                let (h0, m0) = if day == start.date_naive() { (start.hour(), start.minute()) } else { (0, 0) };
                for h in h0..24 {
                    if self.hours & (1 << h) == 0 {
                        continue;
                    }
                    let from = if h == h0 { m0 } else { 0 };
                    if let Some(m) = (from..60).find(|m| self.minutes & (1 << m) != 0) {
                        return Utc.from_utc_datetime(&day.and_hms_opt(h, m, 0)?).into();
                    }
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn next(expr: &str, after: &str) -> String {
        let e = Expr::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        e.next_after(at(after), at(after)).map(|t| t.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn crontab_lines_fire_on_the_next_matching_minute() {
        assert_eq!(next("*/15 * * * *", "2026-11-27T10:07:30Z"), "2026-11-27T10:15:00+00:00");
        assert_eq!(next("0 9 * * MON-FRI", "2026-11-27T10:00:00Z"), "2026-11-30T09:00:00+00:00"); // a Friday → Monday
        assert_eq!(next("30 2 1 * *", "2026-11-27T00:00:00Z"), "2026-12-01T02:30:00+00:00");
        assert_eq!(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00+00:00");
        assert_eq!(next("0 12 * * 0", "2026-11-27T00:00:00Z"), "2026-11-29T12:00:00+00:00"); // Sunday as 0
        assert_eq!(next("0 12 * * 7", "2026-11-27T00:00:00Z"), "2026-11-29T12:00:00+00:00"); // and as 7
                                                                                             // Day of month and day of week both given: either matches.
        assert_eq!(next("0 0 1 * FRI", "2026-11-27T00:00:00Z"), "2026-12-01T00:00:00+00:00");
        assert_eq!(next("5,10-12 8 * JAN *", "2026-11-27T00:00:00Z"), "2027-01-01T08:05:00+00:00");
    }

    #[test]
    fn aws_cron_uses_eventbridge_fields() {
        // 1 = Sunday, and a year field.
        assert_eq!(next("cron(0 12 ? * 1 *)", "2026-11-27T00:00:00Z"), "2026-11-29T12:00:00+00:00");
        assert_eq!(next("cron(0 8 1 * ? 2028)", "2026-11-27T00:00:00Z"), "2028-01-01T08:00:00+00:00");
        assert_eq!(next("cron(0/30 * * * ? *)", "2026-11-27T10:29:59Z"), "2026-11-27T10:30:00+00:00");
        assert_eq!(next("cron(0 8 1 * ? 2020)", "2026-11-27T00:00:00Z"), "", "a past year never fires");
        assert_eq!(next("cron(0 0 1 1 ? 2099)", "2026-11-27T00:00:00Z"), "2099-01-01T00:00:00+00:00");
    }

    #[test]
    fn rates_count_from_their_anchor() {
        let e = Expr::parse("rate(5 minutes)").unwrap_or_else(|e| panic!("{e}"));
        let anchor = at("2026-11-27T10:00:00Z");
        assert_eq!(e.next_after(at("2026-11-27T09:00:00Z"), anchor), Some(anchor));
        assert_eq!(e.next_after(anchor, anchor), Some(at("2026-11-27T10:05:00Z")));
        assert_eq!(e.next_after(at("2026-11-27T10:12:00Z"), anchor), Some(at("2026-11-27T10:15:00Z")));
        assert_eq!(Expr::parse("rate(1 second)"), Ok(Expr::Rate(Duration::seconds(1))));
        assert_eq!(Expr::parse("rate(2 days)"), Ok(Expr::Rate(Duration::days(2))));
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        let err = |e: &str| Expr::parse(e).err().unwrap_or_default();
        assert!(err("rate(0 minutes)").contains("positive"));
        assert!(err("rate(1 minutes)").contains("singular"));
        assert!(err("rate(5 weeks)").contains("unit"));
        assert!(err("cron(0 12 * * ?)").contains("six fields"));
        assert!(err("61 * * * *").contains("minutes: '61'"));
        assert!(err("0 0 L * *").contains("not supported"));
        assert!(err("0 0 * * 1#2").contains("not supported"));
        assert!(err("0 5-2 * * *").contains("backwards"));
        assert!(err("every day").contains("not a schedule expression"));
    }
}
