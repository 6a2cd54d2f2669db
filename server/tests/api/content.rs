//! Portal content (issue 11): guides, news and questions written by province administrators and
//! shown to the public as safe HTML; the incident banner on every page and its log; the agency
//! directory.

use crate::support::*;

const PROVINCE_ADMIN: &str = "045192000205";
const RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";

fn page<'a>(kind: &'a str, slug: &'a str, sector: &'a str, body: &'a str, published: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("id", ""),
        ("kind", kind),
        ("slug", slug),
        ("sector", sector),
        ("title_vi", "Cách nộp hồ sơ trực tuyến"),
        ("title_en", "How to submit online"),
        ("body_vi", body),
        ("body_en", ""),
    ];
    if published {
        f.push(("published", "1"));
    }
    f
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client().get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn administrators_publish_guides_and_answers_that_the_public_reads_as_safe_html() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        let save = "/api/admin/content-save";
        // Bad input at its fields; nothing saved.
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &page("guide", "Nộp hồ sơ!", "", "  ", true)).await;
        let keys = field_keys(&redirected_error(&res));
        assert!(keys.contains(&("slug".into(), "error-slug-format".into())), "{backend:?}: {keys:?}");
        assert!(keys.contains(&("body_vi".into(), "error-required".into())), "{backend:?}: {keys:?}");
        assert_eq!(app.count("select count(*) from content_pages").await, 0);

        let body = "## Bước 1\n\nĐăng nhập bằng **VNeID**.\n\n<script>alert('x')</script>\n\n[Xem thủ tục](javascript:alert(1))";
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &page("guide", "nop-ho-so", "", body, true)).await;
        assert!(location(&res).starts_with("/mot-cua/noi-dung?sua="), "{backend:?}: {}", location(&res));
        let (status, html) = text(&app, "/huong-dan/nop-ho-so").await;
        assert_eq!(status, 200, "{backend:?}");
        assert!(html.contains("<h2>Bước 1</h2>") && html.contains("<strong>VNeID</strong>"), "{backend:?}");
        assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;"), "{backend:?}: escaped");
        assert!(!html.contains("href=\"javascript"), "{backend:?}");
        assert!(text(&app, "/huong-dan").await.1.contains("Cách nộp hồ sơ trực tuyến"), "{backend:?}");
        // The same address again is refused; a draft is not shown.
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &page("guide", "nop-ho-so", "", "Khác", true)).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("slug".into(), "error-slug-taken".into())]);
        app.form(&admin, save, "/mot-cua/noi-dung", &page("news", "nhap", "", "Chưa đăng", false)).await;
        assert_eq!(text(&app, "/tin-tuc/nhap").await.0, 404, "{backend:?}: a draft is not public");
        // A question under its sector.
        app.form(
            &admin,
            save,
            "/mot-cua/noi-dung",
            &page("faq", "khai-sinh-qua-han", "ho-tich", "Được, nộp tại xã.", true),
        )
        .await;
        let (_, faq) = text(&app, "/hoi-dap").await;
        assert!(faq.contains("Hộ tịch") && faq.contains("Được, nộp tại xã."), "{backend:?}");
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &page("faq", "x", "khong-co", "Có", true)).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("sector".into(), "error-select".into())]);
        assert!(
            app.count("select count(*) from admin_events where action = 'content-publish'").await >= 2,
            "{backend:?}: on the record"
        );
        // Only a province administrator writes.
        let desk = app.login(RECEPTION, PASSWORD).await;
        let res = app.form(&desk, save, "/mot-cua/noi-dung", &page("news", "tin", "", "Tin", true)).await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");

        // The directory: every active agency with how to reach it.
        let (_, dir) = text(&app, "/co-quan").await;
        assert!(dir.contains("Sở Xây dựng tỉnh Quảng Trị") && dir.contains("tel:02333852215"), "{backend:?}");
    }
}

