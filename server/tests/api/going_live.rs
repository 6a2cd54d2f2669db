//! Going live (issue 11): the setup link of a fresh install, `create-admin`'s password link,
//! demo mode said on every page, backup → restore, and `verify`.

use crate::support::*;
use app::domain::history::verify;

fn now() -> i64 {
    app::api::ctx::now_ms()
}

/// The link's path and query, as a browser asks for it.
fn path_of(link: &str, app: &TestApp) -> String {
    link.strip_prefix(&app.base).unwrap_or_else(|| panic!("{link} is under {}", app.base)).to_string()
}

const SETUP: &str = "/api/setup/province";

fn setup_fields<'a>(t: &'a str, code: &'a str, cccd: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("t", t),
        ("province_code", code),
        ("province_name_vi", "Ủy ban nhân dân tỉnh Quảng Trị"),
        ("province_name_en", "Quang Tri Provincial People's Committee"),
        ("full_name", "Mai Thị Cúc"),
        ("cccd", cccd),
        ("phone", "0912345678"),
        ("email", ""),
        ("password", password),
    ]
}

#[tokio::test]
async fn a_fresh_install_is_set_up_once_through_its_link() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, false).await;
        let c = app.client();
        // Each start without an administrator prints a new link; the older one stops working.
        let old = server::setup::setup_link_if_needed(&app.db, &app.base, now()).await.unwrap().expect("a link");
        let link = server::setup::setup_link_if_needed(&app.db, &app.base, now()).await.unwrap().expect("a link");
        assert_ne!(old, link);
        let res = c.get(app.url(&path_of(&old, &app))).send().await.unwrap();
        assert_eq!(res.status(), 410, "{backend:?}: a replaced link is gone");
        assert!(res.text().await.unwrap().contains("data-testid=\"link-dead\""));
        let page = path_of(&link, &app);
        let res = c.get(app.url(&page)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        let html = res.text().await.unwrap();
        assert!(html.contains("name=\"province_code\""), "{backend:?}: the setup form");
        assert!(!html.contains("demo-banner"), "{backend:?}: no demo banner outside demo mode");
        let t = link.rsplit_once("t=").unwrap().1;

        // Bad input: every field's reason at once, nothing written.
        let res = app.form(&c, SETUP, &page, &setup_fields(t, "Sở Nội vụ", "12345", "matkhau")).await;
        assert_eq!(res.status(), 302, "{backend:?}");
        let keys = field_keys(&redirected_error(&res));
        for (field, key) in [
            ("province_code", "error-agency-code-format"),
            ("cccd", "error-cccd-format"),
            ("password", "error-password-length"),
        ] {
            assert!(keys.contains(&(field.to_string(), key.to_string())), "{backend:?}: {field} {key} in {keys:?}");
        }
        assert!(!location(&res).contains("12345"), "{backend:?}: what was typed stays out of the URL");
        assert_eq!(app.count("select count(*) from agencies").await, 0, "{backend:?}");
        assert_eq!(app.count("select count(*) from users").await, 0, "{backend:?}");

        // A forged token is refused like a dead one.
        let forged = "A".repeat(32);
        let res =
            app.form(&c, SETUP, &page, &setup_fields(&forged, "000.00.00.H45", "045192000205", "matkhau2026")).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("t".to_string(), "error-link-dead".to_string())]);

        // The right input: the province, its administrator, on the record; signed in once a
        // second factor is enrolled.
        let res = app.form(&c, SETUP, &page, &setup_fields(t, "000.00.00.h45", "045192000205", "matkhau2026")).await;
        assert_eq!(res.status(), 302, "{backend:?}");
        assert_eq!(location(&res), SECOND_FACTOR, "{backend:?}");
        assert_eq!(c.get(app.url("/tai-khoan")).send().await.unwrap().status(), 401, "{backend:?}: not yet");
        let res = app.second_factor(&c, "045192000205").await;
        assert_eq!(location(&res), "/dang-nhap/ma-du-phong?next=/mot-cua", "{backend:?}");
        assert_eq!(
            app.count("select count(*) from agencies where kind = 'province' and code = '000.00.00.H45'").await,
            1
        );
        assert_eq!(
            app.count("select count(*) from users where role = 'province-admin' and agency_code = '000.00.00.H45'")
                .await,
            1
        );
        assert_eq!(app.count("select count(*) from admin_events").await, 2, "{backend:?}: who did what, when");
        let desk = c.get(app.url("/mot-cua")).send().await.unwrap();
        assert_eq!(desk.status(), 200, "{backend:?}: the administrator is signed in");

        // The link is dead now, and no new one is printed.
        let res = c.get(app.url(&page)).send().await.unwrap();
        assert_eq!(res.status(), 410, "{backend:?}");
        let again = app.client();
        let res =
            app.form(&again, SETUP, &page, &setup_fields(t, "000.00.00.H46", "045192000206", "matkhau2026")).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("t".to_string(), "error-link-dead".to_string())]);
        assert_eq!(app.count("select count(*) from users").await, 1, "{backend:?}");
        assert!(server::setup::setup_link_if_needed(&app.db, &app.base, now()).await.unwrap().is_none());
        // Nobody can sign in with a default password.
        let admin = app.client();
        let res = app
            .form(
                &admin,
                "/api/account/login",
                "/dang-nhap",
                &[("cccd", "045192000205"), ("password", "matkhau2026"), ("next", "/")],
            )
            .await;
        assert_eq!(location(&res), SECOND_FACTOR, "{backend:?}: the password chosen on the setup page works");
        // With the second factor enrolled at setup.
        let res = app.second_factor(&admin, "045192000205").await;
        assert_eq!(location(&res), "/", "{backend:?}");
    }
}

