//! Accounts people can trust (issue 12): the phone proven by a code at sign-up, the e-mail by a
//! link, a forgotten password reset without telling whether an account exists, sessions seen and
//! ended, the sign-in notice, and the officers' second factor.

use crate::support::*;
use reqwest::Client;
use sqlx::Row;

/// Signs in as a browser would, with its own User-Agent; returns where it led.
async fn sign_in_as(app: &TestApp, c: &Client, cccd: &str, password: &str, agent: &str) -> String {
    let res = c
        .post(app.url("/api/account/login"))
        .header("Accept", "text/html")
        .header("Referer", app.url("/dang-nhap"))
        .header("User-Agent", agent)
        .form(&[("cccd", cccd), ("password", password), ("next", "/ho-so")])
        .send()
        .await
        .unwrap();
    location(&res)
}

/// The status of `path` for this client: 200 signed in, 401 not.
async fn status(app: &TestApp, c: &Client, path: &str) -> u16 {
    c.get(app.url(path)).send().await.unwrap().status().as_u16()
}

fn error_key(res: &reqwest::Response) -> String {
    let e = redirected_error(res);
    match field_keys(&e).first() {
        Some((_, key)) => key.clone(),
        None => e.key().to_string(),
    }
}

/// Another six-digit code than `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

async fn user_text(app: &TestApp, column: &str, cccd: &str) -> Option<String> {
    sqlx::query(&format!("select {column} from users where cccd = $1"))
        .bind(cccd)
        .fetch_optional(&app.db.pool)
        .await
        .unwrap()
        .map(|r| r.get(0))
}

#[tokio::test]
async fn the_sign_up_code_has_six_digits_five_tries_and_five_minutes() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.client();
        let (cccd, phone) = ("045301000001", "0912000001");
        let res = app.register(&c, "Phạm Thị Thu", cccd, phone, "matkhau2026").await;
        assert_eq!(location(&res), SIGNUP_CODE, "{backend:?}");
        let code = app.sms_code(phone).await;
        // The SMS carries the code and nothing personal, in one segment of plain letters.
        let body = texts(&app, "select body from outbox where recipient = $1", phone).await.remove(0);
        assert!(body.is_ascii() && body.len() <= 160, "{backend:?}: one GSM segment: {body:?}");
        assert!(!body.contains(cccd) && !body.contains("Thu"), "{backend:?}: {body:?}");
        let page = c.get(app.url(SIGNUP_CODE)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("•••••••001") && !page.contains(phone), "{backend:?}: the phone masked");

        let confirm = |code: String| {
            let (app, c) = (&app, &c);
            async move {
                app.form(c, "/api/account/confirm-signup", SIGNUP_CODE, &[("code", code.as_str()), ("next", "/ho-so")])
                    .await
            }
        };
        assert_eq!(error_key(&confirm("12 34".into()).await), "error-otp-format", "{backend:?}");
        for n in 1..=4 {
            assert_eq!(error_key(&confirm(wrong(&code)).await), "error-otp-wrong", "{backend:?}: wrong try {n}");
        }
        assert_eq!(error_key(&confirm(wrong(&code)).await), "error-otp-dead", "{backend:?}: the fifth kills it");
        assert_eq!(error_key(&confirm(code.clone()).await), "error-otp-dead", "{backend:?}: even the right one");
        assert_eq!(app.count("select count(*) from users where cccd = '045301000001'").await, 0, "{backend:?}");

        // Another code a minute later at the soonest.
        let res = app.form(&c, "/api/account/resend-signup-code", SIGNUP_CODE, &[("next", "/ho-so")]).await;
        assert_eq!(error_key(&res), "error-otp-wait", "{backend:?}");
        sqlx::query("update one_time_codes set last_sent_at = last_sent_at - 61000")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let res = app.form(&c, "/api/account/resend-signup-code", SIGNUP_CODE, &[("next", "/ho-so")]).await;
        assert_eq!(location(&res), "/dang-ky/xac-minh?gui-lai=1&next=/ho-so", "{backend:?}");
        assert_eq!(app.count("select count(*) from outbox where recipient = '0912000001'").await, 2, "{backend:?}");
        // Five minutes pass: the new code is dead too.
        sqlx::query("update one_time_codes set expires_at = 0").execute(&app.db.pool).await.unwrap();
        let fresh = app.sms_code(phone).await;
        assert_eq!(error_key(&confirm(fresh).await), "error-otp-dead", "{backend:?}: expired");
        // A third code, in time: the account is created, signed in, its phone proven.
        sqlx::query("update one_time_codes set last_sent_at = last_sent_at - 61000")
            .execute(&app.db.pool)
            .await
            .unwrap();
        app.form(&c, "/api/account/resend-signup-code", SIGNUP_CODE, &[("next", "/ho-so")]).await;
        let res = app.confirm_signup(&c, phone).await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}");
        assert_eq!(status(&app, &c, "/ho-so").await, 200, "{backend:?}: signed in");
        assert_eq!(user_text(&app, "verified_by", cccd).await.as_deref(), Some("phone"), "{backend:?}");
        // The ticket is spent: the code cannot make a second account.
        let res = app.confirm_signup(&c, phone).await;
        assert_eq!(error_key(&res), "error-signup-gone", "{backend:?}");
        assert_eq!(app.count("select count(*) from signups").await, 0, "{backend:?}");
        // A fourth sign-up with the phone in fifteen minutes is refused, whoever asks.
        for other in ["045301000002", "045301000003"] {
            let res = app.register(&app.client(), "Người Khác", other, phone, "matkhau2026").await;
            assert_eq!(location(&res), SIGNUP_CODE, "{backend:?}");
        }
        let res = app.register(&app.client(), "Người Khác", "045301000004", phone, "matkhau2026").await;
        let limited = res.status() == 429 || error_key(&res) == "error-rate-limited";
        assert!(limited, "{backend:?}: per phone");
    }
}

