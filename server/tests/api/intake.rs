//! Counter and postal intake at the desk: the applicant found by CCCD or recorded there, the
//! scans marked digitised, the dossier accepted at once with its receipt; refusals and bad input
//! with nothing saved; the recorded applicant claiming their account online with the one-time code
//! on the receipt; an unverified online account never receiving a paper dossier. Each on SQLite
//! and PostgreSQL.

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
        .header("Referer", app.url(&format!("/mot-cua/tiep-nhan?tim={NO_LOOKUP}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The id of a lookup nobody kept: the page a failed intake goes back to in these tests.
const NO_LOOKUP: &str = "00000000000000000000000000000000";

/// Looks the applicant up as the page's form does: the CCCD and the procedure are posted and
/// kept on the server; the redirect carries only the lookup's opaque id, never the CCCD.
async fn lookup(app: &TestApp, desk: &Client, cccd: &str, procedure: &str) -> String {
    let res = app
        .form(desk, "/api/desk/intake-lookup", "/mot-cua/tiep-nhan", &[("cccd", cccd), ("procedure", procedure)])
        .await;
    assert_eq!(res.status(), 302);
    let to = location(&res);
    let id = to.strip_prefix("/mot-cua/tiep-nhan?tim=").unwrap_or_else(|| panic!("not the intake page: {to}"));
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "only an opaque id: {to}");
    to
}

/// The intake form for a lookup, as JSON.
async fn looked_up(app: &TestApp, desk: &Client, cccd: &str, procedure: &str) -> app::api::intake::IntakeView {
    let to = lookup(app, desk, cccd, procedure).await;
    let api = to.replace("/mot-cua/tiep-nhan", "/api/desk/intake-form");
    desk.get(app.url(&api)).send().await.unwrap().json().await.unwrap()
}

/// The intake page for a lookup.
async fn lookup_page(app: &TestApp, desk: &Client, cccd: &str, procedure: &str) -> reqwest::Response {
    let to = lookup(app, desk, cccd, procedure).await;
    desk.get(app.url(&to)).send().await.unwrap()
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
        let found: app::api::intake::IntakeView = looked_up(&app, &desk, cccd, &p.code).await;
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

        assert!(receipt.contains("data-testid=\"claim-code\""), "{backend:?}: the receipt prints a claim code");
    }
}

#[tokio::test]
async fn paper_entered_after_an_outage_is_submitted_and_accepted_at_its_real_time_in_one_step() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let now = app::api::ctx::now_ms();
        // Yesterday at the same minute, within the window.
        let real = now - 86_400_000 - now % 60_000;
        let typed = app::domain::vn_time::format_local_input(real);
        let before = (app.count("select count(*) from dossiers").await, app.count("select count(*) from users").await);

        // Too old, or without a reason: refused at the fields, nothing written, nobody recorded.
        let too_old = app::domain::vn_time::format_local_input(now - 45 * 86_400_000);
        let form = intake(&p, &new_key(), "045096006666", "postal", Some(("Đinh Văn Lộc", "0905666777")))
            .text("happened_at", too_old)
            .text("backfill_reason", "");
        let e = redirected_error(&post_intake(&app, &desk, form).await);
        assert_eq!(
            field_keys(&e),
            [
                ("happened_at".to_string(), "error-backfill-too-old".to_string()),
                ("backfill_reason".to_string(), "error-required".to_string())
            ],
            "{backend:?}"
        );
        let after = (app.count("select count(*) from dossiers").await, app.count("select count(*) from users").await);
        assert_eq!(after, before, "{backend:?}: no dossier and no applicant half-saved");

        let form = intake(&p, &new_key(), "045096006666", "postal", Some(("Đinh Văn Lộc", "0905666777")))
            .text("happened_at", typed)
            .text("backfill_reason", "Mất mạng cả ngày, hồ sơ bưu chính nhận trên giấy");
        let code = receipt_code(&post_intake(&app, &desk, form).await);
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Ok(()));
        let seen: Vec<(&str, i64, bool)> =
            events.iter().map(|e| (e.action.as_str(), e.at_ms, e.backfill_reason.is_some())).collect();
        assert_eq!(seen, [("submit", real, true), ("accept", real, true)], "{backend:?}: both at the real time");
        assert!(events.iter().all(|e| e.recorded_at_ms >= now), "{backend:?}: recorded now");
        assert!(events[0].note.contains("bưu chính"), "{}", events[0].note);
        let r = sqlx::query("select submitted_at, accepted_at, status from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!((r.get::<i64, _>(0), r.get::<i64, _>(1), r.get::<i64, _>(2)), (real, real, 2), "{backend:?}");
    }
}

