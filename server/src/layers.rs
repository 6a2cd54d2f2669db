//! HTTP middleware: request ids and logs, security headers, sessions, body limits, malformed
//! multipart, and HTTP statuses for server-function errors.

use crate::AppState;
use app::api::ctx::SessionUser;
use app::error::AppError;
use app::ports::stores::AccountStore;
use app::ports::ClientAddr;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const DEFAULT_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// A request id (kept from `x-request-id` when sane), one log line per request, security headers.
pub async fn observe(
    State(metrics): State<std::sync::Arc<crate::metrics::Metrics>>,
    mut req: Request,
    next: Next,
) -> Response {
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
    let elapsed = started.elapsed();
    metrics.record(&path, status, elapsed);
    let ms = elapsed.as_millis() as u64;
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

/// Resolves the session cookie to the signed-in user and records the caller's address (the socket
/// peer, or what our trusted proxies say in `X-Forwarded-For`). Nothing answered to a signed-in
/// request, or setting the session cookie, may be kept by a cache (`Cache-Control: no-store`).
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let addr = match peer {
        Some(peer) => {
            let forwarded =
                req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
            crate::client_addr::client_ip(peer, &forwarded, &state.edge.trusted_proxies).to_string()
        }
        None => "local".into(),
    };
    req.extensions_mut().insert(ClientAddr(addr));
    let path = req.uri().path().to_string();
    let is_static = path.starts_with("/pkg/") || path.starts_with("/forms/") || path == "/favicon.svg";
    let mut user = None;
    if !is_static {
        if let Some(token) = cookie(&req, app::api::account::SESSION_COOKIE).filter(|t| t.len() == 64) {
            let hash = app::api::account::ssr::token_hash(&token);
            match state.db.session_user(&hash, now_ms()).await {
                Ok(u) => {
                    if u.is_some() {
                        // Not the stored hash itself: the key only names what is kept for the session.
                        let key = app::api::account::ssr::token_hash(&format!("kept:{hash}"));
                        req.extensions_mut().insert(app::api::ctx::SessionKey(key));
                    }
                    user = u
                }
                Err(e) => tracing::error!("session lookup failed: {e}"),
            }
        }
    }
    let signed_in = user.is_some();
    // A citizen's page says in its header how many dossiers wait for them; data requests do not
    // draw a header.
    if let Some(u) = user.as_ref().filter(|u| u.role == app::domain::role::Role::Citizen) {
        if req.method() == http::Method::GET && !path.starts_with("/api/") {
            match app::ports::DossierReads::waiting_for_applicant(&state.db, u.id).await {
                Ok(n) => {
                    req.extensions_mut().insert(app::api::ctx::WaitingCount(n));
                }
                Err(e) => tracing::error!("waiting count failed: {e}"),
            }
        }
    }
    req.extensions_mut().insert(SessionUser(user));
    let mut res = next.run(req).await;
    let sets_session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(format!("{}=", app::api::account::SESSION_COOKIE).as_bytes()));
    if is_static && immutable_asset(&path) && res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    } else if signed_in || sets_session {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A bundle named after its content (`/pkg/app.3f9a…c2.wasm`), or a file in a directory named
/// after its content (`/pkg/desk.3f9a…c2/split_intake.wasm`: the desk's bundle and its chunks): it
/// never changes, so browsers keep it for a year and ask again only when a new build gives it a
/// new name.
pub fn immutable_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else { return false };
    let content_named =
        |stem: &str, hash: &str| !stem.is_empty() && hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit());
    let code = |file: &str| file.ends_with(".js") || file.ends_with(".wasm");
    match name.split('/').collect::<Vec<_>>()[..] {
        [file] => {
            let parts: Vec<&str> = file.split('.').collect();
            matches!(parts[..], [stem, hash, "js" | "wasm"] if content_named(stem, hash))
        }
        [dir, file] => {
            let named = dir
                .split_once('.')
                .is_some_and(|(stem, hash)| stem.chars().all(|c| c.is_ascii_lowercase()) && content_named(stem, hash));
            named
                && code(file)
                && !file.starts_with('.')
                && file.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        }
        _ => false,
    }
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
pub const BODY_RULES: [BodyRule; 11] = [
    multipart::<app::api::catalogue_admin::ImportCatalogue>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::dossiers::SaveDossier>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::supplements::AnswerSupplement>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::supplements::DeskAnswerSupplement>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::supplements::RequestSupplement>(SMALL_BODY_LIMIT),
    multipart::<app::api::handling::DeskAppraise>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::handling::DeskRevokeResult>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::handling::DeskDigitiseResult>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::intake::DeskIntake>(UPLOAD_BODY_LIMIT),
    multipart::<app::api::consultations::DeskConsult>(SMALL_BODY_LIMIT),
    multipart::<app::api::personal_data::UploadPersonalDocument>(UPLOAD_BODY_LIMIT),
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

/// A request body that must keep coming: each chunk within `idle`, the whole within `total`,
/// else the body ends with an error (the handler fails to read it) and `timed_out` is set.
fn deadline_body(body: Body, idle: Duration, total: Duration, timed_out: Arc<AtomicBool>) -> Body {
    use http_body_util::BodyExt;
    let deadline = tokio::time::Instant::now() + total;
    let stream = futures::stream::unfold(Some(body), move |body| {
        let timed_out = timed_out.clone();
        async move {
            let mut body = body?;
            loop {
                let wait = (tokio::time::Instant::now() + idle).min(deadline);
                match tokio::time::timeout_at(wait, body.frame()).await {
                    Ok(Some(Ok(frame))) => match frame.into_data() {
                        Ok(data) => return Some((Ok::<_, std::io::Error>(data), Some(body))),
                        Err(_) => continue, // trailers: nothing to pass on
                    },
                    Ok(Some(Err(e))) => return Some((Err(std::io::Error::other(e)), None)),
                    Ok(None) => return None,
                    Err(_) => {
                        timed_out.store(true, Ordering::SeqCst);
                        let e = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow");
                        return Some((Err(e), None));
                    }
                }
            }
        }
    });
    Body::from_stream(stream)
}

/// The whole of a body may take this long: a small form a minute, a dossier of 20 MB over a
/// slow mobile line (about 32 KB/s) a quarter of an hour.
fn body_total_time(limit: u64) -> Duration {
    if limit > crate::SMALL_BODY_LIMIT {
        Duration::from_secs(15 * 60)
    } else {
        Duration::from_secs(60)
    }
}

/// Rejects bodies over the rule's limit by their declared length (a friendly redirect for browser
/// forms), refuses multipart bodies without a boundary, caps streamed bodies at the limit, and
/// gives up on a body that stops coming (`idle`) or trickles (408, connection closed: no
/// slowloris).
pub async fn body_guard(req: Request, next: Next, rule: BodyRule, idle: Duration) -> Response {
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
            // A dossier's files are what makes an upload too large; any other form is simply
            // far over what a form holds.
            let err = if rule.multipart {
                AppError::field("files", "error-dossier-too-large")
            } else {
                AppError::Conflict("error-form-too-large".into())
            };
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
    let timed_out = Arc::new(AtomicBool::new(false));
    let body = deadline_body(body, idle, body_total_time(limit), timed_out.clone());
    let limited = Body::new(http_body_util::Limited::new(body, limit as usize));
    let res = next.run(Request::from_parts(parts, limited)).await;
    if timed_out.load(Ordering::SeqCst) {
        let mut res = (StatusCode::REQUEST_TIMEOUT, "request body too slow").into_response();
        res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return res;
    }
    res
}

/// Guards every body by its route's rule in [`BODY_RULES`].
pub async fn body_limits(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let rule = body_rule(req.uri().path());
    body_guard(req, next, rule, state.edge.body_timeout).await
}

/// Runs the request in its reader's language (official names leave the server in it, see
/// `app::read::name`). Server functions answer every error with 500; give user errors their
/// real status.
pub async fn error_status(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(app::i18n::Lang::from_cookie_header)
        .unwrap_or_default();
    let res = app::read::name::in_language(lang, next.run(req)).await;
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

/// Answers a panic anywhere below with a plain 500 and counts it in `panics` (the tests fail when
/// the count is not zero), so no input can take a connection, or the server, down with it.
pub fn catch_panics(
    panics: Arc<AtomicUsize>,
) -> tower_http::catch_panic::CatchPanicLayer<impl tower_http::catch_panic::ResponseForPanic<ResponseBody = Body>> {
    tower_http::catch_panic::CatchPanicLayer::custom(move |cause: Box<dyn std::any::Any + Send + 'static>| {
        panics.fetch_add(1, Ordering::SeqCst);
        let message = cause
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| cause.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        tracing::error!(panic = %message, "request handler panicked");
        let mut res = (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        res
    })
}

/// The origins a request may call its own: `PUBLIC_URL`'s, and the one of the `Host` it was
/// sent to (the same server reached by another name, e.g. on a test port).
fn is_own_origin(origin: &str, public_origin: &str, host: Option<&str>) -> bool {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if !public_origin.is_empty() && origin == public_origin {
        return true;
    }
    let authority = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
    matches!((authority, host), (Some(a), Some(h)) if !a.is_empty() && a == h.trim().to_ascii_lowercase())
}

/// A redirect target the browser may follow: a same-site path, or an absolute URL of our own
/// origin whose path is one (a failed no-JS form goes back to its `Referer`).
pub fn checked_location(location: &str, public_origin: &str, host: Option<&str>) -> Option<String> {
    use app::domain::redirect::same_site_path;
    if location.starts_with('/') {
        return same_site_path(location).map(str::to_string);
    }
    let (scheme, after) = location.split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    if !is_own_origin(&crate::config::origin_of(location), public_origin, host) {
        return None;
    }
    let rest = &after[after.find(['/', '?', '#']).unwrap_or(after.len())..];
    let path = if rest.starts_with('/') { rest.to_string() } else { format!("/{rest}") };
    same_site_path(&path).map(|_| location.to_string())
}

/// Every redirect goes to a same-site target that passed `domain::redirect::same_site_path`;
/// anything else (a forged `Referer`, an odd `next`) goes home instead.
pub async fn checked_redirects(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_string);
    // Also without a 3xx: server functions called by script answer 200 with a Location to follow.
    let mut res = next.run(req).await;
    let Some(location) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string) else {
        return res;
    };
    let checked = checked_location(&location, &state.edge.public_origin, host.as_deref());
    let to_gateway = state.edge.payer_page.as_deref().is_some_and(|p| location.starts_with(p));
    if checked.as_deref() != Some(location.as_str()) && !to_gateway {
        tracing::warn!(location = %location.chars().take(200).collect::<String>(), "redirect target refused");
        res.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/"));
    }
    res
}

