use crate::support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn raw(app: &TestApp, request: &[u8]) -> String {
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let _ = s.shutdown().await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).to_string()
}

fn status_of(response: &str) -> u16 {
    response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

async fn still_serving(app: &TestApp) {
    let res = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn multipart_without_a_boundary_is_a_client_error() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app
        .client()
        .post(app.url("/api/dossiers/save"))
        .header("Content-Type", "multipart/form-data")
        .body("--x\r\n\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    still_serving(&app).await;
}

#[tokio::test]
async fn a_truncated_body_does_not_hurt_the_server() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let req = b"POST /api/dossiers/save HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=abc\r\nContent-Length: 5000\r\n\r\n--abc\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n0123";
    let res = raw(&app, req).await;
    let status = status_of(&res);
    assert!(status == 0 || (400..500).contains(&status), "truncated body answered {status}");
    let req = b"POST /api/account/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncccd=1";
    let status = status_of(&raw(&app, req).await);
    assert!(status == 0 || (400..500).contains(&status), "truncated form answered {status}");
    still_serving(&app).await;
}

#[tokio::test]
async fn oversize_bodies_are_refused_on_every_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let big = "a=".to_string() + &"x".repeat(server::SMALL_BODY_LIMIT as usize + 10);
    for path in ["/api/account/login", "/api/account/register", "/api/lookup", "/thu-tuc", "/"] {
        let res = app
            .client()
            .post(app.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413, "{path}");
    }
    // The same without a Content-Length: cut off while streaming.
    let stream = futures::stream::iter((0..100).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 4096])));
    let res = app
        .client()
        .post(app.url("/api/account/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "streamed oversize body answered {}", res.status());
    still_serving(&app).await;
}

#[tokio::test]
async fn malformed_arguments_are_client_errors() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let cases = [
        c.post(app.url("/api/account/login")).header("Content-Type", "application/x-www-form-urlencoded").body("%%%"),
        c.post(app.url("/api/account/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("cccd=1"),
        c.post(app.url("/api/dossiers/save")).header("Content-Type", "application/x-www-form-urlencoded").body("key=1"),
        c.get(app.url("/api/catalogue/procedure")),
        c.post(app.url("/api/nonexistent")).body(""),
    ];
    for req in cases {
        let res = req.send().await.unwrap();
        assert!(res.status().is_client_error(), "answered {}", res.status());
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/", "/pkg/app.css", "/api/catalogue/sectors", "/khong-co", "/healthz"] {
        let res = app.client().get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "{path}: {csp}");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{path}");
        assert_eq!(h.get("referrer-policy").unwrap(), "strict-origin-when-cross-origin", "{path}");
        assert_eq!(h.get("x-request-id").unwrap().len(), 16, "{path}");
    }
    let form = app.client().get(app.url("/thu-tuc/1.001193/nop")).send().await.unwrap();
    assert_eq!(form.status(), 401, "the form asks an anonymous visitor to sign in");
}

#[tokio::test]
async fn every_multipart_endpoint_refuses_other_bodies_and_new_desk_endpoints_answer_bad_arguments_with_4xx() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in server::layers::multipart_endpoints() {
        for (content_type, body) in
            [("application/x-www-form-urlencoded", "code=1"), ("multipart/form-data", "--x\r\n\r\n")]
        {
            let res =
                app.client().post(app.url(path)).header("Content-Type", content_type).body(body).send().await.unwrap();
            assert_eq!(res.status(), 400, "{path} with {content_type}");
        }
    }
    // Signed in at a desk: malformed arguments are refused as the client's error, never 500.
    let desk = app.login("045185000101", "canbo2026").await;
    let admin = app.login("045090000105", "canbo2026").await;
    let cases = [
        desk.get(app.url("/api/desk/intake-form?tim=%00%ff../../etc")),
        desk.post(app.url("/api/desk/intake-lookup")).form(&[("cccd", "\u{0}\u{ff}"), ("procedure", "../../etc")]),
        desk.post(app.url("/api/desk/search")).form(&[("q", "\u{0}%ff")]),
        desk.get(app.url("/api/desk/register?from=2026-11-01T99:99&to=x")),
        desk.get(app.url("/api/desk/register?from=9999-99-99")),
        desk.post(app.url("/api/desk/answer-consultation")).form(&[
            ("code", "000.20.01.H45-261122-0001"),
            ("consultation", "abc"),
            ("answer", "x"),
        ]),
        desk.post(app.url("/api/desk/answer-consultation")).form(&[
            ("code", "không phải mã"),
            ("consultation", "1"),
            ("answer", "x"),
        ]),
        admin.get(app.url("/api/admin/calendar?year=-5")),
        admin.post(app.url("/api/admin/calendar-day")).form(&[
            ("day", "2027-13-45"),
            ("kind", "off"),
            ("note", "Nghỉ"),
        ]),
        admin.post(app.url("/api/admin/calendar-day")).form(&[("day", "2027-06-15"), ("kind", "remove")]),
    ];
    for req in cases {
        let res = req.send().await.unwrap();
        let status = res.status();
        assert!(
            status.is_client_error() || status == 200,
            "answered {status}: {}",
            res.text().await.unwrap_or_default()
        );
    }
    still_serving(&app).await;
}

/// A signed-in desk page loads its data through a resource; leptos 0.8 suppresses resource
/// loading process-wide while any app's route list is generated. A server built while another
/// one renders (a second instance in one process, every API test here) must never leave a page
/// waiting forever: the routes are generated once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_built_while_another_renders_a_desk_page_never_stalls_that_page() {
    let app = std::sync::Arc::new(TestApp::spawn(Backend::Sqlite).await);
    let officer = app.login("045185000101", "canbo2026").await;
    let building = tokio::spawn(async {
        for _ in 0..12 {
            TestApp::spawn_with(Backend::Sqlite, false).await;
        }
    });
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (app, officer) = (app.clone(), officer.clone());
            tokio::spawn(async move {
                let mut answered = 0;
                while answered < 300 {
                    let page = tokio::time::timeout(std::time::Duration::from_secs(30), async {
                        officer.get(app.url("/mot-cua")).send().await.unwrap().text().await.unwrap()
                    })
                    .await
                    .expect("the desk page is answered while other servers are built");
                    assert!(page.contains("</html>"), "the whole page arrives");
                    answered += 1;
                }
            })
        })
        .collect();
    building.await.unwrap();
    for r in readers {
        r.await.unwrap();
    }
}
