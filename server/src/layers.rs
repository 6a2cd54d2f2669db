//! HTTP middleware: request ids and logs, security headers, sessions, body limits, malformed
//! multipart, and HTTP statuses for server-function errors.

use crate::AppState;
use app::api::ctx::SessionUser;
use app::error::AppError;
use app::ports::ClientAddr;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use std::net::SocketAddr;
use std::time::Instant;

pub const DEFAULT_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// A request id (kept from `x-request-id` when sane), one log line per request, security headers.
pub async fn observe(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| {
            use rand::RngCore;
            let mut b = [0u8; 8];
            rand::thread_rng().fill_bytes(&mut b);
            hex::encode(b)
        });
    if let Ok(v) = HeaderValue::from_str(&id) {
        req.headers_mut().insert("x-request-id", v);
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let mut res = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-request-id", v);
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DEFAULT_CSP));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    let status = res.status().as_u16();
    let ms = started.elapsed().as_millis() as u64;
    let _e = span.enter();
    if status >= 500 {
        tracing::error!(status, ms, "request failed");
    } else {
        tracing::info!(status, ms, "request");
    }
    res
}

fn now_ms() -> i64 {
    app::api::ctx::now_ms()
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get(header::COOKIE)?.to_str().ok()?;
    header.split(';').filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
}

/// Resolves the session cookie to the signed-in user and records the caller's address.
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into());
    req.extensions_mut().insert(ClientAddr(addr));
    let path = req.uri().path();
    let is_static =
        path.starts_with("/pkg/") || path.starts_with("/forms/") || path == "/favicon.svg" || path == "/healthz";
    let mut user = None;
    if !is_static {
        if let Some(token) = cookie(&req, app::api::account::SESSION_COOKIE).filter(|t| t.len() == 64) {
            match state.db.session_user(&app::api::account::ssr::token_hash(&token), now_ms()).await {
                Ok(u) => user = u,
                Err(e) => tracing::error!("session lookup failed: {e}"),
            }
        }
    }
    req.extensions_mut().insert(SessionUser(user));
    next.run(req).await
}

/// Bodies of ordinary form posts and API calls.
pub const SMALL_BODY_LIMIT: u64 = 64 * 1024;
/// The dossier upload: every file of a dossier plus the form and multipart overhead.
pub const UPLOAD_BODY_LIMIT: u64 = app::domain::upload::MAX_DOSSIER_BYTES + 512 * 1024;

/// What a route's body may be: at most `limit` bytes and, for a multipart server function, only
/// `multipart/form-data` with a boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyRule {
    /// The server function's own URL (`ServerFn::PATH`), so a renamed endpoint keeps its rule.
    pub path: &'static str,
    pub multipart: bool,
    pub limit: u64,
}

const fn multipart<F: leptos::server_fn::ServerFn>(limit: u64) -> BodyRule {
    BodyRule { path: F::PATH, multipart: true, limit }
}

/// The one table of body rules: the guard refuses multipart bodies without a boundary on these
/// routes (the multipart decoder of server functions panics without one) and caps each body at
/// its limit. A whole dossier may come with the form, the supplement answer, the appraisal's
/// draft and the counter intake; every route not listed follows [`OTHER_ROUTES`].
pub const BODY_RULES: [BodyRule; 6] = [
    multipart::<app::api::dossiers::SaveDossier>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::supplements::AnswerSupplement>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::supplements::RequestSupplement>(SMALL_BODY_LIMIT),
    multipart::<app::api::handling::DeskAppraise>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::intake::DeskIntake>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::consultations::DeskConsult>(SMALL_BODY_LIMIT),
];

/// Every route not in [`BODY_RULES`]: a small form.
pub const OTHER_ROUTES: BodyRule = BodyRule { path: "*", multipart: false, limit: SMALL_BODY_LIMIT };

/// The rule of the route at `path`.
pub fn body_rule(path: &str) -> BodyRule {
    BODY_RULES.iter().copied().find(|r| r.path == path).unwrap_or(OTHER_ROUTES)
}

/// The server functions that take a multipart body.
pub fn multipart_endpoints() -> impl Iterator<Item = &'static str> {
    BODY_RULES.iter().filter(|r| r.multipart).map(|r| r.path)
}

/// Rejects bodies over the rule's limit by their declared length (a friendly redirect for browser
/// forms), refuses multipart bodies without a boundary, and caps streamed bodies at the limit.
pub async fn body_guard(req: Request, next: Next, rule: BodyRule) -> Response {
    let limit = rule.limit;
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let has_boundary = content_type
        .split(';')
        .any(|p| p.trim().strip_prefix("boundary=").is_some_and(|b| !b.trim_matches('"').is_empty()));
    // The multipart decoder of server functions panics without a boundary: stop such bodies here.
    let multipart_expected = rule.multipart && req.method() == http::Method::POST;
    if (content_type.starts_with("multipart/") || multipart_expected)
        && !(content_type.starts_with("multipart/form-data") && has_boundary)
    {
        return (StatusCode::BAD_REQUEST, "expected multipart/form-data with a boundary").into_response();
    }
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        let accepts_html =
            req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
        let referer = req.headers().get(header::REFERER).and_then(|v| v.to_str().ok()).map(str::to_string);
        if let (true, Some(referer)) = (accepts_html, referer) {
            use leptos::server_fn::error::ServerFnUrlError;
            let err = AppError::field("files", "error-dossier-too-large");
            if let Ok(url) = ServerFnUrlError::new(req.uri().path(), err).to_url(&referer) {
                if let Ok(location) = HeaderValue::from_str(url.as_str()) {
                    let mut res = StatusCode::SEE_OTHER.into_response();
                    res.headers_mut().insert(header::LOCATION, location);
                    res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
                    return res;
                }
            }
        }
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    }
    let (parts, body) = req.into_parts();
    let limited = Body::new(http_body_util::Limited::new(body, limit as usize));
    next.run(Request::from_parts(parts, limited)).await
}

/// Guards every body by its route's rule in [`BODY_RULES`].
pub async fn body_limits(req: Request, next: Next) -> Response {
    let rule = body_rule(req.uri().path());
    body_guard(req, next, rule).await
}

/// Server functions answer every error with 500; give user errors their real status.
pub async fn error_status(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(app::i18n::Lang::from_cookie_header)
        .unwrap_or_default();
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR || !res.headers().contains_key("serverfnerror") {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let Ok(mut error) = serde_json::from_slice::<AppError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // API clients get each field error's message in the caller's language, next to its key.
    if let AppError::Invalid { errors, .. } = &mut error {
        let i18n = app::i18n::I18n { lang };
        for e in errors.iter_mut() {
            e.message = i18n.t(&e.key);
        }
    }
    let body = serde_json::to_vec(&error).map(Body::from).unwrap_or_else(|_| Body::from(bytes));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}
