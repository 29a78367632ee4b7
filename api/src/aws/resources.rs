//! What the AWS protocol keeps beside the engine: resource tags, state machine aliases, the
//! alias each execution was started through, and the last version number of each state
//! machine (AWS never reuses a number, even after the version is deleted). Held in memory and
//! written through to the engine's store, from which [`AwsState::restore`] reads it back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use engine::store::{Store, StoreResult};
use serde::{Deserialize, Serialize};

/// A state machine alias: a name routing executions to one or two versions by weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The kinds of documents kept in the store.
const TAGS: &str = "tags";
const ALIAS: &str = "alias";
const LAST_VERSION: &str = "last-version";
const EXECUTION_ALIAS: &str = "execution-alias";

pub struct AwsState {
    inner: Mutex<Inner>,
    store: Arc<dyn Store>,
    /// Held by each change (memory, then store) and by a read-back, so that a read-back never
    /// lands between the two halves of a change.
    gate: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Inner {
    /// Resource ARN → tags in the order they were first set.
    tags: HashMap<String, Vec<(String, String)>>,
    aliases: HashMap<String, Alias>,
    execution_aliases: HashMap<String, String>,
    last_version: HashMap<String, u64>,
}

fn text<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl AwsState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        AwsState { inner: Mutex::new(Inner::default()), store, gate: tokio::sync::Mutex::new(()) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads back what the store keeps, replacing what is held: at start, and periodically when
    /// other servers share the database (see [`crate::cli`]'s `serve`).
    pub async fn restore(&self) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        let tags = self.store.list_resources(TAGS).await?;
        let aliases = self.store.list_resources(ALIAS).await?;
        let versions = self.store.list_resources(LAST_VERSION).await?;
        let executions = self.store.list_resources(EXECUTION_ALIAS).await?;
        let mut fresh = Inner::default();
        for (arn, body) in tags {
            if let Ok(t) = serde_json::from_str(&body) {
                fresh.tags.insert(arn, t);
            }
        }
        for (arn, body) in aliases {
            if let Ok(a) = serde_json::from_str(&body) {
                fresh.aliases.insert(arn, a);
            }
        }
        for (arn, body) in versions {
            if let Ok(n) = body.parse() {
                fresh.last_version.insert(arn, n);
            }
        }
        for (arn, body) in executions {
            if let Ok(a) = serde_json::from_str(&body) {
                fresh.execution_aliases.insert(arn, a);
            }
        }
        let mut g = self.lock();
        // A version number handed out here but not yet read back is kept: numbers never go back.
        for (arn, n) in &g.last_version {
            let kept = fresh.last_version.entry(arn.clone()).or_insert(*n);
            *kept = (*kept).max(*n);
        }
        *g = fresh;
        Ok(())
    }

    pub fn tags(&self, arn: &str) -> Vec<(String, String)> {
        self.lock().tags.get(arn).cloned().unwrap_or_default()
    }

    async fn save_tags(&self, arn: &str) -> StoreResult<()> {
        let body = self.lock().tags.get(arn).filter(|t| !t.is_empty()).map(text);
        self.store.put_resource(TAGS, arn, body.as_deref()).await
    }

