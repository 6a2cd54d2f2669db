//! Security at the server's edges (issue 8): redirects, panics, cross-site posts, …

use crate::support::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[tokio::test]
async fn redirect_targets_from_requests_stay_on_the_site() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    for (next, expected) in [
        ("//evil.example", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/thu-tuc?q=abc", "/thu-tuc?q=abc"),
    ] {
        let res = c
            .get(app.url("/api/lang"))
            .header("Accept", "text/html")
            .query(&[("l", "en"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{next}: {}", res.status());
        assert_eq!(location(&res), expected, "language link with next={next}");
    }

    // After signing in and after registering.
    let res = app
        .form(
            &c,
            "/api/account/login",
            "/dang-nhap",
            &[("cccd", "045095001234"), ("password", "matkhau2026"), ("next", "https://evil.example")],
        )
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/ho-so", "sign-in with next=https://evil");
    let res = app
        .form(
            &app.client(),
            "/api/account/register",
            "/dang-ky",
            &[
                ("full_name", "Đỗ Văn Nam"),
                ("cccd", "045300000901"),
                ("phone", "0901234901"),
                ("email", ""),
                ("password", "matkhau2026"),
                ("next", "//evil.example/ho-so"),
            ],
        )
        .await;
    // Registration goes on to the code page (it starts no session), carrying a safe `next`.
    assert_eq!(location(&res), "/dang-ky/xac-minh?next=/ho-so", "registration with next=//evil");

    // A failed browser form goes back to its Referer only when that is one of our pages.
    let res = app
        .client()
        .post(app.url("/api/account/login"))
        .header("Accept", "text/html")
        .header("Referer", "https://evil.example/dang-nhap")
        .form(&[("cccd", "045095001234"), ("password", "sai-mat-khau")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), "/", "a forged Referer is not followed");
}

async fn boom() -> &'static str {
    panic!("boom")
}

#[tokio::test]
async fn a_panic_answers_a_plain_500_is_counted_and_the_server_keeps_serving() {
    use axum::routing::get;
    let panics = Arc::new(AtomicUsize::new(0));
    let router = axum::Router::new()
        .route("/boom", get(boom))
        .route("/ok", get(|| async { "ok" }))
        .layer(server::layers::catch_panics(panics.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = reqwest::Client::new();
    let res = client.get(format!("http://{addr}/boom")).send().await.unwrap();
    assert_eq!(res.status(), 500);
    assert_eq!(res.text().await.unwrap(), "internal error", "no panic message reaches the client");
    assert_eq!(panics.load(Ordering::SeqCst), 1);
    let res = client.get(format!("http://{addr}/ok")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

fn sets_session_cookie(res: &reqwest::Response) -> bool {
    res.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap_or("").starts_with("sid="))
}

#[tokio::test]
async fn a_post_from_another_site_is_refused_sign_in_included() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let login = [("cccd", "045095001234"), ("password", "matkhau2026"), ("next", "/ho-so")];
        let cross = [
            ("Origin", "https://evil.example"),
            ("Origin", "null"),
            ("Origin", &format!("{}.evil.example", app.base)),
            ("Sec-Fetch-Site", "cross-site"),
        ];
        for (name, value) in cross {
            let res = app
                .client()
                .post(app.url("/api/account/login"))
                .header("Accept", "text/html")
                .header(name, value)
                .form(&login)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{backend:?}: {name}: {value}");
            assert!(!sets_session_cookie(&res), "{backend:?}: no session for a cross-site sign-in");
        }
        // A signed-in citizen's browser posting from another site changes nothing.
        let c = app.citizen("Vũ Thị Lan", "045300000902", "0901234902").await;
        let res = c
            .post(app.url("/api/account/logout"))
            .header("Origin", "https://evil.example")
            .header("Sec-Fetch-Site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{backend:?}");
        assert_eq!(c.get(app.url("/ho-so")).send().await.unwrap().status(), 200, "{backend:?}: still signed in");

        // Our own pages' posts pass, by PUBLIC_URL's origin or the Host's.
        let res = app
            .client()
            .post(app.url("/api/account/login"))
            .header("Accept", "text/html")
            .header("Origin", app.base.clone())
            .header("Sec-Fetch-Site", "same-origin")
            .form(&login)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "{backend:?}");
        assert_eq!(location(&res), "/ho-so");
        assert!(sets_session_cookie(&res), "{backend:?}: same-origin sign-in works");
        // A GET from another site (a link) is fine.
        let res = app.client().get(app.url("/thu-tuc")).header("Sec-Fetch-Site", "cross-site").send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
}

#[tokio::test]
async fn a_failed_no_js_form_keeps_what_was_typed_on_the_server_not_in_the_url() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.client();
        let (name, cccd, phone) = ("Phùng Thị Riêng", "045196007777", "0987654321");
        let res = app
            .form(
                &c,
                "/api/account/register",
                "/dang-ky?next=%2Fho-so",
                &[
                    ("full_name", name),
                    ("cccd", cccd),
                    ("phone", phone),
                    ("email", "rieng@example.vn"),
                    ("password", "ngan"),
                    ("next", "/ho-so"),
                ],
            )
            .await;
        assert_eq!(res.status(), 302, "{backend:?}");
        let loc = location(&res);
        let decoded =
            reqwest::Url::parse(&loc).unwrap().query_pairs().map(|(k, v)| format!("{k}={v}")).collect::<String>();
        for typed in [name, cccd, phone, "rieng@example.vn", "Phùng", "0987654321"] {
            assert!(!loc.contains(typed) && !decoded.contains(typed), "{backend:?}: {typed} in {loc}");
        }
        let e = redirected_error(&res);
        assert_eq!(field_keys(&e), vec![("password".into(), "error-password-length".into())], "{backend:?}");
        assert_eq!(e, e.clone().as_shown(), "{backend:?}: the URL carries known keys and no values");
        assert!(
            res.headers().get_all("set-cookie").iter().any(|v| {
                let v = v.to_str().unwrap();
                v.starts_with("flash=") && v.contains("HttpOnly") && v.contains("Max-Age=600")
            }),
            "{backend:?}: the browser keeps only an opaque id"
        );

        // The page it leads to shows what was typed and the translated error.
        let html = c.get(&loc).send().await.unwrap().text().await.unwrap();
        for typed in [name, cccd, phone, "rieng@example.vn"] {
            assert!(html.contains(&format!("value=\"{typed}\"")), "{backend:?}: {typed} shown again");
        }
        assert!(html.contains("Mật khẩu phải có từ 8 đến 128 ký tự."), "{backend:?}: translated error");
        assert!(!html.contains("value=\"ngan\""), "{backend:?}: never the password");

        // Another browser with the same URL sees the error, not the values.
        let html = app.client().get(&loc).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Mật khẩu phải có từ 8 đến 128 ký tự."));
        assert!(!html.contains(cccd) && !html.contains(name), "{backend:?}: the values stay with their browser");
    }
}

#[tokio::test]
async fn a_crafted_error_url_shows_only_known_messages_and_no_values() {
    use app::domain::FieldError;
    use app::error::AppError;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let crafted = AppError::Invalid {
        errors: vec![
            FieldError::new("cccd", "Tài khoản bị khoá, gọi 0909 000 999"),
            FieldError::new("phone", "error-phone-format"),
        ],
        values: vec![("full_name".into(), "Kẻ Giả Mạo".into())],
    };
    let url = leptos::server_fn::error::ServerFnUrlError::new("/api/account/register", crafted)
        .to_url(&app.url("/dang-ky"))
        .unwrap();
    let html = app.client().get(url.as_str()).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("0909 000 999"), "an unknown key is not shown");
    assert!(html.contains("Giá trị này không hợp lệ."), "it reads as the generic message");
    assert!(html.contains("Số điện thoại di động không hợp lệ"), "known keys are translated");
    assert!(!html.contains("Kẻ Giả Mạo"), "values from a URL are never shown");
}

