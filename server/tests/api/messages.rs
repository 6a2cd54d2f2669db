//! Notices by e-mail and SMS (issue 12) against real peers: the SMTP server and the SMS gateway
//! of `scripts/sinks.py` (aiosmtpd, and an HTTP sink speaking the gateway protocol), read back
//! over HTTP. Waits are on conditions, never on time.

use crate::support::*;
use serde_json::Value;
use sqlx::Row;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

const DONG_HA_RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";
const TOKEN: &str = "sink-token-for-tests";

/// The sinks, stopped when dropped.
struct Sinks {
    _child: tokio::process::Child,
    smtp: u16,
    http: u16,
}

impl Sinks {
    async fn start(smtp: u16, http: u16) -> Sinks {
        let python = format!("{}/.cache/portal-sinks-venv/bin/python", std::env::var("HOME").unwrap());
        let mut child = tokio::process::Command::new(python)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/sinks.py"))
            .args(["--smtp-port", &smtp.to_string(), "--http-port", &http.to_string(), "--token", TOKEN])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the sinks start (scripts/setup.sh installs aiosmtpd)");
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the sinks say their ports")
            .unwrap()
            .expect("a line");
        let ports: Value = serde_json::from_str(&line).unwrap();
        Sinks {
            _child: child,
            smtp: ports["smtp"].as_u64().unwrap() as u16,
            http: ports["http"].as_u64().unwrap() as u16,
        }
    }

    async fn read(&self, what: &str) -> Vec<Value> {
        let url = format!("http://127.0.0.1:{}/{what}", self.http);
        reqwest::get(url).await.unwrap().json().await.unwrap()
    }

    async fn mail(&self) -> Vec<Value> {
        self.read("mail").await
    }