#[tokio::test]
async fn an_incident_shows_on_every_page_until_it_is_resolved_and_stays_in_the_log() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        // The home page is kept for anonymous readers before the incident.
        assert!(!text(&app, "/").await.1.contains("incident-banner"));
        let open = "/api/admin/incident-open";
        let fields = |end: &'static str| {
            vec![
                ("kind", "incident"),
                ("message_vi", "Hệ thống thanh toán trực tuyến đang gián đoạn"),
                ("message_en", "Online payment is interrupted"),
                ("expected_end", end),
            ]
        };
        let res = app.form(&admin, open, "/mot-cua/noi-dung", &fields("2020-01-01T10:00")).await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("expected_end".into(), "error-expected-end-past".into())]
        );
        let res = app.form(&admin, open, "/mot-cua/noi-dung", &fields("2099-01-01T10:30")).await;
        assert_eq!(location(&res), "/mot-cua/noi-dung?xong=1", "{backend:?}");
        for path in ["/", "/thu-tuc", "/thu-tuc/1.001193", "/dang-nhap"] {
            let (_, html) = text(&app, path).await;
            assert!(html.contains("Hệ thống thanh toán trực tuyến đang gián đoạn"), "{backend:?}: {path}");
            assert!(html.contains("01/01/2099 10:30"), "{backend:?}: {path} says when");
        }
        let (_, log) = text(&app, "/su-co").await;
        assert!(log.contains("Đang diễn ra"), "{backend:?}");
        let id = app.count("select max(id) from incidents").await.to_string();
        let res = app.form(&admin, "/api/admin/incident-resolve", "/mot-cua/noi-dung", &[("id", id.as_str())]).await;
        assert_eq!(location(&res), "/mot-cua/noi-dung?xong=1", "{backend:?}");
        assert!(!text(&app, "/").await.1.contains("Hệ thống thanh toán trực tuyến đang gián đoạn"), "{backend:?}");
        let (_, log) = text(&app, "/su-co").await;
        assert!(log.contains("Hệ thống thanh toán trực tuyến đang gián đoạn") && !log.contains("Đang diễn ra"));
        let res = app.form(&admin, "/api/admin/incident-resolve", "/mot-cua/noi-dung", &[("id", id.as_str())]).await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}: once");
    }
}

#[tokio::test]
async fn crafted_requests_to_the_content_and_catalogue_screens_are_refused_and_write_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let anon = app.client();
        let save = "/api/admin/content-save";
        // No session.
        let res = app.form(&anon, save, "/mot-cua/noi-dung", &page("guide", "a", "", "x", true)).await;
        assert_eq!(redirected_error(&res), app::error::AppError::Unauthenticated, "{backend:?}");
        assert_eq!(anon.get(app.url("/api/admin/content")).send().await.unwrap().status(), 401, "{backend:?}");
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        // Control characters, a repeated field, a body far over the limit.
        let res = app
            .form(&admin, save, "/mot-cua/noi-dung", &{
                let mut f = page("guide", "a", "", "Dòng\u{0}hai", true);
                f[4] = ("title_vi", "Tiêu\u{7}đề");
                f
            })
            .await;
        let keys = field_keys(&redirected_error(&res));
        assert!(keys.contains(&("title_vi".into(), "error-text-control".into())), "{backend:?}: {keys:?}");
        assert!(keys.contains(&("body_vi".into(), "error-text-control".into())), "{backend:?}: {keys:?}");
        let mut twice = page("guide", "a", "", "x", true);
        twice.push(("slug", "b"));
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &twice).await;
        assert!(res.status().is_client_error() || location(&res).contains("__err"), "{backend:?}: {}", res.status());
        let huge = "x".repeat(3 * 1024 * 1024);
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &page("guide", "a", "", &huge, true)).await;
        assert_eq!(
            redirected_error(&res),
            app::error::AppError::Conflict("error-form-too-large".into()),
            "{backend:?}"
        );
        // An unknown page id, an incident id that is not a number.
        let mut edit = page("guide", "a", "", "x", true);
        edit[0] = ("id", "999999");
        let res = app.form(&admin, save, "/mot-cua/noi-dung", &edit).await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        let res = app.form(&admin, "/api/admin/incident-resolve", "/mot-cua/noi-dung", &[("id", "1 or 1=1")]).await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        assert_eq!(app.count("select count(*) from content_pages").await, 0, "{backend:?}");
        // A thousand parts to the catalogue import.
        let mut form = reqwest::multipart::Form::new();
        for i in 0..1000 {
            form = form.text(format!("p{i}"), "x");
        }
        let res = admin
            .post(app.url("/api/admin/catalogue-import"))
            .header("Accept", "text/html")
            .header("Referer", app.url("/mot-cua/danh-muc"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error() || location(&res).contains("__err"), "{backend:?}: {}", res.status());
        // The public directory carries no fee account; a draft is not readable by its address.
        let dir = anon.get(app.url("/api/content/directory")).send().await.unwrap().text().await.unwrap();
        assert!(!dir.contains("Kho bạc") && dir.contains("\"bank_account\":\"\""), "{backend:?}");
    }
}
