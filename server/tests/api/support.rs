//! Test harness: a fresh database and data directory per app, a browser-like client.

pub use app::ports::stores::*;
use reqwest::multipart::{Form, Part};
use reqwest::{redirect, Client, Response};
use server::config::Config;
use server::storage::Db;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL when `PORTAL_TEST_PG` is set (required when `PORTAL_REQUIRE_PG=1`).
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if std::env::var("PORTAL_TEST_PG").is_ok() {
        out.push(Backend::Postgres);
    } else if std::env::var("PORTAL_REQUIRE_PG").is_ok_and(|v| v == "1") {
        panic!("PORTAL_REQUIRE_PG=1 but PORTAL_TEST_PG is not set");
    }
    out
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub files: std::sync::Arc<server::files::LocalFileStore>,
    pub data_dir: std::path::PathBuf,
    pub database_url: String,
    pub backend: Backend,
    /// Requests the server answered with a caught panic: none, or the test fails.
    pub panics: std::sync::Arc<AtomicUsize>,
    /// The server's kept catalogue pages.
    pub pages: server::page_cache::PageCache,
    /// The SMS gateway the app sends to, when a test configured one (a sink it can read back).
    pub sms_gateway: Option<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_eq!(self.panics.load(Ordering::SeqCst), 0, "the server panicked while serving this test");
        }
    }
}

