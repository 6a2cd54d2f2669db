#![recursion_limit = "512"]
//! The portal's HTTP server: configuration, storage, file store and the axum router.
//! `build_app` returns the real application so tests can serve it on port 0.

pub mod catalogue_seed;
pub mod cli;
pub mod client_addr;
pub mod config;
pub mod demo;
pub mod files;
pub mod flash;
pub mod layers;
pub mod live;
pub mod messages;
pub mod metrics;
pub mod ops;
pub mod page_cache;
pub mod payments;
pub mod results;
pub mod serve;
pub mod setup;
pub mod statistics;
pub mod storage;

use app::app::{shell, App};
use app::domain::rate_limit::RateLimiter;
use app::ports::stores::DossierReads;
use app::ports::{PortalConfig, Services};
use axum::extract::{Path, Request, State};

use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use config::Config;
use files::LocalFileStore;
use http::{header, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use storage::Db;

/// What every handler and middleware reaches; one pointer, so the clone each request makes per
/// layer costs a reference count, not a copy of the whole.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub files: Arc<LocalFileStore>,
    pub services: Services,
    pub leptos_options: LeptosOptions,
    pub edge: Arc<Edge>,
    /// Values typed into failed no-JS forms, kept out of URLs (`layers::keep_typed_values`).
    pub flash: Arc<flash::FlashStore>,
    /// Requests that panicked (answered 500 by `layers::catch_panics`); the tests expect none.
    pub panics: Arc<AtomicUsize>,
    /// Tells open desks that their agency's dossiers changed (`live`).
    pub live: live::LiveHub,
    /// Rendered catalogue pages for anonymous readers; every catalogue write invalidates it.
    pub pages: page_cache::PageCache,
    /// When the database last answered the health check.
    pub health: Arc<Health>,
    /// Request counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// `METRICS_TOKEN`: without it `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// The SMS gateway's token for inbound texts (`/api/sms/inbound`).
    pub sms_inbound_token: Option<String>,
    /// The payment gateway whose notifications `/api/thanh-toan/ipn` receives.
    pub vnpay: Option<payments::Vnpay>,
}

/// The health check asks the database at most once per [`Health::FRESH`]: a load balancer or a
/// monitor polling often costs no more than one query per period, and a database that stops
/// answering shows within that period.
#[derive(Default)]
pub struct Health {
    last_ok: Mutex<Option<std::time::Instant>>,
}

impl Health {
    pub const FRESH: std::time::Duration = std::time::Duration::from_millis(500);

    fn recently_ok(&self) -> bool {
        self.last_ok.lock().ok().and_then(|t| *t).is_some_and(|t| t.elapsed() < Self::FRESH)
    }

    fn record(&self, ok: bool) {
        if let Ok(mut t) = self.last_ok.lock() {
            *t = ok.then(std::time::Instant::now);
        }
    }
}

