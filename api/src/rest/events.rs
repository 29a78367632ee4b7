//! `GET /v1/executions/{arn}/events`: an execution's events as server-sent events — first the
//! history so far, then each event as it is committed — ending with an `end` event once the
//! execution is terminal. Reconnecting with `Last-Event-ID` resumes after that event.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use engine::history::HistoryEvent;
use engine::runtime::Committed;
use futures_util::stream::{self, Stream};
use serde_json::json;
use tokio::sync::broadcast::{error::RecvError, Receiver};

use super::model::Event;
use super::Problem;
use crate::AppState;

/// Each SSE message: `event: history`, `id: <event id>`, `data: <Event JSON>`; last `event: end`
/// with `{"status"}`.
#[utoipa::path(get, path = "/v1/executions/{arn}/events", tag = "executions",
    params(("arn" = String, Path, description = "Execution ARN"),
        ("Last-Event-ID" = Option<u64>, Header, description = "Resume after this event id")),
    responses((status = 200, description = "A `text/event-stream` of history events", content_type = "text/event-stream", body = String),
        (status = 404, body = Problem)))]
pub async fn stream(
    State(state): State<Arc<AppState>>,
    Path(arn): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, Problem> {
    let after = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    // Subscribe before reading the history, so nothing committed in between is missed.
    let rx = state.engine.subscribe();
    state.engine.describe_execution(&arn).await?;
    let feed = Feed { state, arn, rx, last: after, backlog: VecDeque::new(), phase: Phase::Catchup };
    Ok(Sse::new(stream::unfold(feed, Feed::next)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Send what the store has after `last`.
    Catchup,
    /// Forward committed events.
    Live,
    /// The `end` event is sent: close.
    Done,
}

struct Feed {
    state: Arc<AppState>,
    arn: String,
    rx: Receiver<Arc<Committed>>,
    /// The id of the last event sent.
    last: u64,
    backlog: VecDeque<Item>,
    phase: Phase,
}

/// What is waiting to be sent.
enum Item {
    Event(HistoryEvent),
    /// The execution ended with this status.
    End(String),
}

impl Feed {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        loop {
            if let Some(e) = self.pop() {
                return Some((Ok(e), self));
            }
            match self.phase {
                Phase::Done => return None,
                Phase::Catchup => self.catch_up().await,
                Phase::Live => self.wait().await,
            }
        }
    }

    /// The next backlog event not sent yet.
    fn pop(&mut self) -> Option<SseEvent> {
        while let Some(item) = self.backlog.pop_front() {
            match item {
                Item::Event(e) if e.id > self.last => {
                    self.last = e.id;
                    let data = serde_json::to_string(&Event::from(&e)).unwrap_or_default();
                    return Some(SseEvent::default().event("history").id(e.id.to_string()).data(data));
                }
                Item::Event(_) => {}
                Item::End(status) => {
                    return Some(SseEvent::default().event("end").data(json!({"status": status}).to_string()))
                }
            }
        }
        None
    }

    /// Reads the store; ends the stream when the execution is over and everything is sent.
    async fn catch_up(&mut self) {
        let events = self.state.engine.store().history(&self.arn, self.last, 0).await;
        let rec = self.state.engine.describe_execution(&self.arn).await;
        match (events, rec) {
            (Ok(events), Ok(rec)) => {
                self.backlog = events.into_iter().map(Item::Event).collect();
                self.phase = Phase::Live;
                if rec.status.is_terminal() {
                    self.finish(rec.status.as_str());
                }
            }
            _ => self.finish("UNKNOWN"),
        }
    }

    /// Waits for this execution's next commit.
    async fn wait(&mut self) {
        match self.rx.recv().await {
            Ok(c) if c.execution_arn == self.arn => {
                self.backlog.extend(c.events.iter().cloned().map(Item::Event));
                if c.status.is_terminal() {
                    self.finish(c.status.as_str());
                }
            }
            Ok(_) => {}
            // Missed commits: read them from the store.
            Err(RecvError::Lagged(_)) => self.phase = Phase::Catchup,
            Err(RecvError::Closed) => self.finish("UNKNOWN"),
        }
    }

    /// Queues the `end` event after whatever is in the backlog.
    fn finish(&mut self, status: &str) {
        self.phase = Phase::Done;
        self.backlog.push_back(Item::End(status.to_string()));
    }
}