#[tokio::test]
async fn proving_the_phone_takes_a_cccd_from_an_account_that_proved_nothing_and_freezes_it() {
    use app::ports::stores::*;
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let cccd = "045301000010";
        // An account registered before phones were proven (or a squatter's): it signs in, may save
        // a draft, and may not submit.
        let hash = app::api::account::ssr::hash_password("matkhau-cu-2025").unwrap();
        app.db
            .create_user(app::ports::NewUser {
                full_name: "Kẻ Mạo Danh".into(),
                cccd: cccd.into(),
                phone: "0912000010".into(),
                email: None,
                password_hash: hash,
                created_at_ms: 1,
            })
            .await
            .unwrap();
        let squatter = app.client();
        assert_eq!(sign_in_as(&app, &squatter, cccd, "matkhau-cu-2025", "curl").await, "/ho-so", "{backend:?}");
        let p = birth(&app).await;
        let form = c_form(&squatter, &app, &p).await;
        assert!(form.contains("data-testid=\"account-unproven\""), "{backend:?}: the form says why");
        let key = new_key();
        let res = post_dossier(&app, &squatter, &p, dossier_form(&p, &key, "submit")).await;
        let e = redirected_error(&res);
        assert_eq!(field_keys(&e), [("account".to_string(), "error-account-unverified".to_string())], "{backend:?}");
        let page = squatter.get(location(&res)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("value=\"{key}\"")), "{backend:?}: back to the draft");
        assert!(page.contains("href=\"#account\""), "{backend:?}: the summary points at the reason");
        assert_eq!(app.count("select count(*) from dossiers where status = 0 and applicant_id in (select id from users where full_name = 'Kẻ Mạo Danh')").await, 1, "{backend:?}: a draft");
        assert_eq!(app.count("select count(*) from dossiers where status <> 0 and applicant_id in (select id from users where full_name = 'Kẻ Mạo Danh')").await, 0, "{backend:?}: nothing submitted");

        // The owner signs up with their own phone and proves it.
        let owner = app.citizen("Chủ Thật", cccd, "0912000011").await;
        assert_eq!(status(&app, &owner, "/ho-so").await, 200, "{backend:?}");
        assert_eq!(user_text(&app, "full_name", cccd).await.as_deref(), Some("Chủ Thật"), "{backend:?}");
        let frozen = app.count("select count(*) from users where full_name = 'Kẻ Mạo Danh' and contested_at is not null and cccd like 'contested:%'").await;
        assert_eq!(frozen, 1, "{backend:?}: frozen, its CCCD given up");
        assert_eq!(status(&app, &squatter, "/ho-so").await, 401, "{backend:?}: its sessions ended");
        assert!(sign_in_as(&app, &app.client(), cccd, "matkhau-cu-2025", "curl").await.contains("__err"));
        assert_eq!(app.count("select count(*) from dossiers where status = 0 and applicant_id in (select id from users where full_name = 'Kẻ Mạo Danh')").await, 1, "{backend:?}: its draft kept for review");
    }
}