/// Refuses state-changing requests (POST, PUT, PATCH, DELETE) sent by another site: a
/// `Sec-Fetch-Site: cross-site`, or an `Origin` that is not ours (`PUBLIC_URL`'s or the `Host`'s;
/// `null` included). Sign-in too, so no one signs a visitor in to an account of theirs.
/// Requests with neither header (curl, API clients) pass: a browser always sends one of them.
pub async fn same_origin_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use http::Method;
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return next.run(req).await;
    }
    let h = req.headers();
    let cross_site = h.get("sec-fetch-site").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let foreign_origin = h
        .get(header::ORIGIN)
        .is_some_and(|o| !o.to_str().is_ok_and(|o| is_own_origin(o, &state.edge.public_origin, host)));
    if cross_site || foreign_origin {
        tracing::warn!(
            origin = ?h.get(header::ORIGIN),
            fetch_site = ?h.get("sec-fetch-site"),
            "cross-site request refused"
        );
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(req).await
}

/// Decodes one part of an `application/x-www-form-urlencoded` text (`+` a space, `%XX` a byte;
/// a malformed escape is kept as it is).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits the `__path` and `__err` a failed no-JS form left in `location` out of it: returns the
/// location with the error re-encoded without its typed values (and without free text), and the
/// values with the endpoint that failed.
pub fn values_out_of_location(location: &str) -> Option<(String, crate::flash::Flash)> {
    use leptos::server_fn::error::ServerFnUrlError;
    let (base, fragment) = match location.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (location, None),
    };
    let (before, query) = base.split_once('?')?;
    let mut others = Vec::new();
    let (mut path, mut err) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("__path", v)) => path = Some(percent_decode(v)),
            Some(("__err", v)) => err = Some(percent_decode(v)),
            _ => others.push(pair),
        }
    }
    let (path, err) = (path?, err?);
    let mut error = ServerFnUrlError::<AppError>::decode_err(&err);
    let values = error.take_values();
    let error = error.as_shown();
    let encoded = ServerFnUrlError::new(&path, error).to_url("http://local.invalid/").ok()?;
    others.push(encoded.query()?);
    let mut out = format!("{before}?{}", others.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Some((out, crate::flash::Flash { path, values }))
}