/// A new, empty PostgreSQL database named `name`; its URL.
pub async fn throwaway_pg(name: &str) -> String {
    use sqlx::Connection;
    let admin = std::env::var("PORTAL_TEST_PG").expect("PORTAL_TEST_PG");
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to the PostgreSQL admin database");
    sqlx::query(&format!("drop database if exists {name}")).execute(&mut conn).await.unwrap();
    sqlx::query(&format!("create database {name}")).execute(&mut conn).await.unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    format!("{base}/{name}")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, true).await
    }

    pub async fn spawn_with(backend: Backend, demo: bool) -> TestApp {
        Self::spawn_configured(backend, demo, |_| {}).await
    }

    /// An app whose configuration the test adjusts (timeouts, trusted proxies, `PUBLIC_URL` …).
    pub async fn spawn_configured(backend: Backend, demo: bool, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("portal_test_{}_{n}", std::process::id());
        let data_dir = std::env::temp_dir().join(&name);
        let _ = std::fs::remove_dir_all(&data_dir);
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/portal.db", data_dir.display()),
            Backend::Postgres => throwaway_pg(&name).await,
        };
        let site = data_dir.join("site");
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../style/main.css"), site.join("pkg/app.css")).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config {
            data_dir: data_dir.clone(),
            database_url,
            demo_data: demo,
            demo_office: false,
            site_addr: addr.to_string(),
            site_root: site.display().to_string(),
            public_url: format!("http://{addr}"),
            secure_cookies: false,
            trusted_proxies: Default::default(),
            header_timeout: server::config::HEADER_TIMEOUT,
            body_timeout: server::config::BODY_TIMEOUT,
            live_period: std::time::Duration::from_millis(100),
            lookup_per_minute: 60,
            metrics_token: None,
            smtp_url: None,
            mail_from: "Cổng Dịch vụ công <no-reply@localhost>".into(),
            sms_gateway_url: None,
            sms_gateway_token: None,
            sms_inbound_token: None,
            outbox_period: std::time::Duration::from_millis(100),
            payment: None,
        };
        adjust(&mut config);
        let (router, state) = server::build_app(&config).await.expect("app builds");
        let header_timeout = config.header_timeout;
        tokio::spawn(async move {
            server::serve::serve(listener, router, header_timeout, std::future::pending()).await.unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            db: state.db.clone(),
            files: state.files.clone(),
            data_dir,
            database_url: config.database_url.clone(),
            backend,
            panics: state.panics.clone(),
            pages: state.pages.clone(),
            sms_gateway: config.sms_gateway_url.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies and does not follow redirects, like a test of each hop.
    pub fn client(&self) -> Client {
        // A request that is never answered fails its test with a name after two minutes instead
        // of holding the whole run until CI's limit (seen once: a handling test waited forever).
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .unwrap()
    }

    /// Posts a URL-encoded form as a browser does (Accept: text/html, Referer).
    pub async fn form(&self, client: &Client, path: &str, referer: &str, fields: &[(&str, &str)]) -> Response {
        client
            .post(self.url(path))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", self.url(referer))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Signs up a citizen as a browser does: the form, then the code sent by SMS to `phone`;
    /// returns the signed-in client.
    pub async fn citizen(&self, name: &str, cccd: &str, phone: &str) -> Client {
        let c = self.client();
        let res = self.register(&c, name, cccd, phone, "matkhau2026").await;
        assert_eq!(res.status(), 302, "registration of {cccd} redirects");
        assert_eq!(location(&res), SIGNUP_CODE, "registration of {cccd} asks for the code");
        let res = self.confirm_signup(&c, phone).await;
        assert_eq!(location(&res), "/ho-so", "{cccd} is signed in once the code is given");
        c
    }

    /// Gives the latest code sent to `phone` on the sign-up page.
    pub async fn confirm_signup(&self, c: &Client, phone: &str) -> Response {
        let code = self.sms_code(phone).await;
        self.form(c, "/api/account/confirm-signup", SIGNUP_CODE, &[("code", &code), ("next", "/ho-so")]).await
    }

    /// The code in the latest SMS for `phone`, as the phone shows it: from the outbox while it
    /// waits there, else (a sent code's text is wiped from the outbox) from the SMS sink the
    /// test configured.
    pub async fn sms_code(&self, phone: &str) -> String {
        let mut body = None;
        for _ in 0..1200 {
            let queued =
                texts(self, "select body from outbox where channel = 'sms' and recipient = $1 order by id desc", phone)
                    .await;
            match queued.first() {
                Some(b) if !b.is_empty() => body = Some(b.clone()),
                Some(_) => {
                    let url = self.sms_gateway.as_ref().expect("a sent SMS went to a configured gateway");
                    if let Ok(res) = reqwest::get(url).await {
                        let sent: Vec<serde_json::Value> = res.json().await.unwrap();
                        body = sent
                            .iter()
                            .rev()
                            .find(|t| t["to"] == phone)
                            .and_then(|t| t["text"].as_str().map(String::from));
                    }
                }
                None => panic!("no SMS was queued for {phone}"),
            }
            if body.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let body = body.unwrap_or_else(|| panic!("the SMS to {phone} never arrived"));
        let code: String = body.chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(code.len(), 6, "an SMS code opens the text: {body:?}");
        code
    }

    /// Posts the registration form as a browser does.
    pub async fn register(&self, c: &Client, name: &str, cccd: &str, phone: &str, password: &str) -> Response {
        self.form(
            c,
            "/api/account/register",
            "/dang-ky",
            &[
                ("full_name", name),
                ("cccd", cccd),
                ("phone", phone),
                ("email", ""),
                ("password", password),
                ("next", "/ho-so"),
            ],
        )
        .await
    }

    /// Signs in an existing account (a demo citizen or officer); an officer also gives the
    /// second factor, enrolling one first when they have none.
    pub async fn login(&self, cccd: &str, password: &str) -> Client {
        let c = self.client();
        let res = self
            .form(&c, "/api/account/login", "/dang-nhap", &[("cccd", cccd), ("password", password), ("next", "/")])
            .await;
        assert_eq!(res.status(), 302, "sign-in of {cccd}");
        if location(&res) == SECOND_FACTOR {
            let res = self.second_factor(&c, cccd).await;
            assert_eq!(res.status(), 302, "second factor of {cccd}");
            let to = location(&res);
            assert!(to == "/" || to.starts_with("/dang-nhap/ma-du-phong"), "second factor of {cccd}: {to}");
            return c;
        }
        assert_eq!(location(&res), "/", "sign-in of {cccd} succeeded");
        c
    }

    /// The secret of `cccd`'s authenticator app: enrolled, or offered by the enrolment waiting.
    pub async fn totp_secret(&self, cccd: &str) -> Vec<u8> {
        use sqlx::Row;
        let row = sqlx::query(
            "select coalesce(u.totp_secret, (select c.pending_secret from second_factor_challenges c \
             where c.user_id = u.id order by c.expires_at desc limit 1)) from users u where u.cccd = $1",
        )
        .bind(cccd)
        .fetch_one(&self.db.pool)
        .await
        .unwrap();
        let secret: String = row.get(0);
        app::domain::totp::from_base32(&secret).expect("a base32 secret")
    }

    /// Gives the code `cccd`'s authenticator app shows now. A code works once; so that one test
    /// may sign the same officer in many times within 30 seconds, the officer's last accepted
    /// step is forgotten first (the replay rule has tests of its own).
    pub async fn second_factor(&self, c: &Client, cccd: &str) -> Response {
        sqlx::query("update users set totp_last_step = null where cccd = $1")
            .bind(cccd)
            .execute(&self.db.pool)
            .await
            .unwrap();
        let secret = self.totp_secret(cccd).await;
        let code = app::domain::totp::code_at(&secret, app::domain::totp::step_of(app::api::ctx::now_ms()));
        self.form(c, "/api/account/second-factor", SECOND_FACTOR, &[("code", &code)]).await
    }

    pub fn uploaded_files(&self) -> usize {
        server::files::LocalFileStore::new(self.data_dir.join("uploads")).count_files()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql).fetch_one(&self.db.pool).await.unwrap().get::<i64, _>(0)
    }
}

/// Where registration sends a browser, whether the CCCD had an account or not: the page that
/// asks for the code sent by SMS.
pub const SIGNUP_CODE: &str = "/dang-ky/xac-minh?next=/ho-so";
/// Where an officer's right password leads: the second factor.
pub const SECOND_FACTOR: &str = "/dang-nhap/xac-thuc";

pub fn location(res: &Response) -> String {
    res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The decoded `AppError` a browser-form redirect carries in `__err`.
pub fn redirected_error(res: &Response) -> app::error::AppError {
    let loc = location(res);
    let url = reqwest::Url::parse(&loc).unwrap_or_else(|_| reqwest::Url::parse(&format!("http://x{loc}")).unwrap());
    let err = url
        .query_pairs()
        .find(|(k, _)| k == "__err")
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("no __err in {loc}"));
    leptos::server_fn::error::ServerFnUrlError::<app::error::AppError>::decode_err(&err)
}

pub fn field_keys(e: &app::error::AppError) -> Vec<(String, String)> {
    e.field_errors().iter().map(|f| (f.field.clone(), f.key.clone())).collect()
}

pub fn pdf(title: &str) -> Vec<u8> {
    server::demo::demo_pdf(title)
}

pub fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[0u8; 64]);
    b
}