/// What the middleware at the server's edge needs to know about the site.
#[derive(Debug, Clone)]
pub struct Edge {
    /// `PUBLIC_URL`'s origin, e.g. `https://dichvucong.quangtri.gov.vn`.
    pub public_origin: String,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: client_addr::TrustedProxies,
    /// A request body that sends nothing for this long is abandoned.
    pub body_timeout: std::time::Duration,
    /// The payer's page of the payment gateway: the one place outside the site a redirect may
    /// go (`{PAYMENT_GATEWAY_URL}/paymentv2/`).
    pub payer_page: Option<String>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The body limits, from the one table of body rules (`layers::BODY_RULES`).
pub use layers::{SMALL_BODY_LIMIT, UPLOAD_BODY_LIMIT};

pub(crate) fn now_ms() -> i64 {
    app::api::ctx::now_ms()
}

/// Connects storage (running migrations), loads demo data when asked, and builds the router.
pub async fn build_app(config: &Config) -> anyhow::Result<(Router, AppState)> {
    std::fs::create_dir_all(&config.data_dir)?;
    let db = Db::connect(&config.database_url).await.map_err(|e| anyhow::anyhow!("database: {e}"))?;
    let files = Arc::new(LocalFileStore::new(config.data_dir.join("uploads")));
    if config.demo_data && db.is_empty().await.map_err(|e| anyhow::anyhow!("{e}"))? {
        demo::load(&db, files.as_ref(), now_ms()).await.map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
        if config.demo_office {
            demo::office::load(&db, files.as_ref(), now_ms(), 320)
                .await
                .map_err(|e| anyhow::anyhow!("demo office: {e}"))?;
        }
        tracing::info!("demo data loaded");
    }
    let pages = page_cache::PageCache::default();
    // One store for typed values and for what officers searched: both stay out of URLs.
    let flash = Arc::new(flash::FlashStore::default());
    let services = Services {
        store: Arc::new(db.clone()),
        files: files.clone(),
        limiter: Arc::new(Mutex::new(RateLimiter::default())),
        kept: flash.clone(),
        config: PortalConfig {
            public_url: config.public_url.clone(),
            secure_cookies: config.secure_cookies,
            lookup_per_minute: config.lookup_per_minute,
            demo: config.demo_data,
            forms_dir: format!("{}/forms", config.site_root),
            payer_origin: config.payment.as_ref().map(|p| config::origin_of(&p.gateway_url)),
        },
        catalogue_changed: {
            let pages = pages.clone();
            Arc::new(move || pages.invalidate())
        },
        notices: Arc::new(std::sync::RwLock::new(Vec::new())),
        identity: Arc::new(std::sync::RwLock::new(Default::default())),
        payments: config
            .payment
            .clone()
            .map(|c| Arc::new(payments::Vnpay::new(c)) as Arc<dyn app::ports::PaymentGateway>),
        results: results::from_config(config).map(|m| m as Arc<dyn app::ports::ResultSigner>),
    };
    // `scripts/build.sh` names the bundles after their content and writes the names next to the
    // binary (`app-hash.txt`, `desk-hash.txt`); without them (tests) the plain names are used.
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("app-hash.txt").exists()))
        .unwrap_or(false);
    let leptos_options = LeptosOptions::builder()
        .output_name("app")
        .hash_files(hashed)
        .hash_file("app-hash.txt".into())
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr.parse::<std::net::SocketAddr>().unwrap_or_else(|_| ([127, 0, 0, 1], 3000).into()))
        .build();
    let edge = Arc::new(Edge {
        public_origin: config.public_origin(),
        trusted_proxies: config.trusted_proxies.clone(),
        body_timeout: config.body_timeout,
        payer_page: config.payment.as_ref().map(|p| format!("{}/paymentv2/", p.gateway_url)),
    });
    let panics = Arc::new(AtomicUsize::new(0));
    let live = live::LiveHub::start(Arc::new(db.clone()), config.live_period);
    promote_versions_when_due(db.clone(), pages.clone());
    let state = AppState(Arc::new(Shared {
        db,
        files,
        services,
        leptos_options: leptos_options.clone(),
        edge,
        flash,
        panics: panics.clone(),
        live,
        pages,
        health: Arc::new(Health::default()),
        metrics: Arc::new(metrics::Metrics::default()),
        metrics_token: config.metrics_token.clone(),
        sms_inbound_token: config.sms_inbound_token.clone(),
        vnpay: config.payment.clone().map(payments::Vnpay::new),
    }));
    // What every page shows besides its content is known before the first request.
    app::api::content::ssr::site_changed(&state.services).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    keep_notices_current(state.services.clone());
    payments::reconcile_daily(state.services.clone());
    results::spawn_worker(state.services.clone(), config.outbox_period);
    messages::spawn(
        state.db.clone(),
        messages::Senders::from_config(config)?,
        config.public_url.clone(),
        config.outbox_period,
    );
    let routes = route_list();

    let ctx_services = state.services.clone();
    let provide = move || provide_context(ctx_services.clone());
    let site = Router::new()
        .route("/tep/{id}", get(download))
        .route("/ho-so/{code}/bien-lai/{so}/tai-ve", get(download_receipt))
        .route("/xac-thuc/{token}/tai-ve", get(results::download))
        .route("/thong-ke/tai-ve", get(statistics::download))
        .route("/api/desk/live", get(live::live))
        .leptos_routes_with_context(&state, routes, provide, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.clone(), layers::body_limits))
        .layer(from_fn(layers::error_status))
        .layer(from_fn_with_state(state.clone(), layers::keep_typed_values))
        .layer(from_fn_with_state(state.clone(), layers::checked_redirects))
        .layer(from_fn_with_state(state.clone(), layers::session))
        .layer(from_fn_with_state(state.clone(), layers::same_origin_writes))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state.clone());
    // The edge (request id, log line, security headers, caught panics) wraps everything; the
    // health check, polled hard by monitors, has no session, body or page to need the layers
    // inside it, and kept pages are answered before them.
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/api/sms/inbound", axum::routing::post(messages::inbound))
        .route("/api/thanh-toan/ipn", get(payments::ipn))
        .with_state(state.clone())
        .merge(site)
        .layer(from_fn_with_state(state.pages.clone(), page_cache::serve_kept_pages))
        .layer(layers::catch_panics(panics))
        .layer(from_fn_with_state(state.metrics.clone(), layers::observe));
    // Browsers that once reached the portal over HTTPS never try plain HTTP again.
    let router = if config.public_url.starts_with("https://") {
        router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    };
    Ok((router, state))
}

