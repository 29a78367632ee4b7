//! Map states: the items, one child frame per iteration (at most `MaxConcurrency` at once), the
//! tolerated failures, and the array of results. A distributed Map's iterations run the same way
//! but, as on AWS, their events are not part of this history (a Map Run stands for them).

use std::sync::Arc;

use serde_json::{json, Map as JsonMap, Value};
use state_lang::{Dynamic, Env, Failure, Map, ProcessorMode, QueryLanguage, State, StatesError, Template, Variables};

use super::complete::Origin;
use super::io::CtxExtra;
use super::{Active, Entered, Frame, Interpreter, MapWork, Pos, Work};
use crate::history::details;

impl<'a> Interpreter<'a> {
    pub(super) fn run_map(&mut self, frame: &mut Frame, st: &'a State, e: Entered, m: &'a Map) {
        let max_concurrency = match self.map_max_concurrency(frame, st, &e, m).map_err(|f| self.in_state(st, &e, f)) {
            Ok(n) => n,
            Err(f) => return self.fail(frame, st, e, f, Origin::Evaluation),
        };
        // Then the items: an error there fails the Map before it starts.
        let items = match self.map_items(frame, st, &e, m).map_err(|f| self.in_state(st, &e, f)) {
            Ok(x) => x,
            Err(f) => return self.fail_with(frame, st, e, f, Origin::Evaluation, Some(("MapStateFailed", None))),
        };
        let mut last = frame.last_event;
        self.emit(&mut last, frame.silent, "MapStateStarted", Some(json!({"length": items.1.len()})));
        frame.last_event = last;
        let work = match self.map_setup(frame, st, &e, m, items, max_concurrency).map_err(|f| self.in_state(st, &e, f))
        {
            Ok(w) => w,
            Err(f) => return self.fail(frame, st, e, f, Origin::Evaluation),
        };
        let mut last = frame.last_event;
        if let Some(arn) = &work.map_run_arn {
            self.emit(&mut last, frame.silent, "MapRunStarted", Some(json!({"mapRunArn": arn})));
        }
        frame.last_event = last;
        frame.pos = Pos::Active(Box::new(Active { entered: e, work: Work::Map(Box::new(work)) }));
    }

    fn map_max_concurrency(&self, frame: &Frame, st: &State, e: &Entered, m: &Map) -> Result<Option<u64>, Failure> {
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let states = Self::states_object(&e.input, ctx.clone(), None, None);
        self.dyn_number(m.max_concurrency.as_ref(), &e.input, &env, &states, "MaxConcurrency")
    }

    /// The effective input and the items (batched when an `ItemBatcher` says so).
    fn map_items(&self, frame: &Frame, st: &State, e: &Entered, m: &Map) -> Result<(Value, Vec<Value>), Failure> {
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let states = Self::states_object(&e.input, ctx.clone(), None, None);
        if m.item_reader.is_some() {
            return Err(Failure::states(
                StatesError::Runtime,
                "ItemReader is not supported by Cairn: reading items from S3 needs a service Cairn does not have",
            ));
        }
        let (effective_input, items) = match st.query_language {
            QueryLanguage::JSONPath => {
                let eff = self.input_path(st, &e.input, &env)?;
                let items = match &m.items_path {
                    Some(p) => p.select(&eff, &env, "ItemsPath")?,
                    None => eff.clone(),
                };
                (eff, items)
            }
            QueryLanguage::JSONata => {
                let items = match &m.items {
                    Some(t) => t.eval(&states, &env, "Items")?,
                    None => e.input.clone(),
                };
                if !items.is_array() {
                    let src = m.items.as_ref().map(|t| t.source().to_string()).unwrap_or_default();
                    let expr = src.trim_matches('"').trim_start_matches("{%").trim_end_matches("%}").trim().to_string();
                    return Err(Failure::states(
                        StatesError::QueryEvaluationError,
                        format!(
                            "The JSONata expression '{expr}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {items}",
                            super::states::json_type(Some(&items))
                        ),
                    ));
                }
                (e.input.clone(), items)
            }
        };
        let Value::Array(mut items) = items else {
            let path = m.items_path.as_ref().map(|p| p.as_str().to_string()).unwrap_or_else(|| "$".into());
            return Err(Failure::states(
                StatesError::Runtime,
                format!("Invalid path '{path}': The value for the field 'ItemsPath' must be an array, but was {items}"),
            ));
        };
        if let Some(b) = &m.item_batcher {
            items = self.batch(b, items, &e.input, &env, &states)?;
        }
        Ok((effective_input, items))
    }

