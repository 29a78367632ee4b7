//! Task states: scheduling an attempt (with the events of its resource family), and its result,
//! failure or timeout.

use serde_json::{json, Map, Value};
use state_lang::{Dynamic, Env, Failure, State, StatesError, Task};

use super::complete::Origin;
use super::io::{json_size, CtxExtra, MAX_PAYLOAD_BYTES};
use super::{Active, Command, Entered, Frame, Interpreter, Pos, Signal, TaskCall, TaskFamily, TaskWork, Work};
use crate::history::{details, json_text};

/// How a resource ARN is reached and named in events.
pub struct ResourceInfo {
    pub family: TaskFamily,
    /// `resource` in `Task*` events (`invoke`, `invoke.waitForTaskToken`).
    pub resource: String,
    /// `resourceType` in `Task*` events (`lambda`, `states`, …).
    pub resource_type: String,
}

pub fn classify(resource: &str) -> ResourceInfo {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let service = parts.get(2).copied().unwrap_or("");
    if service == "lambda" && parts.get(5).is_some_and(|p| p.starts_with("function:")) {
        return ResourceInfo { family: TaskFamily::Lambda, resource: resource.into(), resource_type: "lambda".into() };
    }
    if service == "states" && parts.get(5).is_some_and(|p| p.starts_with("activity:")) {
        return ResourceInfo {
            family: TaskFamily::Activity,
            resource: resource.into(),
            resource_type: "activity".into(),
        };
    }
    // arn:aws:states:::lambda:invoke → resourceType "lambda", resource "invoke"
    let tail = parts.get(5).copied().unwrap_or("");
    let (rtype, rname) = tail.split_once(':').unwrap_or((tail, ""));
    ResourceInfo { family: TaskFamily::Service, resource: rname.into(), resource_type: rtype.into() }
}

fn is_callback(resource: &str) -> bool {
    resource.ends_with(".waitForTaskToken")
}

/// Does the task's result arrive after a first answer (`.sync`, `.sync:2`, `.waitForTaskToken`)?
pub fn is_two_phase(resource: &str) -> bool {
    is_callback(resource) || resource.ends_with(".sync") || resource.ends_with(".sync:2")
}

/// A task token: names the execution and the task attempt, plus 128 random bits so that it
/// cannot be guessed.
pub fn make_token(execution_arn: &str, task_id: u64, random: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{task_id}|{random}|{execution_arn}"))
}

/// The execution and task a well-formed token names.
pub fn parse_token(token: &str) -> Option<(String, u64)> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let mut parts = text.splitn(3, '|');
    let id = parts.next()?.parse().ok()?;
    let _random = parts.next()?;
    let arn = parts.next()?;
    arn.starts_with("arn:").then(|| (arn.to_string(), id))
}

impl<'a> Interpreter<'a> {
    pub(super) fn run_task(&mut self, frame: &mut Frame, st: &'a State, e: Entered, task: &'a Task) {
        let info = classify(&task.resource);
        let id = self.new_id();
        let token = (is_callback(&task.resource) || info.family == TaskFamily::Activity)
            .then(|| make_token(&self.info.arn, id, &self.entropy.uuid_v4().replace('-', "")));
        let extra = CtxExtra { token: token.as_deref(), map_item: None };
        let payload = match self.effective_input(st, &e, &frame.vars, extra) {
            Ok(p) => p,
            Err(f) => return self.fail(frame, st, e, f, Origin::Evaluation),
        };
        let timeouts =
            self.task_seconds(frame, st, &e, task.timeout_seconds.as_ref(), "TimeoutSeconds").and_then(|t| {
                Ok((t, self.task_seconds(frame, st, &e, task.heartbeat_seconds.as_ref(), "HeartbeatSeconds")?))
            });
        let (timeout, heartbeat) = match timeouts {
            Ok(x) => x,
            Err(f) => return self.fail(frame, st, e, f, Origin::Evaluation),
        };
        let mut last = frame.last_event;
        match info.family {
            TaskFamily::Lambda => {
                let mut d = Map::new();
                d.insert("input".into(), json!(json_text(&payload)));
                d.insert("inputDetails".into(), json!({"truncated": false}));
                d.insert("resource".into(), json!(task.resource));
                if let Some(t) = timeout {
                    d.insert("timeoutInSeconds".into(), json!(t));
                }
                self.emit(&mut last, frame.silent, "LambdaFunctionScheduled", Some(Value::Object(d)));
                self.emit(&mut last, frame.silent, "LambdaFunctionStarted", None);
            }
            TaskFamily::Activity => {
                let mut d = Map::new();
                d.insert("resource".into(), json!(task.resource));
                d.insert("input".into(), json!(json_text(&payload)));
                d.insert("inputDetails".into(), json!({"truncated": false}));
                if let Some(t) = timeout {
                    d.insert("timeoutInSeconds".into(), json!(t));
                }
                if let Some(h) = heartbeat {
                    d.insert("heartbeatInSeconds".into(), json!(h));
                }
                self.emit(&mut last, frame.silent, "ActivityScheduled", Some(Value::Object(d)));
            }
            TaskFamily::Service => {
                let mut d = Map::new();
                d.insert("resourceType".into(), json!(info.resource_type));
                d.insert("resource".into(), json!(info.resource));
                d.insert("region".into(), json!(self.region()));
                d.insert("parameters".into(), json!(json_text(&payload)));
                if let Some(t) = timeout {
                    d.insert("timeoutInSeconds".into(), json!(t));
                }
                if let Some(h) = heartbeat {
                    d.insert("heartbeatInSeconds".into(), json!(h));
                }
                self.emit(&mut last, frame.silent, "TaskScheduled", Some(Value::Object(d)));
                let started = json!({"resourceType": info.resource_type, "resource": info.resource});
                self.emit(&mut last, frame.silent, "TaskStarted", Some(started));
            }
        }
        frame.last_event = last;
        let timeout_timer = timeout.map(|secs| self.new_timer(self.now + chrono::Duration::seconds(secs as i64)));
        // An activity's heartbeat clock starts when a worker takes the task.
        let heartbeat_timer = match (heartbeat, info.family) {
            (Some(h), TaskFamily::Service | TaskFamily::Lambda) => {
                Some(self.new_timer(self.now + chrono::Duration::seconds(h as i64)))
            }
            _ => None,
        };
        self.step.commands.push(Command::Invoke(TaskCall {
            id,
            state_name: st.name.clone(),
            attempt_key: format!("{}/{}", self.info.arn, id),
            family: info.family,
            resource: task.resource.clone(),
            payload: payload.clone(),
            heartbeat_seconds: heartbeat,
            task_token: token.clone(),
        }));
        let work = TaskWork {
            id,
            state_name: st.name.clone(),
            family: info.family,
            resource: task.resource.clone(),
            payload,
            timeout_timer,
            heartbeat_seconds: heartbeat,
            heartbeat_timer,
            token,
        };
        frame.pos = Pos::Active(Box::new(Active { entered: e, work: Work::Task(work) }));
    }

