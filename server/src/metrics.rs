//! `/metrics` in Prometheus's text format: requests and their latencies by kind of route and
//! status class, dossiers by status, those past their due date, the live desks and caught panics.
//! Answered only with `Authorization: Bearer $METRICS_TOKEN` (404 without the setting): the
//! figures carry no personal data, but they are the operators'.

use crate::AppState;
use app::domain::status::DossierStatus;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use sqlx::Row;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Kinds of route: few, fixed labels (a path as a label would grow without bound).
const KINDS: [&str; 6] = ["page", "desk", "api", "asset", "file", "other"];
/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
/// How long the dossier counts are kept between scrapes (counting a million rows is not free).
const GAUGES_FRESH: Duration = Duration::from_secs(10);

fn kind(path: &str) -> usize {
    let k = if path.starts_with("/api/") {
        "api"
    } else if path.starts_with("/pkg/") || path.starts_with("/forms/") || path == "/favicon.svg" {
        "asset"
    } else if path.starts_with("/tep/") {
        "file"
    } else if path == "/mot-cua" || path.starts_with("/mot-cua/") {
        "desk"
    } else if path == "/healthz" || path == "/metrics" {
        "other"
    } else {
        "page"
    };
    KINDS.iter().position(|x| *x == k).unwrap_or(KINDS.len() - 1)
}