#[tokio::test]
async fn create_admin_gives_a_password_link_that_works_once() {
    use server::cli::NewAdmin;
    for backend in backends() {
        let app = TestApp::spawn_with(backend, false).await;
        let admin = NewAdmin {
            name: "Võ Quốc Bảo".into(),
            cccd: "045090000105".into(),
            phone: "0905123456".into(),
            ..NewAdmin::default()
        };
        // Never set up: the province must be named.
        let e = server::setup::create_admin(&app.db, &app.base, &admin, now()).await.unwrap_err().to_string();
        assert!(e.contains("--province-code"), "{backend:?}: {e}");
        let bad = NewAdmin { cccd: "04509".into(), phone: "123".into(), ..admin.clone() };
        let e = server::setup::create_admin(&app.db, &app.base, &bad, now()).await.unwrap_err().to_string();
        assert!(e.contains("--cccd") && e.contains("--phone"), "{backend:?}: {e}");
        assert_eq!(app.count("select count(*) from users").await, 0, "{backend:?}");
        let with_province = NewAdmin {
            province_code: Some("000.00.00.H45".into()),
            province_name: Some("Ủy ban nhân dân tỉnh Quảng Trị".into()),
            ..admin.clone()
        };
        let link = server::setup::create_admin(&app.db, &app.base, &with_province, now()).await.unwrap();
        assert!(link.starts_with(&format!("{}/dat-mat-khau?t=", app.base)), "{link}");
        // The setup link is not printed once an administrator exists.
        assert!(server::setup::setup_link_if_needed(&app.db, &app.base, now()).await.unwrap().is_none());
        // A second account with the same CCCD is refused.
        let e = server::setup::create_admin(&app.db, &app.base, &admin, now()).await.unwrap_err().to_string();
        assert!(e.contains("already exists"), "{backend:?}: {e}");

        let c = app.client();
        let page = path_of(&link, &app);
        let html = c.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Võ Quốc Bảo"), "{backend:?}: the page says whose password it sets");
        let t = link.rsplit_once("t=").unwrap().1;
        let res = app.form(&c, "/api/setup/password", &page, &[("t", t), ("password", "short")]).await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("password".to_string(), "error-password-length".to_string())]
        );
        let res = app.form(&c, "/api/setup/password", &page, &[("t", t), ("password", "bao-matkhau-2026")]).await;
        assert_eq!(location(&res), "/dang-nhap?mat-khau=1&next=%2Fmot-cua", "{backend:?}");
        let res = c.get(app.url(&page)).send().await.unwrap();
        assert_eq!(res.status(), 410, "{backend:?}: used once");
        let res = app.form(&c, "/api/setup/password", &page, &[("t", t), ("password", "other-matkhau-2026")]).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("t".to_string(), "error-link-dead".to_string())]);
        app.login("045090000105", "bao-matkhau-2026").await;
        assert_eq!(app.count("select count(*) from admin_events").await, 3, "{backend:?}: agency, officer, password");
    }
}

