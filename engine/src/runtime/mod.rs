//! The driver: runs each execution as an actor that commits the interpreter's events to the store
//! and only then carries out its commands (task calls, timers), feeding results back as signals.

mod actor;
pub mod callbacks;
mod entropy;
mod nested;
mod parking;
mod redrive;
mod tasks;
pub mod test_state;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use serde_json::Value;
use state_lang::StateMachine;
use tokio::sync::{broadcast, mpsc, watch};

pub use entropy::RngEntropy;

use crate::clock::{Clock, SystemClock, TimeScale};
use crate::context::ExecInfo;
use crate::interp::{ExecStatus, Interpreter, Signal};
use crate::invoker::TaskInvoker;
use crate::store::{ExecutionFilter, ExecutionRecord, MachineType, StateMachineRecord, Store};
use crate::EngineError;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub region: String,
    pub account: String,
    pub time_scale: TimeScale,
    pub default_role_arn: String,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            region: "us-east-1".into(),
            account: "000000000000".into(),
            time_scale: TimeScale::REAL,
            default_role_arn: "arn:aws:iam::000000000000:role/cairn".into(),
        }
    }
}

/// A handle to the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    invoker: Arc<dyn TaskInvoker>,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
    machines: Mutex<HashMap<String, (String, Arc<StateMachine>)>>,
    running: Mutex<HashMap<String, Running>>,
    events: broadcast::Sender<Arc<Committed>>,
    callbacks: callbacks::Callbacks,
    /// Told when an execution's actor ends for good (see [`Engine::wait_for`]).
    waiters: Mutex<HashMap<String, watch::Sender<bool>>>,
    parking: parking::Parking,
    /// `aws-sdk:*` integrations answered in-process (see [`Engine::set_sdk_service`]).
    sdk: std::sync::OnceLock<std::sync::Weak<dyn crate::invoker::SdkService>>,
}

/// Events of one execution, just committed (for live views: progress, server-sent events).
#[derive(Debug)]
pub struct Committed {
    pub execution_arn: String,
    pub status: ExecStatus,
    pub events: Arc<[crate::history::HistoryEvent]>,
}

/// An execution in memory. Signals are sent under the `running` lock, so that an actor can
/// check that none is queued before it parks.
struct Running {
    tx: mpsc::UnboundedSender<Signal>,
    input: Value,
}