    async fn sms(&self) -> Vec<Value> {
        self.read("sms").await
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn configure(smtp: u16, http: u16) -> impl FnOnce(&mut server::config::Config) {
    move |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{smtp}"));
        c.sms_gateway_url = Some(format!("http://127.0.0.1:{http}/sms"));
        c.sms_gateway_token = Some(TOKEN.into());
    }
}

/// Polls `check` until it holds (a minute at most: a loaded machine is slow, not wrong).
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..1200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

async fn submit(app: &TestApp, citizen: &reqwest::Client) -> String {
    let p = birth(app).await;
    let res = post_dossier(app, citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
    location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string()
}

async fn outbox(app: &TestApp) -> Vec<(String, String, i64, String)> {
    sqlx::query("select message_id, status, attempts, last_error from outbox order by id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn with_code<'a>(list: &'a [Value], code: &str, key: &str) -> Vec<&'a Value> {
    list.iter().filter(|m| m[key].as_str().unwrap_or_default().contains(code)).collect()
}

#[tokio::test]
async fn the_applicant_is_told_of_reception_and_acceptance_by_email_and_sms() {
    for backend in backends() {
        // Sinks of its own: both databases number their dossiers alike.
        let sinks = Sinks::start(0, 0).await;
        let app = TestApp::spawn_configured(backend, true, configure(sinks.smtp, sinks.http)).await;
        let citizen = app.citizen("Lê Thị Mai", "045201000077", "0911000077").await;
        sqlx::query("update users set email = 'mai@example.vn', email_verified_at = 1 where cccd = '045201000077'")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let code = submit(&app, &citizen).await;

        until("the notice of reception arrives", || async {
            !with_code(&sinks.mail().await, &code, "subject").is_empty()
                && !with_code(&sinks.sms().await, &code, "text").is_empty()
        })
        .await;
        let mail = sinks.mail().await;
        let received = with_code(&mail, &code, "subject")[0];
        assert_eq!(received["to"][0], "mai@example.vn", "{backend:?}");
        assert!(received["subject"].as_str().unwrap().starts_with("Đã nhận hồ sơ"), "{backend:?} {received}");
        assert!(received["body"].as_str().unwrap().contains(&format!("{}/ho-so/{code}", app.base)), "{backend:?}");

        // Accepted at the desk: the appointment, the place, what to bring, the fees.
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let res = app.form(&officer, "/api/desk/accept", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/01"), "{backend:?} accepted");
        let due: i64 = sqlx::query("select due_at from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        until("the notice of acceptance arrives", || async {
            with_code(&sinks.mail().await, &code, "subject").len() == 2
                && with_code(&sinks.sms().await, &code, "text").len() == 2
        })
        .await;
        let mail = sinks.mail().await;
        let accepted = with_code(&mail, &code, "subject")[1];
        let body = accepted["body"].as_str().unwrap();
        let due_text = app::domain::vn_time::format_vn(due);
        assert!(accepted["subject"].as_str().unwrap().contains(&due_text), "{backend:?} {accepted}");
        assert!(body.contains("Nơi trả kết quả") && body.contains("CCCD"), "{backend:?} {body}");
        let receipt = format!("{}/ho-so/{code}/bien-nhan", app.base);
        assert!(body.contains(&receipt), "{backend:?} the receipt: {body}");
        // The receipt opens for its owner, with the appointment, and for nobody else.
        let slip = citizen.get(&receipt).send().await.unwrap().text().await.unwrap();
        assert!(slip.contains("GIẤY TIẾP NHẬN") && slip.contains(&due_text) && slip.contains(&code), "{backend:?}");
        let stranger = app.login("045195004321", "matkhau2026").await;
        assert_eq!(stranger.get(&receipt).send().await.unwrap().status(), 404, "{backend:?}");
        assert_eq!(app.client().get(&receipt).send().await.unwrap().status(), 401, "{backend:?}");
        let page = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("href=\"/ho-so/{code}/bien-nhan\"")), "{backend:?} linked from the dossier");
        let sms = sinks.sms().await;
        let texts: Vec<&str> = with_code(&sms, &code, "text").iter().map(|s| s["text"].as_str().unwrap()).collect();
        assert!(texts[1].contains("da tiep nhan") && texts[1].contains(&due_text), "{backend:?} {texts:?}");
        for s in with_code(&sms, &code, "text") {
            let text = s["text"].as_str().unwrap();
            assert_eq!(s["to"], "0911000077");
            assert!(app::notice::segments(text) <= 2 && text.chars().all(app::notice::is_gsm), "{text}");
            assert!(!text.contains("Mai") && !text.contains("Khai sinh"), "nothing personal in an SMS: {text}");
        }

        // Nothing twice: one e-mail and one SMS per event, each with its own id.
        let outbox = outbox(&app).await;
        let ours: Vec<_> = outbox.iter().filter(|m| m.0.starts_with(&code)).collect();
        assert_eq!(ours.len(), 4, "{backend:?} {ours:?}");
        assert!(ours.iter().all(|m| m.1 == "sent" && m.2 == 1), "{backend:?} {ours:?}");
        let keys: Vec<&str> =
            with_code(&sms, &code, "idempotency_key").iter().map(|s| s["idempotency_key"].as_str().unwrap()).collect();
        assert!(
            keys.len() == 2 && keys[0] != keys[1] && keys.iter().all(|k| k.starts_with(&code)),
            "{backend:?} {keys:?}"
        );

        // The citizen switches the portal to English: their notices follow.
        citizen.get(app.url("/api/lang?l=en&next=/ho-so")).send().await.unwrap();
        let second = submit(&app, &citizen).await;
        until("the English notice arrives", || async {
            !with_code(&sinks.mail().await, &second, "subject").is_empty()
        })
        .await;
        let mail = sinks.mail().await;
        let english = with_code(&mail, &second, "subject")[0]["subject"].as_str().unwrap().to_string();
        assert_eq!(english, format!("Dossier {second} received"), "{backend:?}");
    }
}

#[tokio::test]
async fn nothing_is_lost_while_the_mail_and_sms_servers_are_down_and_each_message_arrives_once() {
    for backend in backends() {
        let (smtp, http) = (free_port(), free_port());
        let app = TestApp::spawn_configured(backend, true, configure(smtp, http)).await;
        let citizen = app.citizen("Phan Văn Hùng", "045201000078", "0911000078").await;
        sqlx::query("update users set email = 'hung@example.vn', email_verified_at = 1 where cccd = '045201000078'")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let code = submit(&app, &citizen).await;
        until("both tries failed and wait for the next", || async {
            let o = outbox(&app).await;
            let ours: Vec<_> = o.iter().filter(|m| m.0.starts_with(&code)).collect();
            ours.len() == 2 && ours.iter().all(|m| m.1 == "pending" && m.2 >= 1 && !m.3.is_empty())
        })
        .await;
        // Administrators see it.
        let counts = app.db.outbox_counts().await.unwrap();
        assert!(counts.retrying >= 2 && counts.failed == 0, "{backend:?} {counts:?}");

        // The servers come back; the back-off's wait is over (time moves on, by the clock).
        let sinks = Sinks::start(smtp, http).await;
        sqlx::query("update outbox set next_attempt_at = 0").execute(&app.db.pool).await.unwrap();
        until("both are delivered", || async {
            outbox(&app).await.iter().filter(|m| m.0.starts_with(&code)).all(|m| m.1 == "sent")
        })
        .await;
        assert_eq!(with_code(&sinks.mail().await, &code, "subject").len(), 1, "{backend:?}");
        assert_eq!(with_code(&sinks.sms().await, &code, "text").len(), 1, "{backend:?}");
    }
}

/// Two server processes share one PostgreSQL database: each message is claimed by one of them
/// (`for update skip locked`) and arrives once.
#[tokio::test]
async fn two_servers_on_one_postgresql_database_deliver_each_message_once() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let sinks = Sinks::start(0, 0).await;
    let first = TestApp::spawn_configured(Backend::Postgres, true, configure(sinks.smtp, sinks.http)).await;
    let shared = first.database_url.clone();
    let (smtp, http) = (sinks.smtp, sinks.http);
    let _second = TestApp::spawn_configured(Backend::Postgres, true, move |c| {
        configure(smtp, http)(c);
        c.database_url = shared;
    })
    .await;
    let citizen = first.citizen("Võ Thị Lan", "045201000079", "0911000079").await;
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(submit(&first, &citizen).await);
    }
    until("every SMS is delivered", || async {
        let sms = sinks.sms().await;
        codes.iter().all(|c| !with_code(&sms, c, "text").is_empty())
    })
    .await;
    until("the outbox has nothing left", || async { first.db.outbox_counts().await.unwrap().pending == 0 }).await;
    let sms = sinks.sms().await;
    for c in &codes {
        assert_eq!(with_code(&sms, c, "text").len(), 1, "{c} once");
    }
}