    fn map_setup(
        &self,
        frame: &Frame,
        st: &State,
        e: &Entered,
        m: &Map,
        (effective_input, items): (Value, Vec<Value>),
        max_concurrency: Option<u64>,
    ) -> Result<MapWork, Failure> {
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let states = Self::states_object(&e.input, ctx.clone(), None, None);
        let tolerated_count =
            self.dyn_number(m.tolerated_failure_count.as_ref(), &e.input, &env, &states, "ToleratedFailureCount")?;
        let tolerated_percentage = match &m.tolerated_failure_percentage {
            None => None,
            Some(Dynamic::Literal(p)) => Some(*p),
            Some(Dynamic::Path(p)) => {
                let v = p.eval(&e.input, &env, "ToleratedFailurePercentagePath")?;
                let pct = number_or_numeric_string(&v).ok_or_else(|| {
                    Failure::states(
                        StatesError::Runtime,
                        format!("The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}", plain(&v), p.as_str()),
                    )
                })?;
                if !(0.0..=100.0).contains(&pct) {
                    return Err(Failure::states(
                        StatesError::Runtime,
                        "ToleratedFailurePercentage must be between 0 and 100.",
                    ));
                }
                Some(pct)
            }
            Some(Dynamic::Jsonata(x)) => x.eval(&states, &env)?.and_then(|v| v.as_f64()),
        };
        let distributed = m.mode == ProcessorMode::Distributed;
        let map_run_arn = distributed.then(|| {
            let parts: Vec<&str> = self.info.state_machine_arn.split(':').collect();
            let prefix = parts.get(..5).map(|p| p.join(":")).unwrap_or_default();
            let label = m.label.clone().unwrap_or_else(|| self.entropy.uuid_v4());
            format!("{prefix}:mapRun:{}/{label}:{}", self.info.state_machine_name, self.entropy.uuid_v4())
        });
        let n = items.len();
        Ok(MapWork {
            items,
            next: 0,
            running: Vec::new(),
            results: vec![Value::Null; n],
            succeeded: 0,
            failed: 0,
            max_concurrency: max_concurrency.unwrap_or(0) as usize,
            tolerated_count,
            tolerated_percentage,
            effective_input,
            distributed,
            map_run_arn,
            failed_frames: Vec::new(),
            first_failure: None,
            touched: None,
        })
    }