    fn region(&self) -> &str {
        self.info.state_machine_arn.split(':').nth(3).unwrap_or("us-east-1")
    }

    fn task_seconds(
        &self,
        frame: &Frame,
        st: &State,
        e: &Entered,
        d: Option<&Dynamic<u64>>,
        field: &str,
    ) -> Result<Option<u64>, Failure> {
        let Some(d) = d else { return Ok(None) };
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let r = (|| match d {
            Dynamic::Literal(n) => Ok(*n),
            Dynamic::Path(p) => {
                let v = p.eval(&e.input, &env, &format!("{field}Path"))?;
                v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                    Failure::states(
                        StatesError::Runtime,
                        format!("The {field}Path parameter cannot be parsed as a positive long value: {v}"),
                    )
                })
            }
            Dynamic::Jsonata(x) => {
                let states = Self::states_object(&e.input, ctx.clone(), None, None);
                let v = x.eval(&states, &env)?;
                v.as_ref().and_then(|v| v.as_u64()).filter(|n| *n > 0).ok_or_else(|| {
                    Failure::states(
                        StatesError::QueryEvaluationError,
                        format!(
                            "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected 'integer', but was '{}' for value: {}",
                            x.as_str(),
                            super::states::json_type(v.as_ref()),
                            v.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "undefined".into())
                        ),
                    )
                })
            }
        })();
        r.map(Some).map_err(|f| self.in_state(st, e, f))
    }

    pub(super) fn on_task_signal(
        &mut self,
        frame: &mut Frame,
        st: &'a State,
        e: Entered,
        t: TaskWork,
        signal: &Signal,
    ) {
        let info = classify(&t.resource);
        let prefix = match info.family {
            TaskFamily::Lambda => "LambdaFunction",
            TaskFamily::Activity => "Activity",
            TaskFamily::Service => "Task",
        };
        let with_resource = |mut d: Value| {
            if info.family == TaskFamily::Service {
                if let Some(o) = d.as_object_mut() {
                    o.insert("resourceType".into(), json!(info.resource_type));
                    o.insert("resource".into(), json!(info.resource));
                }
            }
            d
        };
        let mut last = frame.last_event;
        let outcome = match signal {
            Signal::TaskSucceeded { output, .. } => {
                if json_size(output) > MAX_PAYLOAD_BYTES {
                    // AWS names a service integration by its service, a function by its ARN.
                    let who = if info.family == TaskFamily::Service { &info.resource_type } else { &t.resource };
                    Err(Failure::states(
                        StatesError::DataLimitExceeded,
                        format!(
                            "The state/task '{who}' returned a result with a size exceeding the maximum number of bytes service limit."
                        ),
                    ))
                } else {
                    let d = json!({"output": json_text(output), "outputDetails": {"truncated": false}});
                    self.emit(&mut last, frame.silent, &format!("{prefix}Succeeded"), Some(with_resource(d)));
                    Ok(output.clone())
                }
            }
            Signal::TaskFailed { failure, .. } => Err(failure.clone()),
            Signal::Timer { id } => {
                self.step.commands.push(Command::CancelTask { id: t.id });
                if t.heartbeat_timer.is_some_and(|h| h.id == *id) {
                    Err(Failure::without_cause(StatesError::HeartbeatTimeout.as_str()))
                } else {
                    Err(Failure::without_cause(StatesError::Timeout.as_str()))
                }
            }
            _ => return,
        };
        match outcome {
            Ok(output) => {
                frame.last_event = last;
                self.succeed_with_result(frame, st, e, output)
            }
            Err(f) => {
                let timed_out =
                    f.error == StatesError::Timeout.as_str() || f.error == StatesError::HeartbeatTimeout.as_str();
                let kind = if timed_out { "TimedOut" } else { "Failed" };
                self.emit(
                    &mut last,
                    frame.silent,
                    &format!("{prefix}{kind}"),
                    Some(with_resource(details::failure(&f))),
                );
                frame.last_event = last;
                self.fail(frame, st, e, f, Origin::Work)
            }
        }
    }
}