/// A failed no-JS form goes back to its page with the error in the URL. The values typed there
/// (names, CCCD, phone numbers …) are moved out of the URL into the server's flash, whose id the
/// browser keeps in an `HttpOnly` cookie for ten minutes; on the next request the page finds
/// them in the request (`app::api::ctx::typed_values`).
pub async fn keep_typed_values(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    use crate::flash::{FLASH_COOKIE, FLASH_TTL_MS};
    if let Some(flash) = cookie(&req, FLASH_COOKIE).and_then(|id| state.flash.get(&id, now_ms())) {
        req.extensions_mut().insert(app::api::ctx::TypedValues { path: flash.path, values: flash.values });
    }
    let mut res = next.run(req).await;
    let Some(location) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return res;
    };
    if !location.contains("__err=") {
        return res;
    }
    let Some((location, crate::flash::Flash { path, values })) = values_out_of_location(location) else {
        // Not an error we can read: send nothing typed anywhere.
        res.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/"));
        return res;
    };
    match HeaderValue::from_str(&location) {
        Ok(v) => res.headers_mut().insert(header::LOCATION, v),
        Err(_) => res.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/")),
    };
    if !values.is_empty() {
        let id = state.flash.put(&path, values, now_ms());
        let secure = if state.services.config.secure_cookies { "; Secure" } else { "" };
        let cookie =
            format!("{FLASH_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", FLASH_TTL_MS / 1000);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bundles_named_after_their_content_are_kept_for_a_year() {
        assert!(immutable_asset("/pkg/desk.0123456789abcdef.wasm"));
        assert!(immutable_asset("/pkg/app.0123456789abcdef0123.js"));
        assert!(!immutable_asset("/pkg/app.css"));
        assert!(!immutable_asset("/pkg/app_bg.wasm"));
        assert!(!immutable_asset("/pkg/desk.js"));
        assert!(!immutable_asset("/pkg/desk.0123.wasm"));
        assert!(!immutable_asset("/forms/desk.0123456789abcdef.wasm"));
        assert!(immutable_asset("/pkg/desk.0123456789abcdef0123/desk.js"));
        assert!(immutable_asset("/pkg/desk.0123456789abcdef0123/split_intake.wasm"));
        assert!(immutable_asset("/pkg/desk.0123456789abcdef0123/__wasm_split.js"));
        assert!(!immutable_asset("/pkg/desk.0123/desk.js"));
        assert!(!immutable_asset("/pkg/desk/desk.js"));
        assert!(!immutable_asset("/pkg/%2e%2e.0123456789abcdef0123/desk.js"));
        assert!(!immutable_asset("/pkg/../desk.0123456789abcdef0123/desk.js"));
        assert!(!immutable_asset("/pkg/desk.0123456789abcdef0123/desk.css"));
        assert!(!immutable_asset("/pkg/desk.0123456789abcdef0123/a/desk.js"));
        assert!(!immutable_asset("/pkg/a.0123456789abcdef.wasm.map"));
    }
    use app::domain::FieldError;
    use leptos::server_fn::error::ServerFnUrlError;

    #[test]
    fn typed_values_are_taken_out_of_an_error_location() {
        let error = AppError::Invalid {
            errors: vec![FieldError::new("phone", "error-phone-format")],
            values: vec![("cccd".into(), "045095001234".into()), ("full_name".into(), "Nguyễn Văn An".into())],
        };
        let location = ServerFnUrlError::new("/api/account/register", error)
            .to_url("http://127.0.0.1:3000/dang-ky?next=%2Fho-so")
            .unwrap()
            .to_string();
        let (moved, flash) = values_out_of_location(&location).unwrap();
        assert_eq!(flash.path, "/api/account/register");
        assert_eq!(flash.values.len(), 2);
        assert!(moved.starts_with("http://127.0.0.1:3000/dang-ky?next=%2Fho-so&__path="), "{moved}");
        let err = moved.split("__err=").nth(1).unwrap();
        let back = ServerFnUrlError::<AppError>::decode_err(&percent_decode(err));
        assert_eq!(back.field_errors(), &[FieldError::new("phone", "error-phone-format")]);
        assert_eq!(back.value("cccd"), None);
    }

    #[test]
    fn percent_decoding_reads_form_encoding() {
        assert_eq!(percent_decode("a%2Fb+c%3D%3D%zz%"), "a/b c==%zz%");
    }

    #[test]
    fn only_our_origins_are_followed_in_absolute_locations() {
        let own = "https://dvc.example.vn";
        assert_eq!(
            checked_location("https://dvc.example.vn/dang-ky?x=1", own, None).as_deref(),
            Some("https://dvc.example.vn/dang-ky?x=1")
        );
        assert_eq!(
            checked_location("http://127.0.0.1:9/a", own, Some("127.0.0.1:9")).as_deref(),
            Some("http://127.0.0.1:9/a")
        );
        assert_eq!(checked_location("https://dvc.example.vn.evil.example/", own, None), None);
        assert_eq!(checked_location("https://evil.example//dvc.example.vn", own, None), None);
        assert_eq!(checked_location("https://dvc.example.vn//evil.example", own, None), None);
        assert_eq!(checked_location("javascript://dvc.example.vn/%0aalert(1)", own, None), None);
        assert_eq!(checked_location("/ho-so", own, None).as_deref(), Some("/ho-so"));
        assert_eq!(checked_location("//evil.example", own, None), None);
    }
}