#[tokio::test]
async fn demo_mode_says_so_on_every_page() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/", "/thu-tuc", "/dang-nhap", "/tra-cuu", "/mot-cua"] {
        let html = app.client().get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"demo-banner\""), "{path}");
    }
}

/// Every table's rows, for comparing two databases.
async fn counts(db: &server::storage::Db) -> std::collections::BTreeMap<String, i64> {
    let tables = db.tables().await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    server::storage::Db::counts_with(&mut conn, &tables).await.unwrap()
}

#[tokio::test]
async fn backup_then_restore_gives_back_every_row_file_and_history() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let uploads = app.data_dir.join("uploads");
        let to = app.data_dir.join("backup");
        let manifest = server::ops::backup(&app.db, &app.database_url, &uploads, &to, true).await.unwrap();
        assert!(manifest.counts["dossiers"] >= 3, "{backend:?}: {:?}", manifest.counts);
        assert!(manifest.counts["dossier_events"] >= 3, "{backend:?}");
        assert_eq!(manifest.files.len(), app.uploaded_files(), "{backend:?}: every uploaded file");
        // Into a non-empty directory: refused.
        let e = server::ops::backup(&app.db, &app.database_url, &uploads, &to, true).await.unwrap_err().to_string();
        assert!(e.contains("not empty"), "{e}");

        let target = app.data_dir.join("restored");
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}/portal.db", target.display()),
            Backend::Postgres => throwaway_pg(&format!("portal_restore_{}", std::process::id())).await,
        };
        let (restored, report) = server::ops::restore(&to, &url, &target.join("uploads"), true).await.unwrap();
        assert!(report.problems.is_empty(), "{backend:?}: {:?}", report.problems);
        assert_eq!(report.dossiers as i64, manifest.counts["dossiers"], "{backend:?}");
        assert_eq!(report.files, manifest.files.len() as u64, "{backend:?}");
        assert_eq!(counts(&restored).await, counts(&app.db).await, "{backend:?}: every table, row for row");
        // Every history chain of the copy verifies, head for head.
        for code in sqlx::query_scalar::<_, String>("select code from dossiers where code is not null")
            .fetch_all(&app.db.pool)
            .await
            .unwrap()
        {
            let (events, n, head) = restored.history(&code).await.unwrap();
            assert_eq!(verify(&events, n, &head), Ok(()), "{backend:?} {code}");
            assert_eq!(app.db.history(&code).await.unwrap(), (events, n, head), "{backend:?} {code}");
        }
        // Restoring over the restored data: refused, nothing touched.
        let Err(e) = server::ops::restore(&to, &url, &target.join("uploads-2"), true).await else {
            panic!("{backend:?}: a restore over restored data is refused")
        };
        let e = e.to_string();
        assert!(e.contains("restore goes into"), "{backend:?}: {e}");
        restored.close().await;

        // A damaged backup is refused before anything is written.
        let first = &manifest.files[0].path;
        std::fs::write(to.join(first), b"changed").unwrap();
        let e = server::ops::check_backup(&to, true).unwrap_err().to_string();
        assert!(e.contains("does not match the manifest"), "{backend:?}: {e}");
    }
}