/// The claim code printed on a receipt (`ABCDE-FGHJK`), if any.
fn claim_code_in(receipt: &str) -> Option<String> {
    let at = receipt.find("data-testid=\"claim-code\"")?;
    let text = &receipt[at..];
    Some(text[text.find('>')? + 1..].split('<').next()?.to_string())
}

async fn receipt_html(app: &TestApp, desk: &Client, code: &str) -> String {
    let res = desk.get(app.url(&format!("/mot-cua/ho-so/{code}/phieu/01"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn claim(app: &TestApp, c: &Client, cccd: &str, code: &str, password: &str) -> reqwest::Response {
    app.form(
        c,
        "/api/account/claim",
        "/nhan-tai-khoan",
        &[("cccd", cccd), ("code", code), ("password", password), ("next", "/ho-so")],
    )
    .await
}

async fn sign_in(app: &TestApp, cccd: &str, password: &str) -> String {
    let res = app
        .form(
            &app.client(),
            "/api/account/login",
            "/dang-nhap",
            &[("cccd", cccd), ("password", password), ("next", "/")],
        )
        .await;
    location(&res)
}

#[tokio::test]
async fn a_recorded_applicant_claims_the_account_only_with_the_code_on_the_receipt_and_only_once() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let cccd = "045096007777";
        let res =
            post_intake(&app, &desk, intake(&p, &new_key(), cccd, "counter", Some(("Hồ Thị Mai", "0905123456")))).await;
        let code = receipt_code(&res);
        let receipt = receipt_html(&app, &desk, &code).await;
        let claim_code = claim_code_in(&receipt).expect("the first receipt prints the claim code");
        assert!(receipt.contains("/nhan-tai-khoan"), "{backend:?}: and where to use it");
        assert_eq!(claim_code.len(), 11, "{backend:?}: two groups of five: {claim_code}");
        let stored: String =
            sqlx::query("select c.code_hash from claim_codes c join users u on u.id = c.user_id where u.cccd = $1")
                .bind(cccd)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
                .get(0);
        assert!(!stored.contains(&claim_code.replace('-', "")), "{backend:?}: only a hash is stored");
        // A reprint does not show it again (it cannot: only its hash is kept).
        let reprint = receipt_html(&app, &desk, &code).await;
        assert_eq!(claim_code_in(&reprint), None, "{backend:?}: printed once");
        assert!(reprint.contains("data-testid=\"claim-code-printed\""), "{backend:?}: the officer is told why");

        // No one signs in to a recorded account, and CCCD + phone (both on Mẫu 01) claim nothing.
        assert!(sign_in(&app, cccd, "").await.contains("__err"), "{backend:?}: no sign-in without a password");
        let res = app.register(&app.client(), "Hồ Thị Mai", cccd, "0905123456", "matkhau2026").await;
        assert_eq!(location(&res), SIGNUP_CODE, "{backend:?}: the same answer as any registration");
        assert!(
            sign_in(&app, cccd, "matkhau2026").await.contains("__err"),
            "{backend:?}: CCCD and phone typed claim nothing until the phone's code is given"
        );
        let hash: String = sqlx::query("select password_hash from users where cccd = $1")
            .bind(cccd)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(hash, "", "{backend:?}: still unclaimed");

        // A wrong code, or the code with another CCCD, is refused with one message.
        let stranger = app.client();
        for (who, code) in [(cccd, "ABCDE-FGHJK"), ("045096007778", claim_code.as_str())] {
            let res = claim(&app, &stranger, who, code, "matkhau2026").await;
            assert_eq!(
                field_keys(&redirected_error(&res)),
                [("code".to_string(), "error-claim-failed".to_string())],
                "{backend:?}: {who} {code}"
            );
        }
        let res = claim(&app, &stranger, cccd, "ABC", "matkhau2026").await;
        assert_eq!(field_keys(&redirected_error(&res)), [("code".to_string(), "error-claim-code-format".to_string())]);

        // The right code (typed in lower case, without the dash) claims the account, once.
        let owner = app.client();
        let typed = claim_code.replace('-', " ").to_lowercase();
        let res = claim(&app, &owner, cccd, &typed, "hoThiMai2026").await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}: claimed: {:?}", location(&res));
        let mine = owner.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains(&code), "{backend:?}: the applicant sees the dossier the desk received");
        let res = claim(&app, &app.client(), cccd, &claim_code, "matkhau2099").await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [("code".to_string(), "error-claim-failed".to_string())],
            "{backend:?}: the code cannot be reused"
        );
        assert_eq!(sign_in(&app, cccd, "hoThiMai2026").await, "/", "{backend:?}: the new password works");
        assert!(sign_in(&app, cccd, "matkhau2099").await.contains("__err"), "{backend:?}: the reuse changed nothing");
        let verified: String = sqlx::query("select verified_by from users where cccd = $1")
            .bind(cccd)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(verified, "claim-code");
        assert_eq!(app.count("select count(*) from claim_codes").await, 0, "{backend:?}: the code is used up");
    }
}