#[tokio::test]
async fn the_citizen_chooses_the_channels_and_the_portal_list_stays_complete() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let citizen = app.citizen("Đặng Thị Hoa", "045201000080", "0911000080").await;
        sqlx::query("update users set email = 'hoa@example.vn', email_verified_at = 1 where cccd = '045201000080'")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let page = citizen.get(app.url("/thong-bao")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("h•••@example.vn") && page.contains("•••••••080"), "{backend:?}: masked addresses");
        assert!(!page.contains("hoa@example.vn") && !page.contains("0911000080"), "{backend:?}: never in full");

        // SMS off, e-mail kept: the next event queues an e-mail only.
        let res = app.form(&citizen, "/api/account/notice-channels", "/thong-bao", &[("by_email", "on")]).await;
        assert_eq!(location(&res), "/thong-bao?da-luu=1", "{backend:?}");
        let code = submit(&app, &citizen).await;
        let queued = texts(&app, "select channel from outbox where message_id like $1", &format!("{code}/%")).await;
        assert_eq!(queued, ["email"], "{backend:?}");
        let page = citizen.get(app.url("/thong-bao")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&code), "{backend:?}: the portal's list is complete");

        // Nobody else changes them.
        let anonymous = app.client();
        let res = app.form(&anonymous, "/api/account/notice-channels", "/thong-bao", &[("by_sms", "on")]).await;
        assert!(
            location(&res).contains("__err") || location(&res).starts_with("/dang-nhap"),
            "{backend:?} {}",
            location(&res)
        );
        let sms_on: i64 = sqlx::query("select notify_sms from users where cccd = '045201000080'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(sms_on, 0, "{backend:?}");
    }
}