#[tokio::test]
async fn verify_finds_an_altered_event_a_changed_file_and_a_missing_one() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let uploads = app.data_dir.join("uploads");
        let clean = server::ops::verify(&app.db, &uploads, true).await.unwrap();
        assert!(clean.problems.is_empty(), "{backend:?}: {:?}", clean.problems);
        assert!(clean.dossiers >= 3 && clean.files >= 3, "{backend:?}: {clean:?}");

        let code = crate::history::a_demo_dossier(&app).await;
        crate::history::drop_guards(&app).await;
        sqlx::query("update dossier_events set note = 'sửa' where seq = 1 and dossier_id = (select id from dossiers where code = $1)")
            .bind(&code)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let files = app.db.stored_files().await.unwrap();
        std::fs::write(uploads.join(&files[0].storage_key), b"changed").unwrap();
        let mut same_size = std::fs::read(uploads.join(&files[1].storage_key)).unwrap();
        same_size[0] ^= 1;
        std::fs::write(uploads.join(&files[1].storage_key), same_size).unwrap();
        std::fs::remove_file(uploads.join(&files[2].storage_key)).unwrap();

        let report = server::ops::verify(&app.db, &uploads, true).await.unwrap();
        let p = report.problems.join("\n");
        assert!(p.contains(&format!("dossier {code}: event 1 was altered")), "{backend:?}: {p}");
        assert!(p.contains(&format!("file {}: 7 bytes", files[0].storage_key)), "{backend:?}: {p}");
        assert!(p.contains(&format!("file {}: its SHA-256 changed", files[1].storage_key)), "{backend:?}: {p}");
        assert!(p.contains(&format!("file {}: missing", files[2].storage_key)), "{backend:?}: {p}");
        assert_eq!(report.problems.len(), 4, "{backend:?}: {p}");
    }
}

#[tokio::test]
async fn metrics_answer_only_with_the_token_and_count_requests_and_dossiers() {
    let plain = TestApp::spawn(Backend::Sqlite).await;
    let res = plain.client().get(plain.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404, "not served without METRICS_TOKEN");
    for backend in backends() {
        let token = "metrics-token-0123456789";
        let app = TestApp::spawn_configured(backend, true, |c| c.metrics_token = Some(token.into())).await;
        let c = app.client();
        assert_eq!(c.get(app.url("/thu-tuc")).send().await.unwrap().status(), 200);
        assert_eq!(c.get(app.url("/khong-co")).send().await.unwrap().status(), 404);
        let res = c.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(res.status(), 401, "{backend:?}");
        let res = c.get(app.url("/metrics")).bearer_auth("wrong-token-0123456789").send().await.unwrap();
        assert_eq!(res.status(), 401, "{backend:?}");
        let res = c.get(app.url("/metrics")).bearer_auth(token).send().await.unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        let text = res.text().await.unwrap();
        assert!(text.contains("portal_requests_total{kind=\"page\",status=\"2xx\"} 1"), "{backend:?}: {text}");
        assert!(text.contains("portal_requests_total{kind=\"page\",status=\"4xx\"} 1"), "{backend:?}");
        let submitted = app.count("select count(*) from dossiers where status = 1").await;
        assert!(text.contains(&format!("portal_dossiers{{status=\"1\"}} {submitted}")), "{backend:?}: {text}");
        assert!(text.contains("portal_dossiers_overdue "), "{backend:?}");
        assert!(text.contains("portal_outbox_messages{state=\"failed\"} 0"), "{backend:?} the outbox is watched");
        assert!(text.contains("portal_panics_total 0"), "{backend:?}");
    }
}

#[tokio::test]
async fn every_page_names_the_province_that_was_set_up_not_a_built_in_one() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, false).await;
        let c = app.client();
        let home = c.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!home.contains("Quảng Trị") && !home.contains("0233"), "{backend:?}: no province before setup");
        let link = server::setup::setup_link_if_needed(&app.db, &app.base, now()).await.unwrap().expect("a link");
        let t = link.rsplit_once("t=").unwrap().1.to_string();
        let mut fields = setup_fields(&t, "000.00.00.H62", "045192000205", "matkhau-2026");
        fields[2] = ("province_name_vi", "Ủy ban nhân dân tỉnh Yên Bái");
        fields[3] = ("province_name_en", "Yen Bai Provincial People's Committee");
        let res = app.form(&c, SETUP, &path_of(&link, &app), &fields).await;
        assert_eq!(location(&res), SECOND_FACTOR, "{backend:?}");
        let anon = app.client();
        let home = anon.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Ủy ban nhân dân tỉnh Yên Bái"), "{backend:?}: header and footer");
        assert!(!home.contains("Quảng Trị"), "{backend:?}");
        let en = anon.get(app.url("/thu-tuc")).header("Cookie", "lang=en").send().await.unwrap().text().await.unwrap();
        assert!(
            en.contains("Yen Bai Provincial People&#x27;s Committee")
                || en.contains("Yen Bai Provincial People's Committee"),
            "{backend:?}"
        );
    }
}