async fn lookups_until_refused(app: &TestApp, forwarded_for: &str) -> usize {
    let c = app.client();
    for i in 0..70 {
        let res = c
            .get(app.url("/api/lookup?ma=X-261122-0001"))
            .header("X-Forwarded-For", forwarded_for)
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            return i;
        }
    }
    70
}

#[tokio::test]
async fn x_forwarded_for_is_believed_only_from_trusted_proxies() {
    // By default the header is the client's own claim: changing it does not escape a limit.
    let app = TestApp::spawn_with(Backend::Sqlite, false).await;
    assert_eq!(lookups_until_refused(&app, "203.0.113.1").await, 60);
    assert_eq!(lookups_until_refused(&app, "203.0.113.2").await, 0, "the socket peer is the client");

    // Behind our proxy (the test client's 127.0.0.1), each forwarded client has its own limit.
    let app = TestApp::spawn_configured(Backend::Sqlite, false, |c| {
        c.trusted_proxies = server::client_addr::TrustedProxies::parse("127.0.0.1/32, ::1").unwrap();
    })
    .await;
    assert_eq!(lookups_until_refused(&app, "203.0.113.1").await, 60);
    assert_eq!(lookups_until_refused(&app, "203.0.113.2").await, 60, "another client behind the proxy");
    assert_eq!(lookups_until_refused(&app, "203.0.113.2, 203.0.113.1").await, 0, "the rightmost hop counts");
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_or_body_loses_the_connection() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_configured(Backend::Sqlite, false, |c| {
        c.header_timeout = Duration::from_secs(1);
        c.body_timeout = Duration::from_secs(1);
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let slow = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1".to_vec(),
        b"POST /api/account/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncccd=04509".to_vec(),
    ];
    for request in slow {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(&request).await.unwrap();
        // Keep the connection open and send nothing more: the server must give up on it.
        let started = Instant::now();
        let mut out = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(8), s.read_to_end(&mut out)).await;
        assert!(read.is_ok(), "connection still held after 8 s: {}", String::from_utf8_lossy(&request));
        assert!(started.elapsed() < Duration::from_secs(5));
        let answer = String::from_utf8_lossy(&out);
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    let res = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn signed_in_pages_are_never_cached_and_https_sites_ask_for_https_only() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let res = app
        .form(&c, "/api/account/login", "/dang-nhap", &[("cccd", "045095001234"), ("password", "matkhau2026")])
        .await;
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-store", "the response setting the session cookie");
    for path in ["/ho-so", "/thu-tuc", "/api/account/me"] {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
    }
    let anonymous = app.client().get(app.url("/thu-tuc")).send().await.unwrap();
    assert_ne!(anonymous.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"));
    assert!(anonymous.headers().get("strict-transport-security").is_none(), "plain HTTP: no HSTS");

    let https = TestApp::spawn_configured(Backend::Sqlite, false, |c| {
        c.public_url = "https://dichvucong.example.vn".into();
    })
    .await;
    for path in ["/", "/healthz", "/khong-co"] {
        let res = https.client().get(https.url(path)).send().await.unwrap();
        assert_eq!(
            res.headers().get("strict-transport-security").unwrap(),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_officer_session_ends_after_thirty_idle_minutes_a_citizens_does_not() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let officer = app.login("045185000101", "canbo2026").await;
        let citizen = app.login("045095001234", "matkhau2026").await;
        let me = |c: reqwest::Client| {
            let url = app.url("/api/account/me");
            async move { c.get(url).send().await.unwrap().text().await.unwrap() }
        };
        assert!(me(officer.clone()).await.contains("Lê Thị Thu Hà"));
        let age = |minutes: i64| {
            format!(
                "update sessions set last_seen_at = last_seen_at - {}, created_at = created_at - {}",
                minutes * 60_000,
                minutes * 60_000
            )
        };
        // 20 idle minutes: still signed in, and the request is recorded.
        sqlx::query(&age(20)).execute(&app.db.pool).await.unwrap();
        assert!(me(officer.clone()).await.contains("Lê Thị Thu Hà"), "{backend:?}");
        let recent = app
            .count(&format!(
                "select count(*) from sessions s join users u on u.id = s.user_id where u.cccd = '045185000101' and s.last_seen_at > {}",
                app::api::ctx::now_ms() - 60_000
            ))
            .await;
        assert_eq!(recent, 1, "{backend:?}: the last request was recorded");
        // 31 idle minutes: the officer is signed out, the citizen is not.
        sqlx::query(&age(31)).execute(&app.db.pool).await.unwrap();
        assert_eq!(me(officer.clone()).await, "null", "{backend:?}: the officer's session ended");
        assert_eq!(officer.get(app.url("/mot-cua")).send().await.unwrap().status(), 401, "{backend:?}");
        assert!(me(citizen.clone()).await.contains("Nguyễn Văn An"), "{backend:?}: citizens keep their 12 hours");
    }
}

#[tokio::test]
async fn files_download_under_their_sniffed_type_and_may_run_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let owner = app.citizen("Chủ Tệp", "045201000017", "0911000017").await;
        let res = post_dossier(&app, &owner, &p, dossier_form(&p, &new_key(), "submit")).await;
        assert!(!location(&res).contains("__err"), "{backend:?}");
        // Whatever the uploader called them, e.g. a PDF named like a program, a PNG like a page.
        let mine = "dossier_id in (select d.id from dossiers d join users u on u.id = d.applicant_id where u.cccd = '045201000017')";
        sqlx::query(&format!(
            "update dossier_files set file_name = case when content_type = 'application/pdf' then 'hoa-don.exe' else 'anh.html' end where {mine}"
        ))
        .execute(&app.db.pool)
        .await
        .unwrap();
        let rows = sqlx::query(&format!("select id, content_type from dossier_files where {mine}"))
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert!(rows.len() >= 2);
        for row in rows {
            use sqlx::Row;
            let (id, content_type): (String, String) = (row.get(0), row.get(1));
            let res = owner.get(app.url(&format!("/tep/{id}"))).send().await.unwrap();
            assert_eq!(res.status(), 200);
            let h = res.headers();
            let disposition = h.get("content-disposition").unwrap().to_str().unwrap();
            let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
            assert!(csp.starts_with("default-src 'none'; frame-ancestors 'self'"), "{csp}");
            if content_type == "application/pdf" {
                assert_eq!(disposition, "inline; filename*=UTF-8''hoa-don.pdf", "{backend:?}");
            } else {
                assert_eq!(disposition, "inline; filename*=UTF-8''anh.png", "{backend:?}");
                assert!(csp.ends_with("; sandbox"), "{csp}");
            }
            assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
            assert_eq!(h.get("content-type").unwrap().to_str().unwrap(), content_type);
        }
    }
}

#[tokio::test]
async fn names_with_bidi_controls_are_refused_and_names_are_stored_in_nfc() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let fields = |name: &'static str, cccd: &'static str, phone: &'static str| {
        [
            ("full_name", name),
            ("cccd", cccd),
            ("phone", phone),
            ("email", ""),
            ("password", "matkhau2026"),
            ("next", "/ho-so"),
        ]
    };
    let res =
        app.form(&c, "/api/account/register", "/dang-ky", &fields("Lê \u{202E}nA", "045300000931", "0901234931")).await;
    assert_eq!(field_keys(&redirected_error(&res)), vec![("full_name".into(), "error-text-bidi".into())]);
    let html = c.get(location(&res)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Không dùng các ký tự điều khiển hướng chữ"), "the translated field error");

    app.citizen("Nguye\u{302}\u{303}n Thi\u{323} Hoa", "045300000932", "0901234932").await;
    let stored: String = sqlx::Row::get(
        &sqlx::query("select full_name from users where cccd = '045300000932'").fetch_one(&app.db.pool).await.unwrap(),
        0,
    );
    assert_eq!(stored, "Nguyễn Thị Hoa", "stored precomposed (NFC)");
}

