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
    // Registration answers with the sign-in page (it starts no session), carrying a safe `next`.
    assert_eq!(location(&res), "/dang-nhap?dang-ky=1&next=/ho-so", "registration with next=//evil");

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