/// The e-form page's HTML for a signed-in client.
async fn c_form(c: &Client, app: &TestApp, p: &app::api::catalogue::ProcedureDetail) -> String {
    c.get(app.url(&format!("/thu-tuc/{}/nop", p.code))).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn the_email_given_at_sign_up_is_proven_by_its_link_before_it_receives_anything() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.client();
        let fields = [
            ("full_name", "Vũ Thị Lan"),
            ("cccd", "045301000020"),
            ("phone", "0912000020"),
            ("email", "lan@example.vn"),
            ("password", "matkhau2026"),
            ("next", "/ho-so"),
        ];
        app.form(&c, "/api/account/register", "/dang-ky", &fields).await;
        assert_eq!(
            app.count("select count(*) from outbox where channel = 'email'").await,
            0,
            "{backend:?}: not before the phone"
        );
        assert_eq!(location(&app.confirm_signup(&c, "0912000020").await), "/ho-so", "{backend:?}");
        let mails =
            texts(&app, "select body from outbox where channel = 'email' and recipient = $1", "lan@example.vn").await;
        assert_eq!(mails.len(), 1, "{backend:?}: the proof link, nothing else yet");
        let url = mails[0].split_whitespace().find(|w| w.contains("/xac-minh-email?t=")).expect("the link").to_string();
        let token = url.split("t=").nth(1).unwrap().to_string();

        // Opening the link shows a button (a mail scanner's GET proves nothing).
        let page = app.client().get(url.clone()).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("/api/account/prove-email"), "{backend:?}");
        assert_eq!(
            app.count("select count(*) from users where email_verified_at is not null and cccd = '045301000020'").await,
            0
        );
        let res = app.form(&app.client(), "/api/account/prove-email", "/xac-minh-email", &[("t", &token)]).await;
        assert_eq!(location(&res), "/xac-minh-email?xong=1", "{backend:?}");
        assert_eq!(
            app.count("select count(*) from users where email_verified_at is not null and cccd = '045301000020'").await,
            1
        );
        let res = app.form(&app.client(), "/api/account/prove-email", "/xac-minh-email", &[("t", &token)]).await;
        assert_eq!(error_key(&res), "error-link-dead", "{backend:?}: once");
        let res =
            app.form(&app.client(), "/api/account/prove-email", "/xac-minh-email", &[("t", "x' or 1=1 --")]).await;
        assert_eq!(error_key(&res), "error-link-dead", "{backend:?}");
        // From now on a sign-in is told to the proven address.
        let other = app.client();
        assert_eq!(
            sign_in_as(
                &app,
                &other,
                "045301000020",
                "matkhau2026",
                "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36"
            )
            .await,
            "/ho-so"
        );
        let told = texts(
            &app,
            "select body from outbox where message_id like 'sign-in/%' and recipient = $1",
            "lan@example.vn",
        )
        .await;
        assert_eq!(told.len(), 1, "{backend:?}: one sign-in notice");
        assert!(
            told[0].contains("Chrome") && told[0].contains("Android"),
            "{backend:?}: names the browser: {}",
            told[0]
        );
        assert!(!told[0].contains("matkhau2026") && !told[0].contains("045301000020"), "{backend:?}");
    }
}

#[tokio::test]
async fn a_sign_in_is_never_told_to_an_unproven_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.citizen("Đỗ Văn Tâm", "045301000030", "0912000030").await;
    sqlx::query("update users set email = 'tam@example.vn', email_verified_at = null where cccd = '045301000030'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(sign_in_as(&app, &app.client(), "045301000030", "matkhau2026", "curl").await, "/ho-so");
    assert_eq!(app.count("select count(*) from outbox where channel = 'email'").await, 0);
}

