//! Counter and postal intake at the desk: the applicant found by CCCD or recorded there, the
//! scans marked digitised, the dossier accepted at once with its receipt; refusals and bad input
//! with nothing saved; the recorded applicant claiming their account online. Each on SQLite and
//! PostgreSQL.

use crate::support::*;
use app::domain::history::verify;
use reqwest::multipart::Form;
use reqwest::Client;
use sqlx::Row;

const PASSWORD: &str = "canbo2026";
const RECEPTION: &str = "045185000101";
const VP_SPECIALIST: &str = "045085000102";
const CENTRE_RECEPTION: &str = "045190000201";

/// The intake form for the birth registration: the e-form and scans, the CCCD and channel, and
/// the name and phone for a new applicant (when given).
fn intake(
    p: &app::api::catalogue::ProcedureDetail,
    key: &str,
    cccd: &str,
    channel: &str,
    new: Option<(&str, &str)>,
) -> Form {
    let mut form = dossier_form(p, key, "submit").text("cccd", cccd.to_string()).text("channel", channel.to_string());
    if let Some((name, phone)) = new {
        form = form.text("full_name", name.to_string()).text("phone", phone.to_string());
    }
    form
}

async fn post_intake(app: &TestApp, who: &Client, form: Form) -> reqwest::Response {
    who.post(app.url("/api/desk/intake"))
        .header("Accept", "text/html")
        .header("Referer", app.url("/mot-cua/tiep-nhan?cccd=x&procedure=1.001193"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The dossier code in a redirect to its receipt.
fn receipt_code(res: &reqwest::Response) -> String {
    let loc = location(res);
    assert_eq!(res.status(), 302);
    assert!(!loc.contains("__err"), "intake failed: {:?}", redirected_error(res));
    loc.strip_prefix("/mot-cua/ho-so/")
        .and_then(|r| r.strip_suffix("/phieu/01"))
        .unwrap_or_else(|| panic!("not a receipt: {loc}"))
        .to_string()
}

#[tokio::test]
async fn a_walk_in_applicant_is_recorded_their_papers_digitised_and_the_receipt_printed_at_once() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let cccd = "045096007777";
        let found: app::api::intake::IntakeView = desk
            .get(app.url(&format!("/api/desk/intake-form?cccd={cccd}&procedure={}", p.code)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(found.searched && found.applicant.is_none(), "{backend:?}: a new applicant");
        assert_eq!(found.procedure.as_ref().map(|p| p.code.as_str()), Some("1.001193"));

        let key = new_key();
        let res =
            post_intake(&app, &desk, intake(&p, &key, cccd, "counter", Some(("  Hồ  Thị Mai ", "0905 123 456")))).await;
        let code = receipt_code(&res);
        let r = sqlx::query(
            "select d.status, d.channel, d.due_at, u.full_name, u.phone, u.password_hash from dossiers d \
             join users u on u.id = d.applicant_id where d.code = $1",
        )
        .bind(&code)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(r.get::<i64, _>(0), 2, "{backend:?}: accepted at once");
        assert_eq!(r.get::<String, _>(1), "counter");
        assert!(r.get::<Option<i64>, _>(2).is_some(), "{backend:?}: the appointment is set");
        assert_eq!(r.get::<String, _>(3), "Hồ Thị Mai");
        assert_eq!(r.get::<String, _>(4), "0905123456");
        assert_eq!(r.get::<String, _>(5), "", "{backend:?}: recorded without a password");
        let digitised = app
            .count(&format!(
                "select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = '{code}' and f.digitised = 1"
            ))
            .await;
        assert_eq!(digitised, p.components.iter().filter(|c| c.required).count() as i64);
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &last), Ok(()));
        let who: Vec<(&str, &str)> = events.iter().map(|e| (e.action.as_str(), e.actor_role.as_str())).collect();
        assert_eq!(who, [("submit", "reception"), ("accept", "reception")], "{backend:?}: entered by the desk");
        assert!(events[0].note.contains("trực tiếp tại Bộ phận Một cửa"), "{}", events[0].note);

        let receipt = desk.get(app.url(&format!("/mot-cua/ho-so/{code}/phieu/01"))).send().await.unwrap();
        assert_eq!(receipt.status(), 200);
        let receipt = receipt.text().await.unwrap();
        assert!(receipt.contains(&code) && receipt.contains("Hồ Thị Mai"), "{backend:?}: the receipt names both");
        let view = desk.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(view.contains("Đã số hóa từ bản giấy"), "{backend:?}: scans are marked at the desk");

        // The same form sent again (a double click, a retry) shows the same receipt.
        let dossiers = app.count("select count(*) from dossiers").await;
        let again =
            post_intake(&app, &desk, intake(&p, &key, cccd, "counter", Some(("Hồ Thị Mai", "0905123456")))).await;
        assert_eq!(receipt_code(&again), code);
        assert_eq!(app.count("select count(*) from dossiers").await, dossiers, "{backend:?}: one dossier");
        assert_eq!(app.db.history(&code).await.unwrap().1, 2, "{backend:?}: accepted once");

        // No one signs in to a recorded account; the applicant claims it with the same phone.
        let nobody = app.client();
        let res = app
            .form(&nobody, "/api/account/login", "/dang-nhap", &[("cccd", cccd), ("password", ""), ("next", "/")])
            .await;
        assert!(location(&res).contains("__err"), "{backend:?}: no sign-in without a password");
        let stranger = app.client();
        let register = |phone: &'static str| {
            [
                ("full_name", "Hồ Thị Mai"),
                ("cccd", cccd),
                ("phone", phone),
                ("email", ""),
                ("password", "matkhau2026"),
                ("next", "/ho-so"),
            ]
        };
        let res = app.form(&stranger, "/api/account/register", "/dang-ky", &register("0912000111")).await;
        assert_eq!(field_keys(&redirected_error(&res)), [("cccd".to_string(), "error-cccd-taken".to_string())]);
        let owner = app.client();
        let res = app.form(&owner, "/api/account/register", "/dang-ky", &register("0905123456")).await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}: claimed with the phone given at the desk");
        let mine = owner.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains(&code), "{backend:?}: the applicant sees the dossier the desk received");
    }
}