#[tokio::test]
async fn an_sms_asking_hs_and_a_code_is_answered_with_the_status_and_due_date() {
    const INBOUND: &str = "inbound-token-0123456789";
    for backend in backends() {
        let off = TestApp::spawn(backend).await;
        let res = off.client().post(off.url("/api/sms/inbound")).body("{}").send().await.unwrap();
        assert_eq!(res.status(), 404, "{backend:?}: no route without its token");

        let app = TestApp::spawn_configured(backend, true, |c| c.sms_inbound_token = Some(INBOUND.into())).await;
        let code: String = sqlx::query("select code from dossiers where status = 1 order by id limit 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        let ask = |from: &str, text: &str, token: &str| {
            app.client()
                .post(app.url("/api/sms/inbound"))
                .bearer_auth(token)
                .json(&serde_json::json!({ "from": from, "text": text }))
                .send()
        };
        assert_eq!(ask("0911000090", "HS x", "wrong-token-0123456789").await.unwrap().status(), 401, "{backend:?}");
        let bad =
            app.client().post(app.url("/api/sms/inbound")).bearer_auth(INBOUND).body("not json").send().await.unwrap();
        assert_eq!(bad.status(), 400, "{backend:?}");

        let reply: Value = ask("0911000090", &format!("hs {code}"), INBOUND).await.unwrap().json().await.unwrap();
        assert_eq!(reply["to"], "0911000090", "{backend:?}");
        let text = reply["text"].as_str().unwrap();
        assert!(text.contains(&code) && text.contains("Moi dang ky"), "{backend:?} {text}");
        assert!(text.chars().all(app::notice::is_gsm), "{backend:?} {text}");
        let unknown: Value =
            ask("0911000090", "HS 000.20.01.H45-200101-9999", INBOUND).await.unwrap().json().await.unwrap();
        assert!(unknown["text"].as_str().unwrap().contains("Khong tim thay"), "{backend:?} {unknown}");
        let help: Value = ask("0911000090", "xin chao", INBOUND).await.unwrap().json().await.unwrap();
        assert!(help["text"].as_str().unwrap().contains("HS <ma ho so>"), "{backend:?} {help}");

        // Five questions per sender in ten minutes; another sender is not held back.
        for _ in 0..2 {
            ask("0911000090", "HS x", INBOUND).await.unwrap();
        }
        assert_eq!(ask("0911000090", "HS x", INBOUND).await.unwrap().status(), 429, "{backend:?}");
        assert_eq!(ask("0911000091", "HS x", INBOUND).await.unwrap().status(), 200, "{backend:?}");
    }
}

/// After signing in, a citizen sees at once what waits for them: a count in the header of every
/// page, and on their dossiers what to do.
#[tokio::test]
async fn the_header_counts_what_waits_for_the_citizen_and_the_list_says_what_to_do() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Lý Văn Tâm", "045201000081", "0911000081").await;
        let code = submit(&app, &citizen).await;
        let page = citizen.get(app.url("/thu-tuc")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("data-testid=\"waiting-count\""), "{backend:?}: nothing waits yet");

        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let component = p.components.iter().find(|c| c.required).unwrap();
        let ask = reqwest::multipart::Form::new()
            .text("code", code.clone())
            .text("reason", "Tờ khai thiếu chữ ký")
            .text(format!("item:component:{}", component.id), "on");
        let res = officer
            .post(app.url("/api/desk/request-supplement"))
            .header("Accept", "text/html")
            .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
            .multipart(ask)
            .send()
            .await
            .unwrap();
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/02"), "{backend:?}");

        for path in ["/", "/thu-tuc", "/thong-bao"] {
            let page = citizen.get(app.url(path)).send().await.unwrap().text().await.unwrap();
            let nav = page.find("/ho-so\"").map(|i| page[i..(i + 400).min(page.len())].to_string()).unwrap_or_default();
            assert!(page.contains("class=\"count\">1<"), "{backend:?} {path}: {nav}");
            assert!(page.contains("1 hồ sơ chờ bạn"), "{backend:?} {path}: said to screen readers too");
        }
        let list = citizen.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains(&format!("href=\"/ho-so/{code}/bo-sung\"")), "{backend:?}");
        // Another citizen has nothing waiting; the count is never anyone else's.
        let other = app.citizen("Lý Văn Hải", "045201000082", "0911000082").await;
        let page = other.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("waiting-count"), "{backend:?}");
    }
}