#[tokio::test]
async fn the_desk_issues_a_new_claim_code_that_replaces_the_old_one() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let cccd = "045096007779";
        let res =
            post_intake(&app, &desk, intake(&p, &new_key(), cccd, "postal", Some(("Võ Văn Kiệt", "0905123457")))).await;
        let code = receipt_code(&res);
        let first = claim_code_in(&receipt_html(&app, &desk, &code).await).unwrap();
        let page = desk.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("chưa nhận tài khoản trực tuyến"), "{backend:?}: the desk sees the account's state");
        assert!(page.contains("Cấp mã nhận tài khoản mới"), "{backend:?}: and may issue a new code");
        // Only the receiving desk may.
        for (who, client, status) in [
            ("citizen", app.login("045095001234", "matkhau2026").await, 403),
            ("specialist", app.login(VP_SPECIALIST, PASSWORD).await, 403),
            ("another desk", app.login(CENTRE_RECEPTION, PASSWORD).await, 403),
        ] {
            let res =
                client.post(app.url("/api/desk/claim-code")).form(&[("code", code.as_str())]).send().await.unwrap();
            assert_eq!(res.status(), status, "{backend:?}: {who}");
        }
        let res = app.form(&desk, "/api/desk/claim-code", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/01"), "{backend:?}: a new receipt");
        let second =
            claim_code_in(&receipt_html(&app, &desk, &code).await).expect("the new receipt prints the new code");
        assert_ne!(first, second);
        let res = claim(&app, &app.client(), cccd, &first, "matkhau2026").await;
        assert_eq!(field_keys(&redirected_error(&res)), [("code".to_string(), "error-claim-failed".to_string())]);
        let res = claim(&app, &app.client(), cccd, &second, "matkhau2026").await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}: the new code claims the account");
        // Once claimed, there is nothing left to issue.
        let res = desk.post(app.url("/api/desk/claim-code")).form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(res.status(), 409, "{backend:?}");
    }
}