/// What to start.
pub struct StartRequest {
    pub state_machine_arn: String,
    pub name: Option<String>,
    pub input: Value,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, invoker: Arc<dyn TaskInvoker>, config: EngineConfig) -> Self {
        Self::with_clock(store, invoker, Arc::new(SystemClock), config)
    }

    pub fn with_clock(
        store: Arc<dyn Store>,
        invoker: Arc<dyn TaskInvoker>,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Self {
        Engine {
            inner: Arc::new(Inner {
                store,
                invoker,
                clock,
                config,
                machines: Mutex::new(HashMap::new()),
                running: Mutex::new(HashMap::new()),
                events: broadcast::channel(4096).0,
                callbacks: callbacks::Callbacks::default(),
                waiters: Mutex::new(HashMap::new()),
                parking: parking::Parking::default(),
                sdk: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Every commit from now on, for live views. A slow receiver misses events (it is told so by
    /// `RecvError::Lagged`) and should re-read the history.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Committed>> {
        self.inner.events.subscribe()
    }

    fn publish(&self, execution_arn: &str, status: ExecStatus, events: &Arc<[crate::history::HistoryEvent]>) {
        if self.inner.events.receiver_count() > 0 && !events.is_empty() {
            let _ = self.inner.events.send(Arc::new(Committed {
                execution_arn: execution_arn.to_string(),
                status,
                events: events.clone(),
            }));
        }
    }

    /// Who answers `arn:aws:states:::aws-sdk:<service>:<action>` Tasks (the AWS API layer, for
    /// `sfn`). Set once; later calls are ignored. Without it such Tasks fail naming the resource.
    pub fn set_sdk_service(&self, service: std::sync::Weak<dyn crate::invoker::SdkService>) {
        let _ = self.inner.sdk.set(service);
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The ARN of a state machine in the engine's default region and account.
    pub fn state_machine_arn(&self, name: &str) -> String {
        let c = &self.inner.config;
        state_machine_arn(&c.region, &c.account, name)
    }

    /// Validates and stores a state machine in the engine's default region and account.
    pub async fn create_state_machine(
        &self,
        name: &str,
        definition: &str,
        machine_type: MachineType,
        role_arn: Option<String>,
    ) -> Result<StateMachineRecord, EngineError> {
        let arn = self.state_machine_arn(name);
        self.create_state_machine_at(arn, name, definition, machine_type, role_arn).await
    }

    /// Validates and stores a state machine under a given ARN (the caller's region and account).
    pub async fn create_state_machine_at(
        &self,
        arn: String,
        name: &str,
        definition: &str,
        machine_type: MachineType,
        role_arn: Option<String>,
    ) -> Result<StateMachineRecord, EngineError> {
        let machine =
            state_lang::load(definition).map_err(|d| EngineError::InvalidDefinition(describe_diagnostics(&d)))?;
        let now = self.inner.clock.now();
        let rec = StateMachineRecord {
            arn,
            name: name.to_string(),
            definition: definition.to_string(),
            machine_type,
            role_arn: role_arn.unwrap_or_else(|| self.inner.config.default_role_arn.clone()),
            created: now,
            updated: now,
            description: None,
        };
        self.inner.store.put_state_machine(rec.clone(), false).await?;
        self.lock_machines().insert(rec.arn.clone(), (rec.definition.clone(), Arc::new(machine)));
        Ok(rec)
    }

    fn lock_machines(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Arc<StateMachine>)>> {
        self.inner.machines.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Running>> {
        self.inner.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The parsed machine for a stored record (parsed once per definition).
    fn machine_for(&self, rec: &StateMachineRecord) -> Result<Arc<StateMachine>, EngineError> {
        self.machine_for_definition(&rec.arn, &rec.definition)
    }

    /// The parsed machine of a definition of a state machine (an execution keeps the definition
    /// it started with, even after the machine is updated).
    fn machine_for_definition(&self, arn: &str, definition: &str) -> Result<Arc<StateMachine>, EngineError> {
        if let Some((def, m)) = self.lock_machines().get(arn) {
            if def == definition {
                return Ok(m.clone());
            }
        }
        let m = Arc::new(
            state_lang::load(definition).map_err(|d| EngineError::InvalidDefinition(describe_diagnostics(&d)))?,
        );
        self.lock_machines().insert(arn.to_string(), (definition.to_string(), m.clone()));
        Ok(m)
    }

    /// Starts an execution and returns its record once the first step is committed.
    pub async fn start_execution(&self, req: StartRequest) -> Result<ExecutionRecord, EngineError> {
        // `…:stateMachine:Name#Case` runs the mock configuration's test case `Case`.
        let (sm_arn, test_case) = match req.state_machine_arn.split_once('#') {
            Some((arn, case)) if !case.is_empty() => (arn, Some(case.to_string())),
            _ => (req.state_machine_arn.as_str(), None),
        };
        let sm = self
            .inner
            .store
            .get_state_machine(sm_arn)
            .await?
            .ok_or_else(|| EngineError::StateMachineDoesNotExist(req.state_machine_arn.clone()))?;
        let machine = self.machine_for(&sm)?;
        let entropy = RngEntropy::new();
        let name = req.name.clone().unwrap_or_else(|| state_lang::Entropy::uuid_v4(&entropy));
        // arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME → the execution's ARN.
        let prefix = sm.arn.splitn(6, ':').take(5).collect::<Vec<_>>().join(":");
        let arn = match sm.machine_type {
            MachineType::Standard => format!("{prefix}:execution:{}:{}", sm.name, name),
            MachineType::Express => {
                format!("{prefix}:express:{}:{}:{}", sm.name, name, state_lang::Entropy::uuid_v4(&entropy))
            }
        };
        if let Some(existing) = self.inner.store.get_execution(&arn).await? {
            let same_running = existing.status == ExecStatus::Running && existing.input == req.input;
            return if same_running { Ok(existing) } else { Err(EngineError::ExecutionAlreadyExists(arn)) };
        }
        let now = self.inner.clock.now();
        let info = ExecInfo {
            arn: arn.clone(),
            name: name.clone(),
            state_machine_arn: sm.arn.clone(),
            state_machine_name: sm.name.clone(),
            role_arn: sm.role_arn.clone(),
            start_time: now,
            input: req.input.clone().into(),
            redrive_count: 0,
            test_case,
        };
        let (state, step) = Interpreter::start(&machine, info, now, &entropy);
        let mut record = ExecutionRecord {
            arn: arn.clone(),
            name,
            state_machine_arn: sm.arn.clone(),
            status: ExecStatus::Running,
            start: now,
            stop: None,
            input: req.input.clone(),
            output: None,
            error: None,
            cause: None,
            redrive_count: 0,
        };
        if let Some(t) = &step.terminal {
            record.apply_terminal(t, now);
        }
        let events: Arc<[crate::history::HistoryEvent]> = step.events.into();
        self.inner.store.create_execution_shared(&record, &state, events.clone()).await?;
        self.publish(&arn, record.status, &events);
        if record.status.is_terminal() {
            return Ok(record);
        }
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock_running().insert(arn.clone(), Running { tx: tx.clone(), input: req.input });
        let actor = actor::Actor::new(self.clone(), machine, state, record.clone(), tx, entropy);
        tokio::spawn(actor.run(rx, step.commands));
        Ok(record)
    }

    /// Waits until the execution is no longer running (or its actor gave up on a failed commit),
    /// then returns its record.
    pub async fn wait_for(&self, arn: &str) -> Result<ExecutionRecord, EngineError> {
        let mut done = {
            let mut waiters = self.inner.waiters.lock().unwrap_or_else(|p| p.into_inner());
            waiters.entry(arn.to_string()).or_insert_with(|| watch::channel(false).0).subscribe()
        };
        // Subscribed first, read second: an end between the two is not missed.
        let rec = self.describe_execution(arn).await?;
        if rec.status.is_terminal() {
            return Ok(rec);
        }
        // With a store shared by several processes another one may end the execution: look at
        // the store now and then too.
        let shared = self.inner.store.claim_interval().is_some();
        while !*done.borrow_and_update() {
            if shared {
                tokio::select! {
                    changed = done.changed() => if changed.is_err() { break },
                    _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                        let rec = self.describe_execution(arn).await?;
                        if rec.status.is_terminal() {
                            return Ok(rec);
                        }
                    }
                }
            } else if done.changed().await.is_err() {
                break;
            }
        }
        self.describe_execution(arn).await
    }

    /// The definition an execution runs (or ran): the one it started with, which an update of
    /// its state machine since does not change; `None` when the store keeps no such copy.
    pub async fn execution_definition(&self, arn: &str) -> Result<Option<String>, EngineError> {
        self.inner.store.execution_definition(arn).await
    }

    pub async fn describe_execution(&self, arn: &str) -> Result<ExecutionRecord, EngineError> {
        self.inner.store.get_execution(arn).await?.ok_or_else(|| EngineError::ExecutionDoesNotExist(arn.to_string()))
    }

    pub async fn list_executions(&self, filter: ExecutionFilter) -> Result<Vec<ExecutionRecord>, EngineError> {
        self.inner.store.list_executions(filter).await
    }

    pub async fn history(&self, arn: &str) -> Result<Vec<crate::history::HistoryEvent>, EngineError> {
        self.inner.store.history(arn, 0, 0).await
    }

    /// Stops a running execution (ABORTED).
    pub async fn stop_execution(
        &self,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<ExecutionRecord, EngineError> {
        let rec = self.describe_execution(arn).await?;
        if rec.status.is_terminal() {
            return Ok(rec);
        }
        self.signal(arn, Signal::Stop { error, cause });
        self.wait_for(arn).await
    }

    /// Is this execution's input the one it was started with (for name idempotency)?
    pub fn running_input(&self, arn: &str) -> Option<Value> {
        self.lock_running().get(arn).map(|r| r.input.clone())
    }

    /// Deletes finished executions older than `keep`, now and then every hour (AWS keeps closed
    /// executions for 90 days).
    pub fn start_retention(&self, keep: chrono::Duration) {
        let engine = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            loop {
                let Some(inner) = engine.upgrade() else { return };
                let cutoff = inner.clock.now() - keep;
                match inner.store.delete_finished_before(cutoff).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "finished executions past retention deleted"),
                    Err(e) => tracing::warn!(error = %e, "cannot delete old executions"),
                }
                drop(inner);
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            }
        });
    }

    fn is_running(&self, arn: &str) -> bool {
        self.lock_running().contains_key(arn)
    }

    /// Sends a signal to an execution, bringing it back into memory if it is parked (dropped
    /// when the execution has finished).
    fn signal(&self, arn: &str, signal: Signal) {
        let local = self.lock_running().contains_key(arn);
        if local || self.inner.store.claim_interval().is_none() {
            return self.activate(arn, Some(signal));
        }
        // Shared store: the execution may be advanced by another process.
        let engine = self.clone();
        let arn = arn.to_string();
        tokio::spawn(async move {
            match engine.inner.store.forward_signal(&arn, &signal).await {
                Ok(true) => {}
                Ok(false) => engine.activate(&arn, Some(signal)),
                Err(e) => {
                    tracing::warn!(execution = %arn, error = %e, "cannot forward a signal; delivering it here");
                    engine.activate(&arn, Some(signal));
                }
            }
        });
    }

    /// The execution's actor ended for good: forget it and tell whoever waits.
    fn finished(&self, arn: &str) {
        self.lock_running().remove(arn);
        let waiter = self.inner.waiters.lock().unwrap_or_else(|p| p.into_inner()).remove(arn);
        if let Some(w) = waiter {
            let _ = w.send(true);
        }
    }

    /// Executions in memory and executions parked (for benchmarks and metrics).
    pub fn load_figures(&self) -> (usize, usize) {
        (self.lock_running().len(), self.inner.parking.len())
    }

    fn now(&self) -> chrono::DateTime<Utc> {
        self.inner.clock.now()
    }
}

pub fn state_machine_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:states:{region}:{account}:stateMachine:{name}")
}

/// One line per diagnostic, as AWS lists validation problems.
pub fn describe_diagnostics(d: &[state_lang::Diagnostic]) -> String {
    d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ")
}