/// The notices' screens and endpoints as an attacker tries them: refused with a 4xx or a
/// message, nothing written, no panic, nothing private in the JSON.
#[tokio::test]
async fn crafted_requests_to_the_notice_endpoints_are_refused_and_write_nothing() {
    const INBOUND: &str = "inbound-token-0123456789";
    for backend in backends() {
        let app = TestApp::spawn_configured(backend, true, |c| c.sms_inbound_token = Some(INBOUND.into())).await;
        let citizen = app.citizen("Mai Văn Bảo", "045201000083", "0911000083").await;
        let code = submit(&app, &citizen).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        app.form(&officer, "/api/desk/accept", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        let channels = || async {
            sqlx::query("select notify_email, notify_sms from users where cccd = '045201000083'")
                .fetch_one(&app.db.pool)
                .await
                .map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1)))
                .unwrap()
        };

        // The choice of channels: no session, a repeated field, a huge field.
        let anonymous = app.client();
        let res =
            anonymous.post(app.url("/api/account/notice-channels")).form(&[("by_sms", "on")]).send().await.unwrap();
        assert_eq!(res.status(), 401, "{backend:?}");
        let repeated = citizen
            .post(app.url("/api/account/notice-channels"))
            .body("by_email=on&by_email=on&by_sms=on")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert!(repeated.status().is_client_error(), "{backend:?} {}", repeated.status());
        let huge = "x".repeat(3 * 1024 * 1024);
        let res = citizen
            .post(app.url("/api/account/notice-channels"))
            .form(&[("by_email", huge.as_str())])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error(), "{backend:?} {}", res.status());
        assert_eq!(channels().await, (1, 1), "{backend:?}: nothing changed");

        // The receipt: another citizen, an officer (who prints theirs at the desk), no session,
        // crafted codes; the owner's JSON carries nothing of the office's work.
        let receipt = |code: &str| format!("/api/dossiers/receipt?code={code}");
        let stranger = app.login("045195004321", "matkhau2026").await;
        assert_eq!(stranger.get(app.url(&receipt(&code))).send().await.unwrap().status(), 404, "{backend:?}");
        assert_eq!(officer.get(app.url(&receipt(&code))).send().await.unwrap().status(), 404, "{backend:?}");
        assert_eq!(anonymous.get(app.url(&receipt(&code))).send().await.unwrap().status(), 401, "{backend:?}");
        for crafted in ["..%2F..%2Fetc", "1%20or%201%3D1", "%00", &"9".repeat(5000)] {
            let status = citizen.get(app.url(&receipt(crafted))).send().await.unwrap().status();
            assert!(status == 404 || status == 414 || status == 431, "{backend:?} {crafted}: {status}");
        }
        let json: Value = citizen.get(app.url(&receipt(&code))).send().await.unwrap().json().await.unwrap();
        assert_eq!(json["desk"]["workflow"], serde_json::json!([]), "{backend:?}");
        assert_eq!(json["desk"]["specialists"], serde_json::json!([]), "{backend:?}");
        assert!(
            json["desk"]["dossier"]["files"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["storage_key"].as_str().unwrap_or_default().is_empty()),
            "{backend:?}"
        );

        // The SMS webhook: control characters, a body of the wrong shape, one over the limit.
        let post = |body: Vec<u8>| {
            app.client()
                .post(app.url("/api/sms/inbound"))
                .bearer_auth(INBOUND)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
        };
        let odd: Value =
            post(serde_json::to_vec(&serde_json::json!({"from": "09\u{0}11", "text": "HS \u{1b}[2J\u{7}"})).unwrap())
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert!(odd["text"].as_str().unwrap().contains("HS <ma ho so>") && odd["to"] == "0911", "{backend:?} {odd}");
        assert_eq!(post(br#"{"from": 1, "text": []}"#.to_vec()).await.unwrap().status(), 400, "{backend:?}");
        assert_eq!(post(br#"{"from": "", "text": "HS x"}"#.to_vec()).await.unwrap().status(), 400, "{backend:?}");
        let oversized = post(vec![b' '; 3 * 1024 * 1024]).await.unwrap().status();
        assert!(oversized.is_client_error(), "{backend:?} {oversized}");
        assert_eq!(app.panics.load(std::sync::atomic::Ordering::SeqCst), 0, "{backend:?}");
    }
}

#[tokio::test]
async fn a_code_is_wiped_from_the_outbox_once_sent_and_never_sent_after_it_expired() {
    for backend in backends() {
        // The gateway is down when the first code is queued.
        let (smtp, http) = (free_port(), free_port());
        let app = TestApp::spawn_configured(backend, true, configure(smtp, http)).await;
        let first = app.client();
        app.register(&first, "Cao Thị Yến", "045201000090", "0911000090", "matkhau2026").await;
        until("the first try fails", || async {
            outbox(&app).await.iter().any(|(id, _, attempts, _)| id.starts_with("code/") && *attempts > 0)
        })
        .await;
        // Its five minutes pass before the gateway is back: it is given up, its text wiped.
        sqlx::query("update outbox set expires_at = 1, next_attempt_at = 0 where message_id like 'code/%'")
            .execute(&app.db.pool)
            .await
            .unwrap();
        until("the expired code is given up", || async {
            texts(&app, "select status from outbox where message_id like $1", "code/%").await == ["failed"]
        })
        .await;
        let wiped = texts(&app, "select body from outbox where message_id like $1", "code/%").await;
        assert_eq!(wiped, [""], "{backend:?}: nothing left to read");

        // The gateway is back: a new code is delivered once, and wiped from the outbox.
        let sinks = Sinks::start(smtp, http).await;
        let second = app.client();
        app.register(&second, "Cao Thị Yến", "045201000091", "0911000091", "matkhau2026").await;
        until("the second code is sent", || async {
            texts(&app, "select status from outbox where recipient = $1", "0911000091").await == ["sent"]
        })
        .await;
        let sms = sinks.sms().await;
        assert_eq!(sms.iter().filter(|m| m["to"] == "0911000091").count(), 1, "{backend:?}");
        assert_eq!(sms.iter().filter(|m| m["to"] == "0911000090").count(), 0, "{backend:?}: never the expired one");
        assert_eq!(
            texts(&app, "select body from outbox where recipient = $1", "0911000091").await,
            [""],
            "{backend:?}"
        );
        // The phone shows the code, and it works.
        let res = app.confirm_signup(&second, "0911000091").await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}");
    }
}

#[tokio::test]
async fn administrators_see_the_failed_messages_without_their_text_and_send_a_notice_again() {
    for backend in backends() {
        let (smtp, http) = (free_port(), free_port());
        let app = TestApp::spawn_configured(backend, true, configure(smtp, http)).await;
        let citizen = app.citizen("Phan Văn Hùng", "045201000079", "0911000079").await;
        let code = submit(&app, &citizen).await;
        until("the notice failed once", || async {
            outbox(&app).await.iter().any(|m| m.0.starts_with(&code) && m.2 >= 1)
        })
        .await;
        // Given up after its tries (as twelve failures would leave it).
        sqlx::query("update outbox set status = 'failed', attempts = 12 where message_id like $1")
            .bind(format!("{code}%"))
            .execute(&app.db.pool)
            .await
            .unwrap();

        let admin = app.login("045192000205", PASSWORD).await;
        let view: Value = admin.get(app.url("/api/admin/messages")).send().await.unwrap().json().await.unwrap();
        assert!(view["failed"].as_i64().unwrap() >= 1, "{backend:?}: {view}");
        let troubled = view["troubled"].as_array().unwrap();
        let notice = troubled.iter().find(|t| t["dossier_code"] == code.as_str()).expect("the failed notice is listed");
        assert_eq!(notice["may_retry"], true, "{backend:?}");
        assert!(!notice["last_error"].as_str().unwrap().is_empty(), "{backend:?}: why it failed");
        // The phone masked, and nothing of the text (the sign-up code's message is listed too, not readable).
        let shown = view.to_string();
        assert!(!shown.contains("0911000079") && !shown.contains("Phan Văn Hùng"), "{backend:?}: {shown}");
        let code_message = troubled.iter().find(|t| t["dossier_code"].is_null());
        if let Some(m) = code_message {
            assert_eq!(m["may_retry"], false, "{backend:?}: a code is never sent again");
        }
        let page = admin.get(app.url("/mot-cua/tin-nhan")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Tin nhắn gửi đi") && page.contains(&code), "{backend:?}");

        // Only province administrators see this screen.
        let reception = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        assert_eq!(reception.get(app.url("/api/admin/messages")).send().await.unwrap().status(), 403, "{backend:?}");
        assert_eq!(citizen.get(app.url("/api/admin/messages")).send().await.unwrap().status(), 403, "{backend:?}");

        // The servers are back: the administrator sends the notice again, on the record.
        let sinks = Sinks::start(smtp, http).await;
        let id = notice["id"].as_i64().unwrap().to_string();
        let res = app.form(&admin, "/api/admin/message-retry", "/mot-cua/tin-nhan", &[("message", &id)]).await;
        assert_eq!(location(&res), "/mot-cua/tin-nhan?gui-lai=1", "{backend:?}");
        until("the notice is delivered", || async {
            outbox(&app).await.iter().any(|m| m.0.starts_with(&code) && m.1 == "sent")
        })
        .await;
        assert_eq!(with_code(&sinks.sms().await, &code, "text").len(), 1, "{backend:?}");
        assert_eq!(
            app.count("select count(*) from admin_events where action = 'message-retried'").await,
            1,
            "{backend:?}"
        );
        // Sent already: not again.
        let res = app.form(&admin, "/api/admin/message-retry", "/mot-cua/tin-nhan", &[("message", &id)]).await;
        assert_eq!(redirected_error(&res).key(), "error-not-found", "{backend:?}");
    }
}
