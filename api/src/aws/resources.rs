//! What the AWS protocol keeps beside the engine: resource tags, state machine aliases, the
//! alias each execution was started through, and the last version number of each state
//! machine (AWS never reuses a number, even after the version is deleted). Held in memory.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

/// A state machine alias: a name routing executions to one or two versions by weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub arn: String,
    pub name: String,
    /// The state machine (unqualified ARN) the alias belongs to.
    pub state_machine_arn: String,
    pub description: Option<String>,
    /// (version ARN, weight); weights add up to 100.
    pub routing: Vec<(String, u64)>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

#[derive(Default)]
pub struct AwsState {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Resource ARN → tags in the order they were first set.
    tags: HashMap<String, Vec<(String, String)>>,
    aliases: HashMap<String, Alias>,
    execution_aliases: HashMap<String, String>,
    last_version: HashMap<String, u64>,
}

impl AwsState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn tags(&self, arn: &str) -> Vec<(String, String)> {
        self.lock().tags.get(arn).cloned().unwrap_or_default()
    }

    /// Adds or overwrites tags.
    pub fn tag(&self, arn: &str, tags: Vec<(String, String)>) {
        let mut g = self.lock();
        let current = g.tags.entry(arn.to_string()).or_default();
        for (k, v) in tags {
            match current.iter_mut().find(|(ck, _)| *ck == k) {
                Some(slot) => slot.1 = v,
                None => current.push((k, v)),
            }
        }
    }

    pub fn untag(&self, arn: &str, keys: &[String]) {
        if let Some(current) = self.lock().tags.get_mut(arn) {
            current.retain(|(k, _)| !keys.contains(k));
        }
    }

    /// Forgets everything about a deleted resource.
    pub fn forget(&self, arn: &str) {
        let mut g = self.lock();
        g.tags.remove(arn);
        let prefix = format!("{arn}:");
        g.aliases.retain(|a, _| !a.starts_with(&prefix));
    }

    /// The number the next version of `state_machine` gets, at least `after + 1`.
    pub fn next_version(&self, state_machine: &str, after: u64) -> u64 {
        let mut g = self.lock();
        let last = g.last_version.entry(state_machine.to_string()).or_insert(0);
        *last = (*last).max(after) + 1;
        *last
    }

    pub fn alias(&self, arn: &str) -> Option<Alias> {
        self.lock().aliases.get(arn).cloned()
    }

    pub fn put_alias(&self, alias: Alias) {
        self.lock().aliases.insert(alias.arn.clone(), alias);
    }

    pub fn remove_alias(&self, arn: &str) {
        self.lock().aliases.remove(arn);
    }

    /// The aliases of a state machine, oldest first.
    pub fn aliases_of(&self, state_machine: &str) -> Vec<Alias> {
        let mut v: Vec<Alias> =
            self.lock().aliases.values().filter(|a| a.state_machine_arn == state_machine).cloned().collect();
        v.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name)));
        v
    }

    pub fn set_execution_alias(&self, execution: &str, alias: &str) {
        self.lock().execution_aliases.insert(execution.to_string(), alias.to_string());
    }

    pub fn execution_alias(&self, execution: &str) -> Option<String> {
        self.lock().execution_aliases.get(execution).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_their_order_and_are_overwritten_in_place() {
        let s = AwsState::default();
        s.tag("a", vec![("k1".into(), "v1".into()), ("k2".into(), "v2".into())]);
        s.tag("a", vec![("k1".into(), "new".into())]);
        assert_eq!(s.tags("a"), vec![("k1".to_string(), "new".to_string()), ("k2".into(), "v2".into())]);
        s.untag("a", &["k1".into(), "absent".into()]);
        assert_eq!(s.tags("a"), vec![("k2".to_string(), "v2".to_string())]);
    }

    #[test]
    fn version_numbers_are_never_reused() {
        let s = AwsState::default();
        assert_eq!(s.next_version("sm", 0), 1);
        assert_eq!(s.next_version("sm", 0), 2);
        // Versions found in the store (after a restart) move the counter on.
        assert_eq!(s.next_version("sm", 7), 8);
        assert_eq!(s.next_version("other", 0), 1);
    }
}