    /// Adds or overwrites tags.
    pub async fn tag(&self, arn: &str, tags: Vec<(String, String)>) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        {
            let mut g = self.lock();
            let current = g.tags.entry(arn.to_string()).or_default();
            for (k, v) in tags {
                match current.iter_mut().find(|(ck, _)| *ck == k) {
                    Some(slot) => slot.1 = v,
                    None => current.push((k, v)),
                }
            }
        }
        self.save_tags(arn).await
    }

    pub async fn untag(&self, arn: &str, keys: &[String]) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        if let Some(current) = self.lock().tags.get_mut(arn) {
            current.retain(|(k, _)| !keys.contains(k));
        }
        self.save_tags(arn).await
    }

    /// Forgets everything about a deleted resource: its tags, and a state machine's aliases.
    pub async fn forget(&self, arn: &str) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        let gone: Vec<String> = {
            let mut g = self.lock();
            g.tags.remove(arn);
            let prefix = format!("{arn}:");
            let gone = g.aliases.keys().filter(|a| a.starts_with(&prefix)).cloned().collect();
            g.aliases.retain(|a, _| !a.starts_with(&prefix));
            gone
        };
        self.store.put_resource(TAGS, arn, None).await?;
        for a in gone {
            self.store.put_resource(TAGS, &a, None).await?;
            self.store.put_resource(ALIAS, &a, None).await?;
        }
        Ok(())
    }

    /// The number the next version of `state_machine` gets, at least `after + 1`.
    pub async fn next_version(&self, state_machine: &str, after: u64) -> StoreResult<u64> {
        let _gate = self.gate.lock().await;
        let n = {
            let mut g = self.lock();
            let last = g.last_version.entry(state_machine.to_string()).or_insert(0);
            *last = (*last).max(after) + 1;
            *last
        };
        self.store.put_resource(LAST_VERSION, state_machine, Some(&n.to_string())).await?;
        Ok(n)
    }

    pub fn alias(&self, arn: &str) -> Option<Alias> {
        self.lock().aliases.get(arn).cloned()
    }

    pub async fn put_alias(&self, alias: Alias) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        let (arn, body) = (alias.arn.clone(), text(&alias));
        self.lock().aliases.insert(arn.clone(), alias);
        self.store.put_resource(ALIAS, &arn, Some(&body)).await
    }

    pub async fn remove_alias(&self, arn: &str) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        self.lock().aliases.remove(arn);
        self.store.put_resource(ALIAS, arn, None).await?;
        self.lock().tags.remove(arn);
        self.store.put_resource(TAGS, arn, None).await
    }

    /// The aliases of a state machine, oldest first.
    pub fn aliases_of(&self, state_machine: &str) -> Vec<Alias> {
        let mut v: Vec<Alias> =
            self.lock().aliases.values().filter(|a| a.state_machine_arn == state_machine).cloned().collect();
        v.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name)));
        v
    }

    pub async fn set_execution_alias(&self, execution: &str, alias: &str) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        self.lock().execution_aliases.insert(execution.to_string(), alias.to_string());
        self.store.put_resource(EXECUTION_ALIAS, execution, Some(&text(&alias))).await
    }

    pub fn execution_alias(&self, execution: &str) -> Option<String> {
        self.lock().execution_aliases.get(execution).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> AwsState {
        AwsState::new(Arc::new(engine::store::memory::MemoryStore::new()))
    }

    #[tokio::test]
    async fn tags_keep_their_order_and_are_overwritten_in_place() {
        let s = state();
        s.tag("a", vec![("k1".into(), "v1".into()), ("k2".into(), "v2".into())]).await.unwrap();
        s.tag("a", vec![("k1".into(), "new".into())]).await.unwrap();
        assert_eq!(s.tags("a"), vec![("k1".to_string(), "new".to_string()), ("k2".into(), "v2".into())]);
        s.untag("a", &["k1".into(), "absent".into()]).await.unwrap();
        assert_eq!(s.tags("a"), vec![("k2".to_string(), "v2".to_string())]);
    }

    #[tokio::test]
    async fn version_numbers_are_never_reused() {
        let s = state();
        assert_eq!(s.next_version("sm", 0).await.unwrap(), 1);
        assert_eq!(s.next_version("sm", 0).await.unwrap(), 2);
        // Versions found in the store (after a restart) move the counter on.
        assert_eq!(s.next_version("sm", 7).await.unwrap(), 8);
        assert_eq!(s.next_version("other", 0).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn what_is_kept_comes_back_from_a_durable_store() {
        let dir = std::env::temp_dir().join(format!("cairn-resources-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}", dir.join("db.sqlite").display());
        std::fs::create_dir_all(&dir).unwrap();
        let lease = engine::store::postgres::LeaseConfig::default();
        let now = Utc::now();
        let alias = Alias {
            arn: "sm:live".into(),
            name: "live".into(),
            state_machine_arn: "sm".into(),
            description: Some("d".into()),
            routing: vec![("sm:1".into(), 60), ("sm:2".into(), 40)],
            created: now,
            updated: now,
        };
        {
            let s = AwsState::new(engine::store::open(&url, lease.clone()).await.unwrap());
            s.tag("sm", vec![("team".into(), "a".into()), ("env".into(), "b".into())]).await.unwrap();
            s.tag("gone", vec![("k".into(), "v".into())]).await.unwrap();
            s.untag("gone", &["k".into()]).await.unwrap();
            s.put_alias(alias.clone()).await.unwrap();
            s.put_alias(Alias { arn: "sm:old".into(), name: "old".into(), ..alias.clone() }).await.unwrap();
            s.remove_alias("sm:old").await.unwrap();
            assert_eq!(s.next_version("sm", 2).await.unwrap(), 3);
            s.set_execution_alias("exec", "sm:live").await.unwrap();
        }
        let s = AwsState::new(engine::store::open(&url, lease).await.unwrap());
        s.restore().await.unwrap();
        assert_eq!(s.tags("sm"), vec![("team".to_string(), "a".to_string()), ("env".into(), "b".into())]);
        assert!(s.tags("gone").is_empty());
        assert_eq!(s.alias("sm:live"), Some(alias));
        assert_eq!(s.alias("sm:old"), None);
        assert_eq!(s.next_version("sm", 0).await.unwrap(), 4);
        assert_eq!(s.execution_alias("exec").as_deref(), Some("sm:live"));
        s.forget("sm").await.unwrap();
        let again = AwsState::new(s.store.clone());
        again.restore().await.unwrap();
        assert!(again.tags("sm").is_empty());
        assert_eq!(again.alias("sm:live"), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