#[tokio::test]
async fn intake_for_an_unverified_online_account_files_the_dossier_under_a_verified_desk_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        // Someone registered this CCCD online with a phone of their own; nobody checked the card.
        let cccd = "045093005555";
        let online = app.citizen("Kẻ Mạo Danh", cccd, "0934000111").await;
        let online_id: i64 = sqlx::query("select id from users where cccd = $1")
            .bind(cccd)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        let desk = app.login(RECEPTION, PASSWORD).await;
        let found: app::api::intake::IntakeView = looked_up(&app, &desk, cccd, &p.code).await;
        assert_eq!(found.applicant.as_ref().map(|a| a.verified), Some(false), "{backend:?}: found, unverified");
        let page = lookup_page(&app, &desk, cccd, &p.code).await.text().await.unwrap();
        assert!(page.contains("data-testid=\"intake-unverified\""), "{backend:?}: the officer sees the conflict");
        assert!(page.contains("chưa được xác minh") && page.contains("Kẻ Mạo Danh"), "{backend:?}: and why");
        // The applicant's name and phone are needed, as for a new applicant.
        let res = post_intake(&app, &desk, intake(&p, &new_key(), cccd, "counter", None)).await;
        assert!(field_keys(&redirected_error(&res)).contains(&("full_name".to_string(), "error-required".to_string())));

        let res =
            post_intake(&app, &desk, intake(&p, &new_key(), cccd, "counter", Some(("Phan Thị Thật", "0905777888"))))
                .await;
        let code = receipt_code(&res);
        let r = sqlx::query(
            "select u.id, u.cccd, u.verified_by, u.full_name from dossiers d join users u on u.id = d.applicant_id where d.code = $1",
        )
        .bind(&code)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_ne!(r.get::<i64, _>(0), online_id, "{backend:?}: not filed into the unverified account");
        assert_eq!(r.get::<String, _>(1), cccd, "{backend:?}: the desk record holds the CCCD");
        assert_eq!(r.get::<String, _>(2), "desk", "{backend:?}: verified at the desk");
        assert_eq!(r.get::<String, _>(3), "Phan Thị Thật");
        let contested = sqlx::query("select cccd, contested_at from users where id = $1")
            .bind(online_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_ne!(contested.get::<String, _>(0), cccd, "{backend:?}: the online account gave the CCCD up");
        assert!(contested.get::<Option<i64>, _>(1).is_some(), "{backend:?}: marked contested");
        // The online account is signed out, cannot sign in, and never saw the dossier.
        assert_eq!(online.get(app.url("/api/dossiers/mine")).send().await.unwrap().status(), 401, "{backend:?}");
        assert!(sign_in(&app, cccd, "matkhau2026").await.contains("__err"), "{backend:?}: no sign-in");
        let contested_cccd = contested.get::<String, _>(0);
        assert!(sign_in(&app, &contested_cccd, "matkhau2026").await.contains("__err"), "{backend:?}: not even so");
        assert_eq!(
            app.count(&format!("select count(*) from dossiers where applicant_id = {online_id} and code is not null"))
                .await,
            0
        );
        // The person whose card the desk checked claims the record with the code on the receipt.
        let claim_code = claim_code_in(&receipt_html(&app, &desk, &code).await).expect("the receipt prints the code");
        let owner = app.client();
        let res = claim(&app, &owner, cccd, &claim_code, "phanThiThat26").await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}");
        let mine = owner.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains(&code), "{backend:?}: the owner sees the paper dossier");
        // The next paper dossier for this CCCD goes to the verified account without a warning.
        let found: app::api::intake::IntakeView = looked_up(&app, &desk, cccd, &p.code).await;
        assert_eq!(found.applicant.map(|a| (a.full_name, a.verified)), Some(("Phan Thị Thật".to_string(), true)));
    }
}