#[tokio::test]
async fn a_stranger_guessing_an_officers_password_cannot_lock_the_officer_out() {
    for backend in backends() {
        let app = TestApp::spawn_configured(backend, true, |c| {
            c.trusted_proxies = server::client_addr::TrustedProxies::parse("127.0.0.1, ::1").unwrap();
        })
        .await;
        let attempt = |from: &'static str, password: &'static str| {
            let req = app
                .client()
                .post(app.url("/api/account/login"))
                .header("X-Forwarded-For", from)
                .form(&[("cccd", "045185000101"), ("password", password)]);
            async move { req.send().await.unwrap().status().as_u16() }
        };
        for _ in 0..5 {
            assert_eq!(attempt("203.0.113.66", "doan-mo-1").await, 400, "{backend:?}: a wrong password");
        }
        assert_eq!(attempt("203.0.113.66", "doan-mo-2").await, 429, "{backend:?}: the guesser is stopped");
        assert_eq!(attempt("203.0.113.66", "canbo2026").await, 429, "{backend:?}: even with the right password");
        // The officer, from the office, signs in.
        let officer = app.client();
        let res = officer
            .post(app.url("/api/account/login"))
            .header("X-Forwarded-For", "192.0.2.10")
            .header("Accept", "text/html")
            .form(&[("cccd", "045185000101"), ("password", "canbo2026"), ("next", "/mot-cua")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "{backend:?}");
        assert_eq!(location(&res), SECOND_FACTOR, "{backend:?}: the owner is not locked out (on to the second factor)");
    }
}

#[tokio::test]
async fn vietnamese_catalogue_text_on_english_pages_is_marked_and_personal_fields_say_what_they_hold() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let english = app
        .client()
        .get(app.url("/thu-tuc/1.001193"))
        .header("Cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\""));
    let tag_of = |html: &str, marker: &str| {
        let at = html.find(marker).unwrap_or(0);
        let start = html[..at].rfind('<').unwrap_or(0);
        html[start..at + html[at..].find('>').unwrap_or(0)].to_string()
    };
    let steps = tag_of(&english, "class=\"steps\"");
    assert!(steps.contains("lang=\"vi\""), "the steps are Vietnamese only (WCAG 3.1.2): {steps}");
    assert!(english.contains("lang=\"vi\">Tờ khai đăng ký khai sinh theo mẫu"), "document names");
    let vietnamese = app.client().get(app.url("/thu-tuc/1.001193")).send().await.unwrap().text().await.unwrap();
    assert_eq!(vietnamese.matches("lang=\"vi\"").count(), 1, "on Vietnamese pages only <html> says it");

    // The e-form and the account forms name the purpose of personal fields (WCAG 1.3.5).
    let c = app.citizen("Trịnh Văn Tự", "045300000941", "0901234941").await;
    let form = c.get(app.url("/thu-tuc/1.001193/nop")).send().await.unwrap().text().await.unwrap();
    let p = birth(&app).await;
    for f in &p.form_fields {
        use app::domain::form::FieldKind;
        let expected = match f.kind {
            FieldKind::Select => continue,
            FieldKind::Phone => "tel",
            FieldKind::Address => "street-address",
            _ => "off",
        };
        let input =
            form.split(&format!("name=\"{}\"", f.input_name())).nth(1).unwrap_or("").split('>').next().unwrap_or("");
        assert!(input.contains(&format!("autocomplete=\"{expected}\"")), "{}: {input}", f.name);
    }
    let register = app.client().get(app.url("/dang-ky")).send().await.unwrap().text().await.unwrap();
    for (name, purpose) in
        [("full_name", "name"), ("cccd", "off"), ("phone", "tel"), ("email", "email"), ("password", "new-password")]
    {
        let input = register.split(&format!("name=\"{name}\"")).nth(1).unwrap().split('>').next().unwrap();
        assert!(input.contains(&format!("autocomplete=\"{purpose}\"")), "{name}: {input}");
    }
    let login = app.client().get(app.url("/dang-nhap")).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("autocomplete=\"current-password\"") && login.contains("autocomplete=\"username\""));
}