/// Catalogue versions imported for a later day take effect when it comes: checked now and every
/// few minutes; kept pages are dropped when any did.
fn promote_versions_when_due(db: Db, pages: page_cache::PageCache) {
    use app::ports::CatalogueAdmin;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            match db.promote_due_versions(now_ms()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(versions = n, "catalogue versions took effect");
                    pages.invalidate();
                }
                Err(e) => tracing::warn!("promoting catalogue versions: {e}"),
            }
        }
    });
}

/// The app's routes, generated once per process. Generating them runs the whole app with
/// resource loading suppressed through a process-wide flag (leptos_server 0.8's
/// `SuppressResourceLoad`): a resource first polled on another thread meanwhile waits forever,
/// so a second generation while a server already renders (several servers in one test process)
/// hung a signed-in desk page now and then. Once per process, before any server serves, there is
/// no such window.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The banner of open incidents and the province's name and help line are read from the
/// database now and every minute: another server process may have changed them.
fn keep_notices_current(services: Services) {
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(60);
        // The first reading was made before serving: the next one is a period later.
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tick.tick().await;
            if let Err(e) = app::api::content::ssr::site_changed(&services).await {
                tracing::warn!("reading the incident banner: {e:?}");
            }
        }
    });
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.health.recently_ok() {
        return (StatusCode::OK, "ok").into_response();
    }
    match sqlx::query("select 1").execute(&state.db.pool).await {
        Ok(_) => {
            state.health.record(true);
            (StatusCode::OK, "ok").into_response()
        }
        Err(e) => {
            state.health.record(false);
            tracing::error!("health check: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The policy a stored file is served with: nothing may load or run (`default-src 'none'`), only
/// our own pages may frame it (the desk's preview), and images are sandboxed. PDFs are not:
/// Chromium's PDF viewer does not start in a sandboxed document (crbug 413851), and the desk
/// previews PDFs in an iframe; a PDF's scripts run in the viewer's own origin, never ours.
pub fn file_csp(content_type: &str) -> &'static str {
    if content_type == "application/pdf" {
        "default-src 'none'; frame-ancestors 'self'"
    } else {
        "default-src 'none'; frame-ancestors 'self'; sandbox"
    }
}

/// The name a file is downloaded under: what the uploader called it, with the extension of the
/// type its bytes were found to be (`giay-to.exe` that is a PDF downloads as `giay-to.pdf`).
pub fn download_name(uploaded: &str, content_type: &str) -> String {
    let ext = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    };
    let base = uploaded.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(base);
    let stem: String = stem
        .chars()
        .filter(|c| !c.is_control() && !app::domain::text::is_bidi_control(*c) && !matches!(c, '"' | ';'))
        .take(100)
        .collect();
    let stem = stem.trim().trim_matches('.');
    format!("{}.{ext}", if stem.is_empty() { "tep" } else { stem })
}

/// A receipt as a file to keep (one HTML document), for whoever may read it; anyone else gets
/// the same 404 as a missing receipt.
async fn download_receipt(
    State(state): State<AppState>,
    Path((code, so)): Path<(String, String)>,
    req: Request,
) -> Response {
    let user = req.extensions().get::<app::api::ctx::SessionUser>().and_then(|s| s.0.clone());
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "sign-in required").into_response();
    };
    let receipt = match app::api::payments::ssr::receipt_for(state.services.store.as_ref(), &user, &code, &so).await {
        Ok(r) => r,
        Err(app::error::AppError::NotFound | app::error::AppError::Forbidden) => {
            return StatusCode::NOT_FOUND.into_response()
        }
        Err(e) => {
            tracing::error!("receipt download: {e:?}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut res = app::pages::receipts::receipt_file(&receipt).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"bien-lai-{}.html\"", receipt.number)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

/// A dossier file, only for its owner. Any other caller gets the same 404 as a missing file.
async fn download(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let user = req.extensions().get::<app::api::ctx::SessionUser>().and_then(|s| s.0.clone());
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "sign-in required").into_response();
    };
    if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found = match state.db.file(&id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!("file lookup: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let acts_for = match (&found, user.role.is_officer()) {
        (Some(a), false) if a.organisation_id.is_some() && a.owner_id != user.id => {
            use app::ports::OrganisationStore;
            match state.db.acting_for(user.id).await {
                Ok(acting) => acting.iter().map(|o| o.id).collect(),
                Err(e) => {
                    tracing::error!("file lookup: {e}");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            }
        }
        _ => Vec::new(),
    };
    // Through the reader policy: its owner's side (the applicant, or the people of the
    // organisation it was submitted for) when the owner may see this file; the officers of an
    // agency involved in the dossier.
    let access = match found {
        Some(a) => {
            let involves = |agency: &str| a.agencies.iter().any(|c| c == agency);
            let parties = app::policy::Parties {
                applicant_id: a.owner_id,
                organisation_id: a.organisation_id,
                viewer_acts_for: &acts_for,
                involves: &involves,
            };
            match app::policy::access(Some(&user), parties) {
                app::policy::Access::Officer => a,
                app::policy::Access::Applicant | app::policy::Access::Organisation if a.owner_may_see => a,
                _ => return StatusCode::NOT_FOUND.into_response(),
            }
        }
        None => return StatusCode::NOT_FOUND.into_response(),
    };
    use app::ports::FileStore;
    match state.files.read(&access.file.storage_key).await {
        Ok(bytes) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&access.file.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            let name = download_name(&access.file.file_name, &access.file.content_type);
            let encoded = app::components::layout::url_encode(&name);
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(file_csp(&access.file.content_type)));
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
            res
        }
        Err(e) => {
            tracing::error!("file read: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_takes_the_extension_of_the_sniffed_type() {
        assert_eq!(download_name("giay-to.exe", "application/pdf"), "giay-to.pdf");
        assert_eq!(download_name("anh.pdf.html", "image/png"), "anh.pdf.png");
        assert_eq!(download_name("Ảnh CCCD.JPEG", "image/jpeg"), "Ảnh CCCD.jpg");
        assert_eq!(download_name("hoa-don\u{202E}fdp.exe", "image/png"), "hoa-donfdp.png");
        assert_eq!(download_name("C:\\tmp\\x.svg", "image/png"), "x.png");
        assert_eq!(download_name("", "application/pdf"), "tep.pdf");
        assert_eq!(download_name(".htaccess", "image/png"), "tep.png");
    }

    #[test]
    fn stored_files_may_not_load_anything_and_images_are_sandboxed() {
        assert_eq!(file_csp("image/png"), "default-src 'none'; frame-ancestors 'self'; sandbox");
        assert!(file_csp("application/pdf").starts_with("default-src 'none'; frame-ancestors 'self'"));
    }
}