#[tokio::test]
async fn a_postal_dossier_of_an_applicant_on_record_goes_to_their_account() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Phan Văn Lộc", "045093004444", "0934555666").await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let found: app::api::intake::IntakeView = desk
            .get(app.url(&format!("/api/desk/intake-form?cccd=045093004444&procedure={}", p.code)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found.applicant.as_ref().map(|a| a.full_name.as_str()), Some("Phan Văn Lộc"));
        let res = post_intake(&app, &desk, intake(&p, &new_key(), "045093004444", "postal", None)).await;
        let code = receipt_code(&res);
        let channel: String = sqlx::query("select channel from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(channel, "postal");
        let notes = citizen.get(app.url("/api/dossiers/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(notes.contains(&code), "{backend:?}: the citizen is told");
        let events = app.db.history(&code).await.unwrap().0;
        assert!(events[0].note.contains("bưu chính"), "{}", events[0].note);
    }
}

#[tokio::test]
async fn intake_is_refused_outside_the_desk_and_bad_input_is_reported_at_the_field_with_nothing_saved() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let anonymous = app.client();
        let citizen = app.login("045095001234", "matkhau2026").await;
        let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let other_desk = app.login(CENTRE_RECEPTION, PASSWORD).await;
        let count = || async {
            (
                app.count("select count(*) from dossiers").await,
                app.count("select count(*) from users").await,
                app.uploaded_files(),
            )
        };
        let before = count().await;
        let form = || intake(&p, &new_key(), "045096008888", "counter", Some(("Lê Văn Tám", "0905000111")));
        for (who, client, status) in
            [("anonymous", &anonymous, 401), ("citizen", &citizen, 403), ("specialist", &specialist, 403)]
        {
            let res = client.post(app.url("/api/desk/intake")).multipart(form()).send().await.unwrap();
            assert_eq!(res.status(), status, "{backend:?}: {who}");
            let res = client.get(app.url("/api/desk/intake-form")).send().await.unwrap();
            assert_eq!(res.status(), status, "{backend:?}: {who} opens the form");
        }
        // Another agency's desk does not receive this procedure.
        let res = post_intake(&app, &other_desk, form()).await;
        assert_eq!(field_keys(&redirected_error(&res)), [("procedure".to_string(), "error-select".to_string())]);

        let cases: Vec<(&str, Form, &str, &str)> = vec![
            (
                "bad CCCD",
                intake(&p, &new_key(), "12345", "counter", Some(("Lê Văn Tám", "0905000111"))),
                "cccd",
                "error-cccd-format",
            ),
            (
                "no name",
                intake(&p, &new_key(), "045096008888", "counter", Some(("", "0905000111"))),
                "full_name",
                "error-required",
            ),
            (
                "bad phone",
                intake(&p, &new_key(), "045096008888", "counter", Some(("Lê Văn Tám", "12"))),
                "phone",
                "error-phone-format",
            ),
            (
                "online",
                intake(&p, &new_key(), "045096008888", "online", Some(("Lê Văn Tám", "0905000111"))),
                "channel",
                "error-select",
            ),
        ];
        for (what, form, field, key) in cases {
            let res = post_intake(&app, &desk, form).await;
            let e = redirected_error(&res);
            assert!(
                field_keys(&e).contains(&(field.to_string(), key.to_string())),
                "{backend:?}: {what}: {:?}",
                field_keys(&e)
            );
        }
        // A required scan missing: the error names that component, and the typed name comes back.
        let mut missing = Form::new()
            .text("key", new_key())
            .text("procedure", p.code.clone())
            .text("cccd", "045096008888")
            .text("channel", "counter")
            .text("full_name", "Lê Văn Tám")
            .text("phone", "0905000111");
        for f in &p.form_fields {
            missing = missing.text(f.input_name(), String::new());
        }
        let res = post_intake(&app, &desk, missing).await;
        let e = redirected_error(&res);
        let first = p.components.iter().find(|c| c.required).unwrap();
        assert!(field_keys(&e).contains(&(format!("file_{}", first.id), "error-file-required".to_string())));
        assert_eq!(e.value("full_name"), None, "{backend:?}: typed values stay out of the URL");
        let again = location(&res).replace("cccd=x", "cccd=045096008888");
        let again = desk.get(again).send().await.unwrap().text().await.unwrap();
        assert!(again.contains("Lê Văn Tám"), "{backend:?}: the typed name comes back from the server");
        assert_eq!(count().await, before, "{backend:?}: nothing saved, no file kept");
        let page = desk
            .get(app.url("/mot-cua/tiep-nhan?cccd=045096008888&procedure=1.001193"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Chưa có người nộp với số CCCD này"), "{backend:?}: the form asks for a new applicant");
        let page = desk.get(app.url("/mot-cua/tiep-nhan?cccd=123&procedure=9.999")).send().await.unwrap();
        assert_eq!(page.status(), 200, "{backend:?}: bad search input is shown at the fields");
    }
}

#[tokio::test]
async fn the_register_lists_what_the_desk_received_with_hand_over_result_and_delivery_dates() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let res = post_intake(
            &app,
            &desk,
            intake(&p, &new_key(), "045096007777", "counter", Some(("Hồ Thị Mai", "0905123456"))),
        )
        .await;
        let code = receipt_code(&res);
        let register = || async {
            let r: app::api::register::RegisterView =
                desk.get(app.url("/api/desk/register")).send().await.unwrap().json().await.unwrap();
            r
        };
        let r = register().await;
        let row =
            r.rows.iter().find(|r| r.code == code).expect("the dossier received today is in this month's register");
        assert_eq!((row.applicant.as_str(), row.channel.as_str()), ("Hồ Thị Mai", "counter"));
        assert!(row.due_at_ms.is_some() && row.transferred_at_ms.is_none(), "{backend:?}: {row:?}");
        // A colleague at the same desk passes it on: Mẫu 05 names who received it and who gave it.
        let colleague = app.login("045186000108", PASSWORD).await;
        let res =
            app.form(&colleague, "/api/desk/transfer", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        let sheet =
            desk.get(app.url(&format!("/mot-cua/ho-so/{code}/phieu/05"))).send().await.unwrap().text().await.unwrap();
        // The text as a reader sees it, without the renderer's markers between text nodes.
        let sheet = sheet.replace("<!---->", "").replace("<!-- -->", "").replace("<!>", "");
        assert!(sheet.contains("Người nhận: Lê Thị Thu Hà"), "{backend:?}: the officer who accepted it");
        assert!(sheet.contains("Người giao: Phạm Thị Hoa"), "{backend:?}: the officer who passed it on");
        let r = register().await;
        let row = r.rows.iter().find(|r| r.code == code).unwrap();
        assert!(row.transferred_at_ms.is_some(), "{backend:?}: the hand-over is read from the history");

        let page = desk.get(app.url("/mot-cua/so-theo-doi")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("SỔ THEO DÕI HỒ SƠ") && page.contains(&code), "{backend:?}: the printable book");
        // Another agency's register does not show it; bad periods are named at their field.
        let other: app::api::register::RegisterView = app
            .login(CENTRE_RECEPTION, PASSWORD)
            .await
            .get(app.url("/api/desk/register"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(other.rows.iter().all(|r| r.code != code));
        let res = desk.get(app.url("/api/desk/register?from=2026-13-01&to=2026-11-30")).send().await.unwrap();
        assert_eq!(res.status(), 400);
        let res = desk.get(app.url("/api/desk/register?from=2026-11-30&to=2026-11-01")).send().await.unwrap();
        assert_eq!(res.status(), 400);
        let page = desk.get(app.url("/mot-cua/so-theo-doi?from=2026-02-30")).send().await.unwrap();
        assert_eq!(page.status(), 200, "{backend:?}: the page shows the bad date at its field");
        assert!(page.text().await.unwrap().contains("Ngày không hợp lệ."));
        let citizen = app.login("045095001234", "matkhau2026").await;
        assert_eq!(citizen.get(app.url("/api/desk/register")).send().await.unwrap().status(), 403);
    }
}