/// What an observer of a step of a reset sees: status, where it leads, the cookies' names and
/// flags, the body.
async fn seen(res: reqwest::Response) -> (u16, String, Vec<String>, String) {
    let status = res.status().as_u16();
    let loc = location(&res);
    let cookies = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let v = v.to_str().unwrap();
            let (name, rest) = v.split_once('=').unwrap();
            format!("{name}=…{}", &rest[rest.find(';').unwrap_or(rest.len())..])
        })
        .collect();
    let body = res.text().await.unwrap();
    // Each page has its own script nonce.
    let body = match body.split_once("nonce=\"") {
        Some((head, _)) => head.to_string(),
        None => body,
    };
    (status, loc, cookies, body)
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_sms_code_and_no_answer_tells_whether_the_account_exists() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (cccd, phone) = ("045301000040", "0912000040");
        let first = app.citizen("Lâm Văn Phúc", cccd, phone).await;
        let second = app.login(cccd, "matkhau2026").await;
        let (owner, stranger) = (app.client(), app.client());
        let mut answers = Vec::new();
        for (c, who) in [(&owner, cccd), (&stranger, "045301000049")] {
            let res = app.form(c, "/api/account/forgot-password", "/quen-mat-khau", &[("cccd", who)]).await;
            let mut step = vec![seen(res).await];
            step.push(seen(c.get(app.url("/quen-mat-khau/ma")).send().await.unwrap()).await);
            let res = app
                .form(
                    c,
                    "/api/account/reset-password",
                    "/quen-mat-khau/ma",
                    &[("code", "000000"), ("password", "MatKhauMoi#2026")],
                )
                .await;
            step.push(seen(res).await);
            let res = app.form(c, "/api/account/resend-reset-code", "/quen-mat-khau/ma", &[]).await;
            step.push(seen(res).await);
            answers.push(step);
        }
        assert_eq!(answers[0][0].1, "/quen-mat-khau/ma", "{backend:?}");
        assert!(answers[0][0].2[0].starts_with("reset=…") && answers[0][0].2[0].contains("HttpOnly"), "{backend:?}");
        assert_eq!(answers[0], answers[1], "{backend:?}: an account or none, the same pages and answers");
        assert_eq!(app.count("select count(*) from outbox where channel = 'sms' and message_id like 'code/%' and recipient = '0912000040'").await, 2, "{backend:?}: the sign-up's code and the reset's");

        // A weak password does not spend the code; the right code and a good password do.
        let code = app.sms_code(phone).await;
        let res = app
            .form(&owner, "/api/account/reset-password", "/quen-mat-khau/ma", &[("code", &code), ("password", "123")])
            .await;
        assert_eq!(error_key(&res), "error-password-length", "{backend:?}");
        let res = app
            .form(
                &owner,
                "/api/account/reset-password",
                "/quen-mat-khau/ma",
                &[("code", &code), ("password", "MatKhauMoi#2026")],
            )
            .await;
        assert_eq!(location(&res), "/tai-khoan?mat-khau=1", "{backend:?}: signed in");
        assert_eq!(status(&app, &owner, "/tai-khoan").await, 200, "{backend:?}");
        for old in [&first, &second] {
            assert_eq!(status(&app, old, "/ho-so").await, 401, "{backend:?}: every earlier session ended");
        }
        assert!(sign_in_as(&app, &app.client(), cccd, "matkhau2026", "curl").await.contains("__err"), "{backend:?}");
        assert_eq!(sign_in_as(&app, &app.client(), cccd, "MatKhauMoi#2026", "curl").await, "/ho-so", "{backend:?}");
        // The code and the ticket are spent.
        let res = app
            .form(
                &owner,
                "/api/account/reset-password",
                "/quen-mat-khau/ma",
                &[("code", &code), ("password", "KhacNua#2026x")],
            )
            .await;
        assert_eq!(error_key(&res), "error-reset-gone", "{backend:?}");
    }
}