/// The procedure used by most tests: birth registration (commune level), its components and form.
pub async fn birth(app: &TestApp) -> app::api::catalogue::ProcedureDetail {
    app.db.procedure("1.001193").await.unwrap().expect("demo catalogue has 1.001193")
}

/// A complete, valid dossier form for `p` with one file per required component.
pub fn dossier_form(p: &app::api::catalogue::ProcedureDetail, key: &str, action: &str) -> Form {
    let mut form = dossier_text(p, key, action);
    for (i, c) in p.components.iter().filter(|c| c.required).enumerate() {
        let part = if i % 2 == 0 {
            Part::bytes(pdf(&c.name)).file_name(format!("giay-to-{i}.pdf")).mime_str("application/pdf").unwrap()
        } else {
            Part::bytes(png()).file_name(format!("anh-{i}.png")).mime_str("image/png").unwrap()
        };
        form = form.part(format!("file_{}", c.id), part);
    }
    form
}

/// The e-form of `p` filled in correctly, without files.
pub fn dossier_text(p: &app::api::catalogue::ProcedureDetail, key: &str, action: &str) -> Form {
    let mut form =
        Form::new().text("key", key.to_string()).text("procedure", p.code.clone()).text("intent", action.to_string());
    for f in &p.form_fields {
        form = form.text(f.input_name(), server::demo::sample_answer(f));
    }
    form
}

pub async fn post_dossier(
    app: &TestApp,
    client: &Client,
    p: &app::api::catalogue::ProcedureDetail,
    form: Form,
) -> Response {
    client
        .post(app.url("/api/dossiers/save"))
        .header("Accept", "text/html")
        .header("Referer", app.url(&format!("/thu-tuc/{}/nop", p.code)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub fn new_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// The first column of `sql` (one text per row) with `$1` bound to `arg`.
pub async fn texts(app: &TestApp, sql: &str, arg: &str) -> Vec<String> {
    use sqlx::Row;
    sqlx::query(sql).bind(arg).fetch_all(&app.db.pool).await.unwrap().iter().map(|r| r.get(0)).collect()
}