#[derive(Default)]
struct PerKind {
    /// By status class: 1xx … 5xx.
    statuses: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// Counters the request path adds to without locks.
#[derive(Default)]
pub struct Metrics {
    kinds: [PerKind; KINDS.len()],
    gauges: Mutex<Option<(Instant, String)>>,
}

impl Metrics {
    pub fn record(&self, path: &str, status: u16, elapsed: Duration) {
        let k = &self.kinds[kind(path)];
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        k.statuses[class].fetch_add(1, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        if let Some(b) = BUCKETS.iter().position(|le| secs <= *le) {
            k.buckets[b].fetch_add(1, Ordering::Relaxed);
        }
        k.count.fetch_add(1, Ordering::Relaxed);
        k.sum_micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// The request counters as Prometheus text.
    fn requests(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP portal_requests_total Requests answered, by kind of route and status class.\n");
        out.push_str("# TYPE portal_requests_total counter\n");
        for (name, k) in KINDS.iter().zip(&self.kinds) {
            for (i, n) in k.statuses.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "portal_requests_total{{kind=\"{name}\",status=\"{}xx\"}} {}",
                    i + 1,
                    n.load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP portal_request_duration_seconds Time to answer a request, by kind of route.\n");
        out.push_str("# TYPE portal_request_duration_seconds histogram\n");
        for (name, k) in KINDS.iter().zip(&self.kinds) {
            let mut cumulative = 0;
            for (le, n) in BUCKETS.iter().zip(&k.buckets) {
                cumulative += n.load(Ordering::Relaxed);
                let _ =
                    writeln!(out, "portal_request_duration_seconds_bucket{{kind=\"{name}\",le=\"{le}\"}} {cumulative}");
            }
            let count = k.count.load(Ordering::Relaxed);
            let _ = writeln!(out, "portal_request_duration_seconds_bucket{{kind=\"{name}\",le=\"+Inf\"}} {count}");
            let sum = k.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "portal_request_duration_seconds_sum{{kind=\"{name}\"}} {sum}");
            let _ = writeln!(out, "portal_request_duration_seconds_count{{kind=\"{name}\"}} {count}");
        }
        out
    }
}

/// Dossiers by status and those running past their due date, read at most every
/// [`GAUGES_FRESH`].
async fn dossier_gauges(state: &AppState, now_ms: i64) -> Result<String, sqlx::Error> {
    if let Ok(g) = state.metrics.gauges.lock() {
        if let Some((_, text)) = g.as_ref().filter(|(at, _)| at.elapsed() < GAUGES_FRESH) {
            return Ok(text.clone());
        }
    }
    let rows = sqlx::query("select status, count(*) as n from dossiers where code is not null group by status")
        .fetch_all(&state.db.pool)
        .await?;
    let running: Vec<String> =
        DossierStatus::ALL.iter().filter(|s| s.is_running()).map(|s| s.code().to_string()).collect();
    let overdue: i64 = sqlx::query(&format!(
        "select count(*) as n from dossiers where status in ({}) and due_at < $1",
        running.join(", ")
    ))
    .bind(now_ms)
    .fetch_one(&state.db.pool)
    .await?
    .get("n");
    let mut out = String::new();
    out.push_str("# HELP portal_dossiers Dossiers by status (the national status code, 1 to 10).\n");
    out.push_str("# TYPE portal_dossiers gauge\n");
    for s in DossierStatus::ALL.iter().filter(|s| **s != DossierStatus::Draft) {
        let n = rows.iter().find(|r| r.get::<i64, _>("status") == s.code()).map(|r| r.get::<i64, _>("n")).unwrap_or(0);
        let _ = writeln!(out, "portal_dossiers{{status=\"{}\"}} {n}", s.code());
    }
    out.push_str("# HELP portal_dossiers_overdue Dossiers whose legal clock runs past their due date.\n");
    out.push_str("# TYPE portal_dossiers_overdue gauge\n");
    let _ = writeln!(out, "portal_dossiers_overdue {overdue}");
    let outbox = state.db.outbox_counts().await.map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    out.push_str(
        "# HELP portal_outbox_messages Notices by e-mail and SMS by state; retrying: pending after a failed try.\n",
    );
    out.push_str("# TYPE portal_outbox_messages gauge\n");
    for (state_name, n) in
        [("pending", outbox.pending), ("retrying", outbox.retrying), ("sent", outbox.sent), ("failed", outbox.failed)]
    {
        let _ = writeln!(out, "portal_outbox_messages{{state=\"{state_name}\"}} {n}");
    }
    if let Ok(mut g) = state.metrics.gauges.lock() {
        *g = Some((Instant::now(), out.clone()));
    }
    Ok(out)
}

/// Whether the request carries `Authorization: Bearer <token>` (compared in constant time): the
/// check of `/metrics` and of the SMS gateway's webhook.
pub(crate) fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    app::domain::secret::constant_time_eq(given.as_bytes(), token.as_bytes())
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !bearer_matches(&headers, token) {
        let mut res = StatusCode::UNAUTHORIZED.into_response();
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return res;
    }
    let mut out = state.metrics.requests();
    match dossier_gauges(&state, app::api::ctx::now_ms()).await {
        Ok(g) => out.push_str(&g),
        Err(e) => tracing::error!("metrics: {e}"),
    }
    out.push_str("# HELP portal_live_desks Desks with an open live stream.\n# TYPE portal_live_desks gauge\n");
    let _ = writeln!(out, "portal_live_desks {}", state.live.open_streams());
    out.push_str(
        "# HELP portal_panics_total Requests that panicked (answered 500).\n# TYPE portal_panics_total counter\n",
    );
    let _ = writeln!(out, "portal_panics_total {}", state.panics.load(Ordering::Relaxed));
    let mut res = out.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_kind_status_class_and_bucket() {
        let m = Metrics::default();
        m.record("/thu-tuc", 200, Duration::from_millis(3));
        m.record("/thu-tuc/1.001193", 200, Duration::from_millis(30));
        m.record("/api/desk/inbox", 409, Duration::from_millis(7));
        m.record("/mot-cua/ho-so/x", 500, Duration::from_secs(20));
        let text = m.requests();
        assert!(text.contains("portal_requests_total{kind=\"page\",status=\"2xx\"} 2"), "{text}");
        assert!(text.contains("portal_requests_total{kind=\"api\",status=\"4xx\"} 1"));
        assert!(text.contains("portal_requests_total{kind=\"desk\",status=\"5xx\"} 1"));
        assert!(text.contains("portal_request_duration_seconds_bucket{kind=\"page\",le=\"0.005\"} 1"));
        assert!(text.contains("portal_request_duration_seconds_bucket{kind=\"page\",le=\"0.05\"} 2"));
        // Slower than the last bucket: only in +Inf.
        assert!(text.contains("portal_request_duration_seconds_bucket{kind=\"desk\",le=\"10\"} 0"));
        assert!(text.contains("portal_request_duration_seconds_bucket{kind=\"desk\",le=\"+Inf\"} 1"));
        assert!(text.contains("portal_request_duration_seconds_count{kind=\"page\"} 2"));
    }
}