#[tokio::test]
async fn one_sees_and_ends_ones_sessions_and_a_new_password_ends_the_others() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let cccd = "045301000050";
        let here = app.citizen("Tạ Minh Đức", cccd, "0912000050").await;
        let phone = app.client();
        let laptop = app.client();
        let android = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36";
        let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
        sign_in_as(&app, &phone, cccd, "matkhau2026", android).await;
        sign_in_as(&app, &laptop, cccd, "matkhau2026", firefox).await;
        let page = here.get(app.url("/tai-khoan")).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("Chrome · Android") && page.contains("Firefox · Windows"),
            "{backend:?}: the browsers listed"
        );
        let handle_of = |device: &'static str| {
            let app = &app;
            async move { texts(app, "select handle from sessions where device = $1", device).await.remove(0) }
        };
        // Ending the phone's session from here.
        let handle = handle_of("Chrome · Android").await;
        let res = app.form(&here, "/api/account/end-session", "/tai-khoan", &[("handle", &handle)]).await;
        assert_eq!(location(&res), "/tai-khoan?phien=1", "{backend:?}");
        assert_eq!(status(&app, &phone, "/ho-so").await, 401, "{backend:?}");
        assert_eq!(status(&app, &laptop, "/ho-so").await, 200, "{backend:?}");
        // Nobody ends another's session: a stranger with the laptop's handle changes nothing.
        let stranger = app.citizen("Người Lạ", "045301000059", "0912000059").await;
        let laptop_handle = handle_of("Firefox · Windows").await;
        let res = app.form(&stranger, "/api/account/end-session", "/tai-khoan", &[("handle", &laptop_handle)]).await;
        assert_ne!(location(&res), "/tai-khoan?phien=1", "{backend:?}");
        assert_eq!(status(&app, &laptop, "/ho-so").await, 200, "{backend:?}: still signed in");

        // A new password: the current one first, then every other session ends.
        let res = app
            .form(
                &here,
                "/api/account/change-password",
                "/tai-khoan",
                &[("current", "sai-roi-2026"), ("password", "MatKhauMoi#2026")],
            )
            .await;
        assert_eq!(error_key(&res), "error-current-password", "{backend:?}");
        let res = app
            .form(
                &here,
                "/api/account/change-password",
                "/tai-khoan",
                &[("current", "matkhau2026"), ("password", "MatKhauMoi#2026")],
            )
            .await;
        assert_eq!(location(&res), "/tai-khoan?mat-khau=1", "{backend:?}");
        assert_eq!(status(&app, &here, "/ho-so").await, 200, "{backend:?}: this one stays");
        assert_eq!(status(&app, &laptop, "/ho-so").await, 401, "{backend:?}: the others end");
        assert_eq!(status(&app, &stranger, "/ho-so").await, 200, "{backend:?}: another account's do not");
        assert_eq!(sign_in_as(&app, &app.client(), cccd, "MatKhauMoi#2026", "curl").await, "/ho-so");
    }
}

const RECEPTION: &str = "045185000101";
const AGENCY_ADMIN: &str = "045090000105";
/// Sở Xây dựng, whose leader is no administrator.
const OTHER_AGENCY: &str = "000.00.12.H45";

async fn totp_now(app: &TestApp, cccd: &str, steps_ahead: i64) -> String {
    let secret = app.totp_secret(cccd).await;
    app::domain::totp::code_at(&secret, app::domain::totp::step_of(app::api::ctx::now_ms()) + steps_ahead)
}

async fn password_step(app: &TestApp, c: &Client, cccd: &str) -> String {
    let res = app
        .form(c, "/api/account/login", "/dang-nhap", &[("cccd", cccd), ("password", "canbo2026"), ("next", "/mot-cua")])
        .await;
    location(&res)
}