    fn dyn_number(
        &self,
        d: Option<&Dynamic<u64>>,
        input: &Value,
        env: &Env<'_>,
        states: &Value,
        field: &str,
    ) -> Result<Option<u64>, Failure> {
        match d {
            None => Ok(None),
            Some(Dynamic::Literal(n)) => Ok(Some(*n)),
            Some(Dynamic::Path(p)) => {
                let v = p.eval(input, env, &format!("{field}Path"))?;
                let n = v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse::<u64>().ok()));
                match n {
                    Some(n) => Ok(Some(n)),
                    None => Err(Failure::states(
                        StatesError::Runtime,
                        format!(
                            "The {field}Path field refers to value \"{}\" which is not a valid integer: {}",
                            plain(&v),
                            p.as_str()
                        ),
                    )),
                }
            }
            Some(Dynamic::Jsonata(x)) => {
                let v = x.eval(states, env)?;
                match v.as_ref().and_then(|v| v.as_u64()) {
                    Some(n) => Ok(Some(n)),
                    None => Err(Failure::states(
                        StatesError::QueryEvaluationError,
                        format!(
                            "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected 'integer', but was '{}' for value: {}",
                            x.as_str(),
                            super::states::json_type(v.as_ref()),
                            v.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "undefined".into())
                        ),
                    )),
                }
            }
        }
    }

    fn batch(
        &self,
        b: &state_lang::ItemBatcher,
        items: Vec<Value>,
        input: &Value,
        env: &Env<'_>,
        states: &Value,
    ) -> Result<Vec<Value>, Failure> {
        let per = self.dyn_number(b.max_items_per_batch.as_ref(), input, env, states, "MaxItemsPerBatch")?.unwrap_or(0);
        let per = if per == 0 { items.len().max(1) } else { per as usize };
        let batch_input = match &b.batch_input {
            None => None,
            Some(Template::JsonPath(t)) => Some(t.eval(input, env)?),
            Some(Template::Jsonata(t)) => Some(t.eval(states, env, "BatchInput")?),
        };
        Ok(items
            .chunks(per)
            .map(|c| {
                let mut m = JsonMap::new();
                if let Some(bi) = &batch_input {
                    m.insert("BatchInput".into(), bi.clone());
                }
                m.insert("Items".into(), Value::Array(c.to_vec()));
                Value::Object(m)
            })
            .collect())
    }

    /// Starts and advances iterations; `true` when the Map state is finished.
    pub(super) fn advance_map(&mut self, frame: &mut Frame) -> bool {
        let Pos::Active(mut active) = std::mem::replace(&mut frame.pos, Pos::Done(Ok(Value::Null))) else {
            return true;
        };
        let Some(st) = self.state_of(frame, active.entered.state) else { return true };
        let state_lang::StateKind::Map(m) = &st.kind else { return true };
        let Work::Map(work) = &mut active.work else { return true };
        let mut failure = match work.touched.take() {
            None => {
                for child in work.running.iter_mut() {
                    self.advance(child);
                }
                self.collect_iterations(st, work)
            }
            Some(mut touched) => {
                touched.sort_unstable();
                touched.dedup();
                for &i in &touched {
                    if let Some(child) = work.running.get_mut(i) {
                        self.advance(child);
                    }
                }
                self.collect_touched(st, work, &touched)
            }
        };
        while failure.is_none()
            && work.next < work.items.len()
            && (work.max_concurrency == 0 || work.running.len() < work.max_concurrency)
        {
            if let Err(f) = self.start_iteration(frame, st, &active.entered, m, work) {
                failure = Some(f);
                break;
            }
            let newest = work.running.len() - 1;
            failure = self.collect_touched(st, work, &[newest]);
        }
        // Until the next pass, only iterations a signal reaches can move.
        work.touched = Some(Vec::new());
        if let Some(f) = failure {
            let mut running = std::mem::take(&mut work.running);
            for child in running.iter_mut() {
                self.abort_frame(child);
            }
            work.running = running;
            let mut last = frame.last_event;
            if work.map_run_arn.is_some() {
                self.emit(&mut last, frame.silent, "MapRunFailed", Some(details::failure(&f)));
            }
            frame.last_event = last;
            let Active { entered: e, work } = *active;
            self.redrive_work = Some(work);
            self.fail_with(frame, st, e, f, Origin::Work, Some(("MapStateFailed", None)));
            return true;
        }
        if work.next < work.items.len() || !work.running.is_empty() {
            frame.pos = Pos::Active(active);
            return false;
        }
        let mut last = frame.last_event;
        if work.map_run_arn.is_some() {
            self.emit(&mut last, frame.silent, "MapRunSucceeded", None);
        }
        self.emit(&mut last, frame.silent, "MapStateSucceeded", None);
        frame.last_event = last;
        let results = Value::Array(std::mem::take(&mut work.results));
        let e = active.entered;
        self.succeed_with_result(frame, st, e, results);
        true
    }

    fn start_iteration(
        &mut self,
        frame: &Frame,
        st: &State,
        e: &Entered,
        m: &Map,
        work: &mut MapWork,
    ) -> Result<(), Failure> {
        let index = work.next;
        work.next += 1;
        let item = std::mem::take(&mut work.items[index]);
        let input = match &m.item_selector {
            None => item,
            Some(sel) => {
                let ctx = self.context_value(st, e, CtxExtra { token: None, map_item: Some((index, &item)) });
                let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
                let r = match sel {
                    Template::JsonPath(t) => t.eval(&work.effective_input, &env),
                    Template::Jsonata(t) => {
                        let states = Self::states_object(&e.input, ctx.clone(), None, None);
                        t.eval(&states, &env, "ItemSelector")
                    }
                };
                r.map_err(|f| self.in_state(st, e, f))?
            }
        };
        let silent = frame.silent || work.distributed;
        let mut last = frame.last_event;
        self.emit(&mut last, silent, "MapIterationStarted", Some(details::map_iteration(&st.name, index)));
        let mut path = frame.scope.clone();
        path.push((e.state, 0));
        let Some(scope) = super::resolve_scope(self.machine, &path) else {
            return Err(Failure::states(StatesError::Runtime, "internal error: unknown Map processor"));
        };
        let outer = Arc::new(frame.vars.clone());
        let mut child = Frame::new(path, Variables::child_of(outer), scope.start_at, input, last);
        child.iteration = Some(index);
        child.silent = silent;
        self.advance(&mut child);
        work.running.push(child);
        Ok(())
    }

    /// Takes finished iterations out of `running`; returns the failure that ends the Map, if any.
    fn collect_iterations(&mut self, st: &State, work: &mut MapWork) -> Option<Failure> {
        let mut i = 0;
        while i < work.running.len() {
            if !work.running[i].is_done() {
                i += 1;
                continue;
            }
            // The last iteration moves into slot `i`: it is looked at next.
            if let Some(f) = self.collect_one(st, work, i) {
                return Some(f);
            }
        }
        None
    }

    /// The same for the iterations at these indices (ascending, distinct), the only ones that can
    /// have finished. Taken from the highest down: an iteration moved into a freed slot comes from
    /// above it, so it has been looked at already or was not touched.
    fn collect_touched(&mut self, st: &State, work: &mut MapWork, touched: &[usize]) -> Option<Failure> {
        for &i in touched.iter().rev() {
            if work.running.get(i).is_some_and(Frame::is_done) {
                if let Some(f) = self.collect_one(st, work, i) {
                    return Some(f);
                }
            }
        }
        None
    }

    /// Takes the finished iteration at `i` out of `running` (the last one takes its slot).
    fn collect_one(&mut self, st: &State, work: &mut MapWork, i: usize) -> Option<Failure> {
        let total = work.results.len().max(1) as f64;
        let mut child = work.running.swap_remove(i);
        let index = child.iteration.unwrap_or(0);
        let silent = child.silent;
        let mut last = child.last_event;
        let outcome = std::mem::replace(&mut child.pos, Pos::Done(Ok(Value::Null)));
        match outcome {
            Pos::Done(Ok(v)) => {
                let d = Some(details::map_iteration(&st.name, index));
                self.emit(&mut last, silent, "MapIterationSucceeded", d);
                if let Some(slot) = work.results.get_mut(index) {
                    *slot = v;
                }
                work.succeeded += 1;
            }
            Pos::Done(Err(f)) => {
                let d = Some(details::map_iteration(&st.name, index));
                self.emit(&mut last, silent, "MapIterationFailed", d);
                work.failed += 1;
                if work.first_failure.is_none() {
                    work.first_failure = Some(f.clone());
                }
                child.pos = Pos::Done(Err(f.clone()));
                work.failed_frames.push(child);
                let tolerated = match (work.tolerated_count, work.tolerated_percentage) {
                    (None, None) => false,
                    (c, p) => {
                        c.is_some_and(|c| work.failed as u64 <= c)
                            || p.is_some_and(|p| (work.failed as f64 / total) * 100.0 <= p)
                    }
                };
                if !tolerated {
                    if work.tolerated_count.is_none() && work.tolerated_percentage.is_none() {
                        return Some(f);
                    }
                    return Some(Failure::states(
                        StatesError::ExceedToleratedFailureThreshold,
                        "The specified tolerated failure threshold was exceeded",
                    ));
                }
            }
            other => child.pos = other,
        }
        None
    }
}

/// A number, or a string holding one (AWS reads `…Path` numbers from strings too).
fn number_or_numeric_string(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
