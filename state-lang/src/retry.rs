//! Retry and Catch: which retrier or catcher handles an error, and the back-off arithmetic.

use crate::env::Entropy;
use crate::failure::StatesError;
use crate::model::{Catcher, JitterStrategy, Retrier};

/// Does `ErrorEquals` match `error`? `States.ALL` matches everything but `States.Runtime`, which AWS
/// never retries or catches through a wildcard; `States.TaskFailed` matches everything a Task can
/// raise except `States.Timeout` and `States.Runtime`.
pub fn error_matches(error_equals: &[String], error: &str) -> bool {
    error_equals.iter().any(|e| {
        if e == error {
            return true;
        }
        let terminal = error == StatesError::Runtime.as_str();
        match e.as_str() {
            "States.ALL" => !terminal,
            "States.TaskFailed" => !terminal && error != StatesError::Timeout.as_str(),
            _ => false,
        }
    })
}

/// The first retrier whose `ErrorEquals` matches, with its index.
pub fn find_retrier<'a>(retry: &'a [Retrier], error: &str) -> Option<(usize, &'a Retrier)> {
    retry.iter().enumerate().find(|(_, r)| error_matches(&r.error_equals, error))
}

/// The first catcher whose `ErrorEquals` matches.
pub fn find_catcher<'a>(catch: &'a [Catcher], error: &str) -> Option<&'a Catcher> {
    catch.iter().find(|c| error_matches(&c.error_equals, error))
}

/// The delay in seconds before retry number `retries_done + 1`, or `None` when the retrier's
/// `MaxAttempts` is used up. `IntervalSeconds × BackoffRate^retries_done`, capped by
/// `MaxDelaySeconds`; with `JitterStrategy: FULL` a uniformly random delay between 0 and that.
pub fn retry_delay(r: &Retrier, retries_done: u64, entropy: &dyn Entropy) -> Option<f64> {
    if retries_done >= r.max_attempts {
        return None;
    }
    let exp = i32::try_from(retries_done).unwrap_or(i32::MAX);
    let mut delay = r.interval_seconds as f64 * r.backoff_rate.powi(exp);
    if let Some(max) = r.max_delay_seconds {
        delay = delay.min(max as f64);
    }
    // AWS caps every retry interval at one year.
    delay = delay.min(31_622_400.0);
    if r.jitter == JitterStrategy::Full {
        delay *= entropy.next_f64();
    }
    Some(delay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::SeededEntropy;

    fn retrier(interval: u64, attempts: u64, rate: f64, max: Option<u64>, jitter: JitterStrategy) -> Retrier {
        Retrier {
            error_equals: vec!["States.ALL".into()],
            interval_seconds: interval,
            max_attempts: attempts,
            backoff_rate: rate,
            max_delay_seconds: max,
            jitter,
        }
    }

    #[test]
    fn backoff_grows_geometrically_until_max_attempts() {
        let e = SeededEntropy::new(1);
        let r = retrier(2, 3, 2.0, None, JitterStrategy::None);
        assert_eq!(retry_delay(&r, 0, &e), Some(2.0));
        assert_eq!(retry_delay(&r, 1, &e), Some(4.0));
        assert_eq!(retry_delay(&r, 2, &e), Some(8.0));
        assert_eq!(retry_delay(&r, 3, &e), None);
    }

    #[test]
    fn max_delay_caps_the_interval() {
        let e = SeededEntropy::new(1);
        let r = retrier(3, 10, 3.0, Some(20), JitterStrategy::None);
        assert_eq!(retry_delay(&r, 1, &e), Some(9.0));
        assert_eq!(retry_delay(&r, 2, &e), Some(20.0));
        assert_eq!(retry_delay(&r, 9, &e), Some(20.0));
    }

    #[test]
    fn zero_max_attempts_never_retries() {
        let e = SeededEntropy::new(1);
        assert_eq!(retry_delay(&retrier(1, 0, 2.0, None, JitterStrategy::None), 0, &e), None);
    }

    #[test]
    fn full_jitter_stays_within_the_capped_delay() {
        let e = SeededEntropy::new(7);
        let r = retrier(10, 100, 2.0, Some(30), JitterStrategy::Full);
        let mut distinct = std::collections::HashSet::new();
        for n in 0..50 {
            let d = retry_delay(&r, n, &e).unwrap();
            assert!((0.0..=30.0).contains(&d), "{d}");
            distinct.insert(d.to_bits());
        }
        assert!(distinct.len() > 40, "jitter should vary");
    }

    #[test]
    fn states_all_does_not_match_runtime_errors() {
        let all = vec!["States.ALL".to_string()];
        assert!(error_matches(&all, "MyError"));
        assert!(error_matches(&all, "States.Timeout"));
        assert!(!error_matches(&all, "States.Runtime"));
        assert!(error_matches(&all, "States.DataLimitExceeded"));
        assert!(error_matches(&["States.Runtime".to_string()], "States.Runtime"));
    }

    #[test]
    fn task_failed_matches_all_but_timeout() {
        let tf = vec!["States.TaskFailed".to_string()];
        assert!(error_matches(&tf, "Lambda.Unknown"));
        assert!(!error_matches(&tf, "States.Timeout"));
    }
}
