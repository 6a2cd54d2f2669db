//! The live desk: a dossier submitted, a supplement answered, a consultation answered or a step
//! handed on shows in the officers' inboxes without a reload.
//!
//! One poller per server process reads the events appended since its last look (the database is
//! the source of truth, so this works when several processes share one PostgreSQL database) and
//! tells the desks of the agencies concerned over server-sent events at `/api/desk/live`. Each
//! desk then asks its inbox again through the server function. The message carries no data, only
//! "something changed for your agency": what an officer may read is still decided by the inbox.

use crate::AppState;
use app::ports::stores::DeskStore;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// How far back each look reaches, in event ids: on PostgreSQL a transaction that took its id
/// earlier may commit after a later one; looking back catches it, and ids already told are skipped.
const LOOKBACK: i64 = 200;

/// The agencies whose dossiers changed, one message per look that found any.
#[derive(Clone)]
pub struct LiveHub {
    changed: broadcast::Sender<Arc<BTreeSet<String>>>,
    stopping: watch::Sender<bool>,
}

impl LiveHub {
    /// Starts the poller, looking every `period`.
    pub fn start<S: DeskStore + 'static>(store: Arc<S>, period: Duration) -> Self {
        let (changed, _) = broadcast::channel(64);
        let (stopping, _) = watch::channel(false);
        let hub = Self { changed: changed.clone(), stopping: stopping.clone() };
        let mut stop = stopping.subscribe();
        tokio::spawn(async move {
            // Ids already told (or there before the hub started), within the look-back.
            let mut told: BTreeSet<i64> = BTreeSet::new();
            let mut last = 0;
            let mut started = false;
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                let after = (last - LOOKBACK).max(0);
                let (l, events) = match store.desk_changes(if started { after } else { i64::MAX }).await {
                    Ok(found) => found,
                    Err(e) => {
                        tracing::warn!("live desk: {e}");
                        continue;
                    }
                };
                if !started {
                    // What was there before the hub started is nobody's news.
                    started = true;
                    last = l;
                    told.extend((l - LOOKBACK).max(0) + 1..=l);
                    continue;
                }
                let mut agencies = BTreeSet::new();
                let mut ids = Vec::new();
                for (id, agency) in events {
                    if !told.contains(&id) {
                        agencies.insert(agency);
                        ids.push(id);
                    }
                }
                told.extend(ids);
                last = l.max(last);
                told = told.split_off(&(last - LOOKBACK).max(0));
                if !agencies.is_empty() && changed.receiver_count() > 0 {
                    let _ = changed.send(Arc::new(agencies));
                }
            }
        });
        hub
    }

    /// Ends every open stream (the server is stopping; browsers reconnect to the next one).
    /// Desks listening now (each open stream holds one receiver).
    pub fn open_streams(&self) -> usize {
        self.changed.receiver_count()
    }

    pub fn stop(&self) {
        let _ = self.stopping.send(true);
    }
}

/// `GET /api/desk/live`: server-sent events for the signed-in officer's agency, an event
/// `changed` whenever something there changed, a comment every 15 s to keep proxies open.
pub async fn live(State(state): State<AppState>, req: Request) -> Response {
    let user = req.extensions().get::<app::api::ctx::SessionUser>().and_then(|s| s.0.clone());
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "sign-in required").into_response();
    };
    let Some(agency) = user.agency_code.clone().filter(|_| user.role.is_officer()) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let rx = state.live.changed.subscribe();
    let stop = state.live.stopping.subscribe();
    let stream = futures::stream::unfold((rx, stop, agency), |(mut rx, mut stop, agency)| async move {
        loop {
            let tell = tokio::select! {
                got = rx.recv() => match got {
                    Ok(agencies) => agencies.contains(&agency),
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = stop.wait_for(|s| *s) => return None,
            };
            if tell {
                let event = Event::default().event("changed").data("1");
                return Some((Ok::<_, Infallible>(event), (rx, stop, agency)));
            }
        }
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    res
}