#[tokio::test]
async fn a_recorded_applicant_takes_the_account_online_by_proving_the_phone_the_desk_took_down() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let cccd = "045096008888";
        let res =
            post_intake(&app, &desk, intake(&p, &new_key(), cccd, "counter", Some(("Võ Thị Sen", "0905123499")))).await;
        let code = receipt_code(&res);
        // Someone who knows the CCCD but has another phone gets nothing.
        let stranger = app.client();
        app.register(&stranger, "Võ Thị Sen", cccd, "0905123400", "matkhau2026").await;
        let res = app.confirm_signup(&stranger, "0905123400").await;
        assert_eq!(redirected_error(&res).key(), "error-signup-taken", "{backend:?}");
        // The applicant proves the phone on the receipt: the record becomes their account.
        let owner = app.client();
        let res = app.register(&owner, "Võ Thị Sen", cccd, "0905123499", "voThiSen2026").await;
        assert_eq!(location(&res), SIGNUP_CODE, "{backend:?}");
        let res = app.confirm_signup(&owner, "0905123499").await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}");
        let mine = owner.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains(&code), "{backend:?}: the dossier the desk received");
        assert_eq!(app.count(&format!("select count(*) from users where cccd = '{cccd}'")).await, 1, "{backend:?}");
        assert_eq!(
            app.count(&format!(
                "select count(*) from claim_codes c join users u on u.id = c.user_id where u.cccd = '{cccd}'"
            ))
            .await,
            0,
            "{backend:?}: the claim code on the receipt is spent"
        );
        assert_eq!(sign_in(&app, cccd, "voThiSen2026").await, "/", "{backend:?}");
    }
}

#[tokio::test]
async fn a_postal_dossier_of_a_verified_applicant_on_record_goes_to_their_account() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        // A verified account (the demo's citizens have been to a desk).
        let citizen = app.login("045195004321", "matkhau2026").await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let found: app::api::intake::IntakeView = looked_up(&app, &desk, "045195004321", &p.code).await;
        assert_eq!(found.applicant.as_ref().map(|a| a.full_name.as_str()), Some("Trần Thị Bích"));
        let res = post_intake(&app, &desk, intake(&p, &new_key(), "045195004321", "postal", None)).await;
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
        let kept = lookup(&app, &desk, "045096008888", "1.001193").await;
        let again = location(&res).replace(&format!("tim={NO_LOOKUP}"), kept.split_once('?').unwrap().1);
        let again = desk.get(again).send().await.unwrap().text().await.unwrap();
        assert!(again.contains("Lê Văn Tám"), "{backend:?}: the typed name comes back from the server");
        assert_eq!(count().await, before, "{backend:?}: nothing saved, no file kept");
        let page = lookup_page(&app, &desk, "045096008888", "1.001193").await.text().await.unwrap();
        assert!(page.contains("Chưa có người nộp với số CCCD này"), "{backend:?}: the form asks for a new applicant");
        let page = lookup_page(&app, &desk, "123", "9.999").await;
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

#[tokio::test]
async fn the_cccd_looked_up_at_the_counter_never_reaches_a_url() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let cccd = "045195004321";
        let to = lookup(&app, &desk, cccd, "1.001193").await;
        assert!(!to.contains(cccd), "{backend:?}: {to}");
        let page = desk.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"intake-form\""), "{backend:?}: the form opens");
        assert!(page.contains(&format!("value=\"{cccd}\"")), "{backend:?}: with the CCCD looked up");
        assert!(!page.contains("lookup-expired"), "{backend:?}");

        // Another session (the same officer signed in elsewhere) or an id nobody kept: a clear
        // message and an empty lookup.
        let elsewhere = app.login(RECEPTION, PASSWORD).await;
        let unknown = format!("/mot-cua/tiep-nhan?tim={NO_LOOKUP}");
        for (who, link) in [(&elsewhere, &to), (&desk, &unknown)] {
            let page = who.get(app.url(link)).send().await.unwrap();
            assert_eq!(page.status(), 200, "{backend:?}");
            let page = page.text().await.unwrap();
            assert!(
                page.contains("lookup-expired") && page.contains("Vui lòng nhập lại số CCCD"),
                "{backend:?}: {link}"
            );
            assert!(!page.contains(cccd) && !page.contains("id=\"intake-form\""), "{backend:?}: nothing of the lookup");
        }

        // Only the reception desk looks applicants up.
        let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
        let res = app
            .form(
                &specialist,
                "/api/desk/intake-lookup",
                "/mot-cua/tiep-nhan",
                &[("cccd", cccd), ("procedure", "1.001193")],
            )
            .await;
        assert!(res.status() == 403 || redirected_error(&res) == app::error::AppError::Forbidden, "{backend:?}");
    }
}
