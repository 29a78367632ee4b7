//! The bench's result: one row per figure, with every run's value and their median, printed as a
//! table or as JSON.

use serde::Serialize;

use super::measure::median;

/// One figure of one workload.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Stable identifier (`transitions.sqlite`, `map.peak_rss_mb`), for scripts.
    pub id: String,
    pub workload: String,
    pub metric: String,
    pub unit: String,
    /// The median of `runs`; `None` when skipped.
    pub median: Option<f64>,
    pub runs: Vec<f64>,
    /// Why the row has no figure (no PostgreSQL configured, no `/proc`, a failed run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl Row {
    pub fn measured(id: &str, workload: &str, metric: &str, unit: &str, runs: Vec<f64>) -> Self {
        Row {
            id: id.into(),
            workload: workload.into(),
            metric: metric.into(),
            unit: unit.into(),
            median: Some(median(&runs)).filter(|m| !m.is_nan()),
            runs,
            skipped: None,
        }
    }

    pub fn skipped(id: &str, workload: &str, metric: &str, unit: &str, reason: impl Into<String>) -> Self {
        Row {
            id: id.into(),
            workload: workload.into(),
            metric: metric.into(),
            unit: unit.into(),
            median: None,
            runs: Vec::new(),
            skipped: Some(reason.into()),
        }
    }
}

/// Everything `cairn bench` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub cores: usize,
    pub profile: String,
    pub runs: usize,
    pub clients: usize,
    pub rows: Vec<Row>,
}

impl Report {
    /// The table: a header line with the machine and the settings, then one line per row.
    pub fn table(&self) -> String {
        let mut out = format!(
            "cairn bench — {} cores, profile {}, median of {} run(s), {} concurrent clients\n\n",
            self.cores, self.profile, self.runs, self.clients
        );
        let w = self.rows.iter().map(|r| r.workload.chars().count()).max().unwrap_or(0).max("workload".len());
        let m = self.rows.iter().map(|r| r.metric.chars().count()).max().unwrap_or(0).max("figure".len());
        out.push_str(&format!("{:<w$}  {:<m$}  {:>12}  runs\n", "workload", "figure", "median"));
        for r in &self.rows {
            let (median, runs) = match (&r.skipped, r.median) {
                (Some(why), _) => ("—".to_string(), format!("skipped: {why}")),
                (None, Some(v)) => (number(v), r.runs.iter().map(|x| number(*x)).collect::<Vec<_>>().join(" ")),
                (None, None) => ("—".to_string(), String::new()),
            };
            out.push_str(&format!("{:<w$}  {:<m$}  {:>12}  {}\n", r.workload, r.metric, median, runs));
        }
        out
    }
}

/// A count with thousands separators.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let head = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        r => r,
    };
    let mut grouped = digits[..head].to_string();
    for group in digits.as_bytes()[head..].chunks(3) {
        grouped.push(',');
        grouped.extend(group.iter().map(|&b| char::from(b)));
    }
    grouped
}

/// A figure with the precision it deserves: thousands separators for large ones, three
/// significant digits for small ones.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    if a >= 1000.0 {
        let grouped = count(a.round() as usize);
        if x < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        }
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_or_rounded() {
        assert_eq!(number(512_345.6), "512,346");
        assert_eq!(number(1000.0), "1,000");
        assert_eq!(number(-2500.0), "-2,500");
        assert_eq!(number(123.4), "123");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(1.234), "1.23");
        assert_eq!(number(0.1234), "0.123");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(100), "100");
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn the_table_has_a_line_per_row_and_says_why_a_row_is_skipped() {
        let report = Report {
            cores: 2,
            profile: "quick".into(),
            runs: 3,
            clients: 200,
            rows: vec![
                Row::measured("a", "Pass chain", "transitions/s", "1/s", vec![3.0, 1.0, 2.0]),
                Row::skipped("b", "PostgreSQL", "transitions/s", "1/s", "no URL"),
            ],
        };
        let t = report.table();
        assert!(t.starts_with("cairn bench — 2 cores, profile quick, median of 3 run(s)"), "{t}");
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5, "{t}");
        assert!(lines[3].contains("2.00") && lines[3].ends_with("3.00 1.00 2.00"), "{t}");
        assert!(lines[4].ends_with("skipped: no URL"), "{t}");
        let v = serde_json::to_value(&report).unwrap();
        assert_eq!(v["rows"][0]["median"], serde_json::json!(2.0));
        assert_eq!(v["rows"][1]["median"], serde_json::Value::Null);
        assert_eq!(v["rows"][1]["skipped"], serde_json::json!("no URL"));
    }
}