#[tokio::test]
async fn officers_give_a_second_factor_that_works_once_and_an_administrator_resets_it_on_the_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let desk = app.client();
        assert_eq!(password_step(&app, &desk, RECEPTION).await, SECOND_FACTOR, "{backend:?}");
        assert_ne!(status(&app, &desk, "/tai-khoan").await, 200, "{backend:?}: no session before the code");
        for bad in ["12", "000000"] {
            let res = app.form(&desk, "/api/account/second-factor", SECOND_FACTOR, &[("code", bad)]).await;
            assert_eq!(error_key(&res), "error-totp-wrong", "{backend:?}: {bad}");
        }
        let code = totp_now(&app, RECEPTION, 0).await;
        let res = app.form(&desk, "/api/account/second-factor", SECOND_FACTOR, &[("code", &code)]).await;
        assert_eq!(location(&res), "/mot-cua", "{backend:?}");
        // The same code again, by someone who watched it typed: refused.
        let watcher = app.client();
        password_step(&app, &watcher, RECEPTION).await;
        let res = app.form(&watcher, "/api/account/second-factor", SECOND_FACTOR, &[("code", &code)]).await;
        assert_eq!(error_key(&res), "error-totp-wrong", "{backend:?}: a code works once");
        // Five wrong tries end the challenge: the password again.
        for _ in 0..3 {
            app.form(&watcher, "/api/account/second-factor", SECOND_FACTOR, &[("code", "999999")]).await;
        }
        let res = app.form(&watcher, "/api/account/second-factor", SECOND_FACTOR, &[("code", "999999")]).await;
        assert_eq!(error_key(&res), "error-challenge-gone", "{backend:?}");
        let next = totp_now(&app, RECEPTION, 1).await;
        let res = app.form(&watcher, "/api/account/second-factor", SECOND_FACTOR, &[("code", &next)]).await;
        assert_eq!(error_key(&res), "error-challenge-gone", "{backend:?}: even with a good code");

        // The officer lost the phone: their agency's administrator resets the second factor.
        let officer_id = app.count(&format!("select id from users where cccd = '{RECEPTION}'")).await.to_string();
        let leader = app.login("045078000204", "canbo2026").await;
        let res = app
            .form(
                &leader,
                "/api/admin/officer-second-factor",
                "/mot-cua/can-bo",
                &[("agency", OTHER_AGENCY), ("officer", &officer_id)],
            )
            .await;
        assert_ne!(location(&res), format!("/mot-cua/can-bo?co-quan={OTHER_AGENCY}&hai-lop=1"), "{backend:?}");
        let admin = app.login(AGENCY_ADMIN, "canbo2026").await;
        let res = app
            .form(
                &admin,
                "/api/admin/officer-second-factor",
                "/mot-cua/can-bo",
                &[("agency", "000.00.12.H45"), ("officer", &officer_id)],
            )
            .await;
        assert_ne!(
            location(&res),
            "/mot-cua/can-bo?co-quan=000.00.12.H45&hai-lop=1",
            "{backend:?}: not another agency's officer"
        );
        assert_eq!(
            app.count(&format!("select count(*) from users where cccd = '{RECEPTION}' and totp_secret is not null"))
                .await,
            1
        );
        let res = app
            .form(
                &admin,
                "/api/admin/officer-second-factor",
                "/mot-cua/can-bo",
                &[("agency", "000.20.01.H45"), ("officer", &officer_id)],
            )
            .await;
        assert_eq!(location(&res), "/mot-cua/can-bo?co-quan=000.20.01.H45&hai-lop=1", "{backend:?}");
        assert_eq!(status(&app, &desk, "/tai-khoan").await, 401, "{backend:?}: the officer's sessions ended");
        let recorded =
            texts(&app, "select actor_name from admin_events where action = $1", "second-factor-reset").await;
        assert_eq!(recorded, ["Võ Quốc Bảo"], "{backend:?}: on the record, with who");

        // At the next sign-in the officer enrols again: the secret shown once, recovery codes once.
        let desk = app.client();
        assert_eq!(password_step(&app, &desk, RECEPTION).await, SECOND_FACTOR, "{backend:?}");
        let page = desk.get(app.url(SECOND_FACTOR)).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("<svg") && page.contains("data-testid=\"totp-secret\""),
            "{backend:?}: a QR code and the secret"
        );
        let res = app.second_factor(&desk, RECEPTION).await;
        assert_eq!(location(&res), "/dang-nhap/ma-du-phong?next=/mot-cua", "{backend:?}");
        let page = desk.get(app.url("/dang-nhap/ma-du-phong")).send().await.unwrap().text().await.unwrap();
        let codes: Vec<String> = page
            .split("data-testid=\"recovery-code\">")
            .skip(1)
            .map(|s| s.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10, "{backend:?}: ten recovery codes");
        let again = desk.get(app.url("/dang-nhap/ma-du-phong")).send().await.unwrap().text().await.unwrap();
        assert!(!again.contains(&codes[0]), "{backend:?}: shown once");
        let stored = texts(
            &app,
            "select code_hash from recovery_codes where user_id = (select id from users where cccd = $1)",
            RECEPTION,
        )
        .await;
        assert_eq!(stored.len(), 10, "{backend:?}");
        assert!(stored.iter().all(|h| !h.contains(&codes[0].replace('-', ""))), "{backend:?}: hashes only");

        // A recovery code signs in once.
        for (n, expected) in [(0, "/mot-cua"), (1, "")] {
            let c = app.client();
            password_step(&app, &c, RECEPTION).await;
            let res =
                app.form(&c, "/api/account/second-factor", SECOND_FACTOR, &[("code", &codes[0].to_lowercase())]).await;
            if n == 0 {
                assert_eq!(location(&res), expected, "{backend:?}: a recovery code");
            } else {
                assert_eq!(error_key(&res), "error-totp-wrong", "{backend:?}: used once");
            }
        }
    }
}

#[tokio::test]
async fn citizens_sign_in_without_a_second_factor_and_cannot_reach_the_second_factor_pages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    assert_eq!(sign_in_as(&app, &c, "045095001234", "matkhau2026", "curl").await, "/ho-so");
    // Without a challenge cookie, the second factor is refused, not a way in.
    let res = app.form(&app.client(), "/api/account/second-factor", SECOND_FACTOR, &[("code", "123456")]).await;
    assert_eq!(error_key(&res), "error-challenge-gone");
    let res = app
        .client()
        .post(app.url("/api/account/second-factor"))
        .header("Cookie", "mfa=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .form(&[("code", "123456")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(app.panics.load(std::sync::atomic::Ordering::SeqCst), 0);
}
