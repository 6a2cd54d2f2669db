//! Fees paid for real over HTTP (issue 13): the sandbox gateway of `scripts/paygate.py` speaks
//! VNPAY 2.1.0 — the payer's page with its buttons, the server-to-server notification (IPN) — and
//! the portal is configured with its address like any gateway's. Paid, cancelled, forged,
//! tampered, replayed and late notifications; a second payment refused; the desk's counter
//! payment; a procedure without fees never asks for one.

use crate::support::*;
use serde_json::Value;
use sqlx::Row;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

const DONG_HA_RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";
const TMN: &str = "PORTALTEST";
const SECRET: &str = "sandbox-secret-for-the-tests-0123456789";
/// Cấp Giấy xác nhận tình trạng hôn nhân: 15 000 đồng with the submission, at a commune.
const MARITAL: &str = "1.004873";
/// Đăng ký kết hôn có yếu tố nước ngoài: 1 000 000 đồng with the submission, at Phường Đông Hà.
const FOREIGN_MARRIAGE: &str = "2.000806";

/// The sandbox gateway, stopped when dropped.
struct Gateway {
    _child: tokio::process::Child,
    base: String,
}

impl Gateway {
    async fn start() -> Gateway {
        let mut child = tokio::process::Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/paygate.py"))
            .args(["--port", "0", "--tmn-code", TMN, "--secret", SECRET])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the sandbox gateway starts");
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the gateway says its port")
            .unwrap()
            .expect("a line");
        let port = serde_json::from_str::<Value>(&line).unwrap()["port"].as_u64().unwrap();
        Gateway { _child: child, base: format!("http://127.0.0.1:{port}") }
    }

    async fn post(&self, path: &str, body: String) -> reqwest::Response {
        reqwest::Client::new().post(format!("{}{path}", self.base)).body(body).send().await.unwrap()
    }

    /// A query signed with the merchant's secret (for forged and tampered notifications).
    async fn sign(&self, params: Value) -> String {
        self.post("/sandbox/sign", params.to_string()).await.text().await.unwrap()
    }

    async fn transactions(&self) -> Vec<Value> {
        reqwest::get(format!("{}/sandbox/transactions", self.base)).await.unwrap().json().await.unwrap()
    }

    async fn transaction(&self, txn_ref: &str) -> Value {
        self.transactions().await.into_iter().find(|t| t["txn_ref"] == txn_ref).expect("the gateway knows it")
    }

    /// The payer presses a button on the payer's page (`pay`, `cancel`, `fail`); `hold` keeps the
    /// notification back (a late IPN). Returns where the payer's browser is sent.
    async fn press(&self, txn_ref: &str, outcome: &str, hold: bool) -> String {
        let mut form = vec![("txn", txn_ref), ("outcome", outcome)];
        if hold {
            form.push(("ipn", "hold"));
        }
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/paymentv2/confirm", self.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "the payer is sent back");
        location(&res)
    }
}

async fn spawn(backend: Backend, gateway: &Gateway) -> TestApp {
    let base = gateway.base.clone();
    let app = TestApp::spawn_configured(backend, true, move |c| {
        c.payment =
            Some(server::config::PaymentConfig { gateway_url: base, tmn_code: TMN.into(), secret: SECRET.into() });
    })
    .await;
    let res = gateway.post("/sandbox/ipn-url", app.url("/api/thanh-toan/ipn")).await;
    assert_eq!(res.status(), 204);
    app
}

async fn submit(app: &TestApp, citizen: &reqwest::Client, code: &str) -> String {
    let p = app.db.procedure(code).await.unwrap().expect("demo catalogue has the procedure");
    let res = post_dossier(app, citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
    let to = location(&res);
    assert!(to.starts_with("/ho-so/"), "submitted: {to}");
    to.trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string()
}

/// Starts a payment as the citizen's browser does; returns the gateway reference.
async fn start_payment(app: &TestApp, citizen: &reqwest::Client, code: &str, gateway: &Gateway) -> String {
    start_payment_of(app, citizen, code, gateway, "15.000").await
}

async fn start_payment_of(
    app: &TestApp,
    citizen: &reqwest::Client,
    code: &str,
    gateway: &Gateway,
    amount: &str,
) -> String {
    let res = app.form(citizen, "/api/dossiers/pay", &format!("/ho-so/{code}"), &[("code", code)]).await;
    let to = location(&res);
    assert!(to.starts_with(&format!("{}/paymentv2/vpcpay.html?", gateway.base)), "sent to the payer's page: {to}");
    // The payer's page takes the signed request (a wrong signature would be a 400 there).
    let page = reqwest::get(&to).await.unwrap();
    assert_eq!(page.status(), 200, "the gateway verified our signature");
    let html = page.text().await.unwrap();
    assert!(html.contains(amount) && html.contains("Thanh toán"), "{html}");
    let url = reqwest::Url::parse(&to).unwrap();
    let txn_ref = url.query_pairs().find(|(k, _)| k == "vnp_TxnRef").unwrap().1.to_string();
    txn_ref
}

async fn obligation_states(app: &TestApp, code: &str) -> Vec<String> {
    texts(
        app,
        "select o.state from obligations o join dossiers d on d.id = o.dossier_id where d.code = $1 order by o.seq",
        code,
    )
    .await
}

async fn payment_states(app: &TestApp, code: &str) -> Vec<String> {
    texts(
        app,
        "select p.state from payments p join dossiers d on d.id = p.dossier_id where d.code = $1 order by p.id",
        code,
    )
    .await
}

async fn pay_events(app: &TestApp, code: &str) -> i64 {
    sqlx::query("select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = $1 and e.action = 'pay'")
        .bind(code)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .get(0)
}

async fn ipn(app: &TestApp, query: &str) -> Value {
    reqwest::get(app.url(&format!("/api/thanh-toan/ipn?{query}"))).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_citizen_pays_online_through_the_gateway_and_only_its_notification_counts() {
    for backend in backends() {
        let gateway = Gateway::start().await;
        let app = spawn(backend, &gateway).await;
        let citizen = app.citizen("Đỗ Thị Hạnh", "045201000311", "0911000311").await;
        let code = submit(&app, &citizen, MARITAL).await;
        assert_eq!(obligation_states(&app, &code).await, vec!["due"], "{backend:?} owed with the submission");
        let res = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap();
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(
            csp.contains(&format!("form-action 'self' {};", gateway.base)),
            "{backend:?} the post may go on to the gateway: {csp}"
        );
        let page = res.text().await.unwrap();
        assert!(page.contains("Thanh toán trực tuyến 15.000"), "{backend:?} the pay button");

        // Cancelled on the payer's page: nothing paid, the attempt says so.
        let first = start_payment(&app, &citizen, &code, &gateway).await;
        let back = gateway.press(&first, "cancel", false).await;
        assert!(back.starts_with(&app.url(&format!("/ho-so/{code}?"))), "{backend:?} back to the dossier: {back}");
        assert_eq!(gateway.transaction(&first).await["ipn"][0]["answer"]["RspCode"], "00", "{backend:?}");
        assert_eq!(payment_states(&app, &code).await, vec!["cancelled"], "{backend:?}");
        assert_eq!(obligation_states(&app, &code).await, vec!["due"], "{backend:?}");

        // Paid: the notification records it through the planner, on the history.
        let second = start_payment(&app, &citizen, &code, &gateway).await;
        assert_ne!(first, second, "{backend:?} a new reference per attempt");
        gateway.press(&second, "pay", false).await;
        let t = gateway.transaction(&second).await;
        assert_eq!(t["ipn"][0]["answer"]["RspCode"], "00", "{backend:?} {t}");
        assert_eq!(obligation_states(&app, &code).await, vec!["paid"], "{backend:?}");
        assert_eq!(payment_states(&app, &code).await, vec!["cancelled", "paid"], "{backend:?}");
        assert_eq!(pay_events(&app, &code).await, 1, "{backend:?}");
        let page = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        let txn_no = t["transaction_no"].as_str().unwrap();
        assert!(page.contains(&format!("mã giao dịch {txn_no}")), "{backend:?} on the history");
        assert!(!page.contains("Thanh toán trực tuyến 15.000"), "{backend:?} nothing left to pay");

        // Replayed: the same notification again is answered 02 and counts nothing.
        let replay = gateway.post(&format!("/sandbox/ipn/{second}"), String::new()).await;
        assert_eq!(replay.json::<Value>().await.unwrap()["RspCode"], "02", "{backend:?}");
        assert_eq!(pay_events(&app, &code).await, 1, "{backend:?} not twice");

        // A second payment of what is paid is refused.
        let res = app.form(&citizen, "/api/dossiers/pay", &format!("/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(redirected_error(&res).key(), "error-nothing-to-pay", "{backend:?}");

        // Forged: a notification whose signature does not verify.
        let genuine = gateway
            .sign(serde_json::json!({
                "vnp_TmnCode": TMN, "vnp_TxnRef": second, "vnp_Amount": "1500000", "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00", "vnp_TransactionNo": "99999999",
            }))
            .await;
        let forged = genuine.replace("vnp_TransactionNo=99999999", "vnp_TransactionNo=99999998");
        assert_eq!(ipn(&app, &forged).await["RspCode"], "97", "{backend:?} forged");
        assert_eq!(ipn(&app, "vnp_TxnRef=x").await["RspCode"], "97", "{backend:?} unsigned");
        assert_eq!(ipn(&app, "").await["RspCode"], "97", "{backend:?} empty");
        // Signed with the right secret but for another amount, or an unknown order.
        let code2 = submit(&app, &citizen, MARITAL).await;
        let third = start_payment(&app, &citizen, &code2, &gateway).await;
        let tampered = gateway
            .sign(serde_json::json!({
                "vnp_TmnCode": TMN, "vnp_TxnRef": third, "vnp_Amount": "100", "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00", "vnp_TransactionNo": "12345678",
            }))
            .await;
        assert_eq!(ipn(&app, &tampered).await["RspCode"], "04", "{backend:?} tampered amount");
        let unknown = gateway
            .sign(serde_json::json!({
                "vnp_TmnCode": TMN, "vnp_TxnRef": "NO-SUCH-1", "vnp_Amount": "1500000", "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00",
            }))
            .await;
        assert_eq!(ipn(&app, &unknown).await["RspCode"], "01", "{backend:?} unknown order");
        assert_eq!(obligation_states(&app, &code2).await, vec!["due"], "{backend:?} nothing paid by forgeries");

        // Late: the payer closes the tab and the notification arrives afterwards; it alone pays.
        let back = gateway.press(&third, "pay", true).await;
        assert!(back.contains("vnp_ResponseCode=00"), "{backend:?}");
        let page = citizen.get(app.url(&format!("/ho-so/{code2}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Đang chờ cổng thanh toán xác nhận"), "{backend:?} the return reads the state");
        assert_eq!(obligation_states(&app, &code2).await, vec!["due"], "{backend:?} the return pays nothing");
        let late = gateway.post(&format!("/sandbox/ipn/{third}"), String::new()).await;
        assert_eq!(late.json::<Value>().await.unwrap()["RspCode"], "00", "{backend:?}");
        assert_eq!(obligation_states(&app, &code2).await, vec!["paid"], "{backend:?}");

        // Someone else cannot start a payment of this citizen's dossier.
        let stranger = app.login("045195004321", "matkhau2026").await;
        let code3 = submit(&app, &citizen, MARITAL).await;
        let res = app.form(&stranger, "/api/dossiers/pay", &format!("/ho-so/{code3}"), &[("code", &code3)]).await;
        assert!(!location(&res).contains("/paymentv2/"), "{backend:?} {}", location(&res));
        assert_eq!(payment_states(&app, &code3).await, Vec::<String>::new(), "{backend:?}");
        assert_eq!(app.panics.load(std::sync::atomic::Ordering::SeqCst), 0);
    }
}

#[tokio::test]
async fn the_desk_records_a_counter_payment_and_a_procedure_without_fees_asks_for_none() {
    for backend in backends() {
        let gateway = Gateway::start().await;
        let app = spawn(backend, &gateway).await;
        let citizen = app.citizen("Phan Văn Tâm", "045201000312", "0911000312").await;
        // Birth registration on time is free: no obligation, no payment step anywhere.
        let free = submit(&app, &citizen, "1.001193").await;
        assert!(obligation_states(&app, &free).await.is_empty(), "{backend:?}");
        let page = citizen.get(app.url(&format!("/ho-so/{free}"))).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("id=\"fees-title\"") && !page.contains("Thanh toán trực tuyến"), "{backend:?}");
        let res = app.form(&citizen, "/api/dossiers/pay", &format!("/ho-so/{free}"), &[("code", &free)]).await;
        assert_eq!(redirected_error(&res).key(), "error-nothing-to-pay", "{backend:?}");

        let code = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let desk = officer.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(desk.contains("Ghi nhận đã nộp phí") && desk.contains("1.000.000"), "{backend:?} the desk's form");
        // A transfer needs its reference: a message at the field, nothing written.
        let res = app
            .form(
                &officer,
                "/api/desk/record-payment",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("method", "transfer"), ("payment_reference", "  ")],
            )
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("payment_reference".into(), "error-required".into())]);
        assert_eq!(obligation_states(&app, &code).await, vec!["due"], "{backend:?}");
        // A citizen cannot record a counter payment; an unknown method is a field error.
        let res = app
            .form(
                &citizen,
                "/api/desk/record-payment",
                &format!("/ho-so/{code}"),
                &[("code", &code), ("method", "cash"), ("payment_reference", "")],
            )
            .await;
        assert_eq!(obligation_states(&app, &code).await, vec!["due"], "{backend:?} {}", res.status());
        let res = app
            .form(
                &officer,
                "/api/desk/record-payment",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("method", "card"), ("payment_reference", "")],
            )
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("method".into(), "error-required".into())]);

        let res = app
            .form(
                &officer,
                "/api/desk/record-payment",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("method", "transfer"), ("payment_reference", "FT2612010001")],
            )
            .await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}?xong=1"), "{backend:?}");
        assert_eq!(obligation_states(&app, &code).await, vec!["paid"], "{backend:?}");
        let who: (String, String, String) = {
            let r = sqlx::query(
                "select p.channel, p.reference, u.cccd from payments p join dossiers d on d.id = p.dossier_id \
                 join users u on u.id = p.created_by where d.code = $1",
            )
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        assert_eq!(who, ("transfer".into(), "FT2612010001".into(), DONG_HA_RECEPTION.into()), "{backend:?}");
        assert_eq!(pay_events(&app, &code).await, 1, "{backend:?} on the history");
        // Paid at the desk: the citizen has nothing left to pay online.
        let res = app.form(&citizen, "/api/dossiers/pay", &format!("/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(redirected_error(&res).key(), "error-nothing-to-pay", "{backend:?}");
        assert!(gateway.transactions().await.is_empty(), "{backend:?} the gateway saw nothing");
    }
}

async fn status_of(app: &TestApp, code: &str) -> i64 {
    sqlx::query("select status from dossiers where code = $1").bind(code).fetch_one(&app.db.pool).await.unwrap().get(0)
}

async fn ask(app: &TestApp, client: &reqwest::Client, code: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    multipart(app, client, "/api/desk/request-payment", code, fields).await
}

async fn multipart(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    code: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("code", code.to_string());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    client
        .post(app.url(path))
        .header("Accept", "text/html")
        .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_desk_asks_for_an_assessed_fee_and_handling_goes_on_once_the_gateway_confirms_it() {
    for backend in backends() {
        let gateway = Gateway::start().await;
        let app = spawn(backend, &gateway).await;
        let citizen = app.citizen("Cao Thị Yến", "045201000313", "0911000313").await;
        // Birth registration owes nothing at submission; copies of the certificate are assessed.
        let code = submit(&app, &citizen, "1.001193").await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let res = app.form(&officer, "/api/desk/accept", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/01"), "{backend:?}");
        let desk = officer.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(desk.contains("Yêu cầu nộp phí, lệ phí") && desk.contains("name=\"qty_1\""), "{backend:?} the form");

        // Bad quantities and nothing at all are messages at their fields; nothing changes.
        for (raw, field, key) in [
            ("abc", "qty_1", "error-quantity"),
            ("1001", "qty_1", "error-quantity"),
            ("-2", "qty_1", "error-quantity"),
            ("", "fees", "error-nothing-to-ask"),
        ] {
            let res = ask(&app, &officer, &code, &[("qty_1", raw)]).await;
            assert_eq!(
                field_keys(&redirected_error(&res)),
                vec![(field.to_string(), key.to_string())],
                "{backend:?} {raw:?}"
            );
        }
        // A fee that is not assessed, and a citizen asking, are refused.
        let res = ask(&app, &officer, &code, &[("qty_0", "3")]).await;
        assert!(res.status().is_client_error() || location(&res).contains("__err"), "{backend:?}");
        let res = ask(&app, &citizen, &code, &[("qty_1", "2")]).await;
        assert!(res.status().is_client_error() || location(&res).contains("__err"), "{backend:?}");
        assert_eq!(status_of(&app, &code).await, 2, "{backend:?} still accepted");
        assert!(obligation_states(&app, &code).await.is_empty(), "{backend:?}");

        let res = ask(&app, &officer, &code, &[("qty_1", " 2 ")]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}?xong=1"), "{backend:?}");
        assert_eq!(status_of(&app, &code).await, 6, "{backend:?} waiting for payment");
        let asked: (String, i64, String) = {
            let r = sqlx::query("select o.name_vi, o.amount_vnd, o.due from obligations o join dossiers d on d.id = o.dossier_id where d.code = $1")
                .bind(&code)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
            (r.get(0), r.get(1), r.get(2))
        };
        assert_eq!(asked, ("Phí cấp bản sao Giấy khai sinh × 2".into(), 16_000, "step".into()), "{backend:?}");
        let page = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Thanh toán trực tuyến 16.000"), "{backend:?} the citizen is asked");
        // The desk cannot hand it on while it waits for payment.
        let res = app.form(&officer, "/api/desk/transfer", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert!(location(&res).contains("__err"), "{backend:?} {}", location(&res));

        let res = app.form(&citizen, "/api/dossiers/pay", &format!("/ho-so/{code}"), &[("code", &code)]).await;
        let to = location(&res);
        let txn_ref =
            reqwest::Url::parse(&to).unwrap().query_pairs().find(|(k, _)| k == "vnp_TxnRef").unwrap().1.to_string();
        assert_eq!(reqwest::get(&to).await.unwrap().status(), 200);
        gateway.press(&txn_ref, "pay", false).await;
        assert_eq!(obligation_states(&app, &code).await, vec!["paid"], "{backend:?}");
        assert_eq!(status_of(&app, &code).await, 4, "{backend:?} handling goes on");
        // And the desk hands it on to the competent unit.
        let res = app.form(&officer, "/api/desk/transfer", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}?xong=1"), "{backend:?}");
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(app::domain::history::verify(&events, n, &head), Ok(()), "{backend:?}");
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["submit", "accept", "request-payment", "pay", "transfer"], "{backend:?}");
        // The applicant is told what to pay and that it was received (SMS to the phone on the
        // account; no e-mail address was proven).
        let texts = texts(
            &app,
            "select o.body from outbox o join dossiers d on d.id = o.dossier_id where d.code = $1 order by o.id",
            &code,
        )
        .await;
        assert!(texts.iter().any(|t| t.contains("can nop phi, le phi 16.000 d")), "{backend:?} {texts:?}");
        assert!(texts.iter().any(|t| t.contains("da ghi nhan khoan nop 16.000 d")), "{backend:?} {texts:?}");
    }
}

#[tokio::test]
async fn crafted_requests_to_the_payment_endpoints_are_refused_and_pay_nothing() {
    for backend in backends() {
        let gateway = Gateway::start().await;
        let app = spawn(backend, &gateway).await;
        let citizen = app.citizen("Lò Văn Pả", "045201000314", "0911000314").await;
        let code = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let http = reqwest::Client::new();
        // The notification: a huge query, a thousand parameters, odd escapes, another method.
        let huge = format!("vnp_TxnRef={}&vnp_SecureHash=00", "A".repeat(60_000));
        let many: String = (0..1000).map(|i| format!("vnp_X{i}={i}&")).collect();
        for q in [
            huge.as_str(),
            many.as_str(),
            "%%%=%zz&vnp_SecureHash=%ff",
            "vnp_SecureHash=&vnp_SecureHash=",
            "\u{0}=\u{0}",
        ] {
            let res = http.get(app.url("/api/thanh-toan/ipn")).query(&[("x", "1")]).send().await.unwrap();
            assert!(res.status().is_success(), "{backend:?}");
            let res = reqwest::get(app.url(&format!("/api/thanh-toan/ipn?{q}"))).await.unwrap();
            assert!(res.status().as_u16() < 500, "{backend:?} {}", res.status());
            if res.status().is_success() {
                assert_eq!(
                    res.json::<Value>().await.unwrap()["RspCode"],
                    "97",
                    "{backend:?} {}",
                    &q[..q.len().min(40)]
                );
            }
        }
        let res = http.post(app.url("/api/thanh-toan/ipn")).body("vnp_TxnRef=1").send().await.unwrap();
        assert_eq!(res.status(), 405, "{backend:?} the notification is a GET");
        // Starting a payment: no session, an unknown or malformed code, a 3 MB code.
        let anon = app.client();
        let res = app.form(&anon, "/api/dossiers/pay", &format!("/ho-so/{code}"), &[("code", &code)]).await;
        assert!(!location(&res).contains("/paymentv2/"), "{backend:?} {}", location(&res));
        for bad in ["000.20.01.H45-991231-9999", "../../etc", &"9".repeat(3_000_000)] {
            let res = app.form(&citizen, "/api/dossiers/pay", &format!("/ho-so/{code}"), &[("code", bad)]).await;
            assert!(
                res.status().as_u16() < 500 && !location(&res).contains("/paymentv2/"),
                "{backend:?} {}",
                res.status()
            );
        }
        // Asking for fees with a thousand quantity fields for fees that do not exist.
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let fields: Vec<(String, String)> = (0..1000).map(|i| (format!("qty_{}", i + 100), "1".to_string())).collect();
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = ask(&app, &officer, &code, &pairs).await;
        assert!(res.status().as_u16() < 500, "{backend:?} {}", res.status());
        // The desk's record: a 3 MB reference and a bidi override are messages at the field.
        for (reference, key) in
            [("x".repeat(3_000_000), "error-too-long"), ("FT\u{202e}123".to_string(), "error-text-bidi")]
        {
            let res = app
                .form(
                    &officer,
                    "/api/desk/record-payment",
                    &format!("/mot-cua/ho-so/{code}"),
                    &[("code", &code), ("method", "transfer"), ("payment_reference", &reference)],
                )
                .await;
            assert!(res.status().as_u16() < 500, "{backend:?} {}", res.status());
            // Refused: a message at the field (the bidi override) or the body refused (3 MB).
            assert!(res.status().is_client_error() || location(&res).contains("__err"), "{backend:?} ({key})");
        }
        assert_eq!(obligation_states(&app, &code).await, vec!["due"], "{backend:?} nothing paid, nothing added");
        assert_eq!(payment_states(&app, &code).await, Vec::<String>::new(), "{backend:?}");
        assert_eq!(pay_events(&app, &code).await, 0, "{backend:?}");
        // A line break in a reference is a space, as in every one-line field.
        let res = app
            .form(
                &officer,
                "/api/desk/record-payment",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("method", "transfer"), ("payment_reference", "FT\n123")],
            )
            .await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}?xong=1"), "{backend:?}");
        let stored = texts(
            &app,
            "select p.reference from payments p join dossiers d on d.id = p.dossier_id where d.code = $1",
            &code,
        )
        .await;
        assert_eq!(stored, vec!["FT 123"], "{backend:?}");
        assert_eq!(app.panics.load(std::sync::atomic::Ordering::SeqCst), 0, "{backend:?}");
    }
}

const DONG_HA_LEADER: &str = "045080000104";
const DONG_HA_ACCOUNTANT: &str = "045187000109";
const BUILDING_SPECIALIST: &str = "045088000202";

async fn receipt_numbers(app: &TestApp, code: &str) -> Vec<String> {
    texts(
        app,
        "select r.number from receipts r join dossiers d on d.id = r.dossier_id where d.code = $1 order by r.id",
        code,
    )
    .await
}

async fn events_of(app: &TestApp, code: &str) -> Vec<String> {
    texts(
        app,
        "select e.action from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = $1 order by e.id",
        code,
    )
    .await
}

#[tokio::test]
async fn receipts_exemptions_refunds_and_reconciliation_keep_the_record_and_the_gateway_agreed() {
    for backend in backends() {
        let gateway = Gateway::start().await;
        let app = spawn(backend, &gateway).await;
        let citizen = app.citizen("Vũ Thị Thanh Hương", "045201000313", "0911000313").await;
        let reception = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let leader = app.login(DONG_HA_LEADER, PASSWORD).await;
        let accountant = app.login(DONG_HA_ACCOUNTANT, PASSWORD).await;

        // Paid online: a receipt numbered in the agency's series for the year, in the payment's
        // transaction, that its applicant opens and prints, and anyone checks, the payer masked.
        let paid = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let txn = start_payment_of(&app, &citizen, &paid, &gateway, "1.000.000").await;
        gateway.press(&txn, "pay", false).await;
        let numbers = receipt_numbers(&app, &paid).await;
        assert_eq!(numbers.len(), 1, "{backend:?}");
        let number = numbers[0].clone();
        assert!(number.ends_with("-000001") && number.len() == 11, "{backend:?} {number}");
        let receipt_url = app.url(&format!("/ho-so/{paid}/bien-lai/{number}"));
        let page = citizen.get(&receipt_url).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Một triệu đồng") && page.contains("Vũ Thị Thanh Hương"), "{backend:?} {page}");
        assert!(page.contains(&gateway.transaction(&txn).await["transaction_no"].as_str().unwrap().to_string()));
        let detail = citizen.get(app.url(&format!("/ho-so/{paid}"))).send().await.unwrap().text().await.unwrap();
        assert!(detail.contains(&format!("/ho-so/{paid}/bien-lai/{number}")), "{backend:?} linked from the dossier");
        // The same as a file to keep: one HTML document, downloaded.
        let file_url = format!("{receipt_url}/tai-ve");
        let file = citizen.get(&file_url).send().await.unwrap();
        assert_eq!(file.status(), 200, "{backend:?}");
        assert_eq!(
            file.headers()["content-disposition"].to_str().unwrap(),
            format!("attachment; filename=\"bien-lai-{number}.html\""),
            "{backend:?}"
        );
        let body = file.text().await.unwrap();
        assert!(body.starts_with("<!doctype html>") && body.contains("Một triệu đồng"), "{backend:?}");
        let stranger = app.login("045195004321", "matkhau2026").await;
        let res = stranger.get(&receipt_url).send().await.unwrap().text().await.unwrap();
        assert!(!res.contains("Một triệu đồng"), "{backend:?} a stranger reads nothing");
        assert_eq!(stranger.get(&file_url).send().await.unwrap().status(), 404, "{backend:?}");
        let other_agency = app.login(BUILDING_SPECIALIST, PASSWORD).await;
        let res = other_agency.get(&receipt_url).send().await.unwrap().text().await.unwrap();
        assert!(!res.contains("Một triệu đồng"), "{backend:?} nor an officer of an agency not involved");
        assert_eq!(other_agency.get(&file_url).send().await.unwrap().status(), 404, "{backend:?}");
        assert_eq!(reqwest::get(&file_url).await.unwrap().status(), 401, "{backend:?} signed in only");
        let bad = citizen.get(app.url(&format!("/ho-so/{paid}/bien-lai/..%2F..%2Fx/tai-ve"))).send().await.unwrap();
        assert_eq!(bad.status(), 404, "{backend:?}");
        let anyone = reqwest::Client::new();
        let lookup = app.url(&format!("/tra-cuu/bien-lai?ma={paid}&so={number}"));
        let public = anyone.get(&lookup).send().await.unwrap().text().await.unwrap();
        assert!(public.contains("Biên lai hợp lệ") && public.contains("1.000.000"), "{backend:?} {public}");
        assert!(!public.contains("Vũ Thị Thanh Hương") && !public.contains("V** T** T**"), "{backend:?} no payer");
        let wrong = anyone.get(app.url(&format!("/tra-cuu/bien-lai?ma={paid}&so=2026-999999"))).send().await.unwrap();
        assert!(wrong.text().await.unwrap().contains("Không có biên lai"), "{backend:?}");
        let bad = anyone.get(app.url(&format!("/tra-cuu/bien-lai?ma={paid}&so=%3Cscript%3E"))).send().await.unwrap();
        assert!(bad.text().await.unwrap().contains("Số biên lai có dạng"), "{backend:?}");

        // Refunds are the agency leader's, with a reason; online they go back through the gateway.
        let refund = |client: &reqwest::Client, txn: String, reason: &'static str| {
            let code = paid.clone();
            let client = client.clone();
            let app = &app;
            async move {
                app.form(
                    &client,
                    "/api/desk/refund",
                    &format!("/mot-cua/ho-so/{code}"),
                    &[("code", &code), ("txn_ref", &txn), ("refund_reason", reason)],
                )
                .await
            }
        };
        refund(&reception, txn.clone(), "Không thực hiện được").await;
        assert_eq!(payment_states(&app, &paid).await, vec!["paid"], "{backend:?} the desk cannot refund");
        let res = refund(&leader, txn.clone(), " ").await;
        assert_eq!(field_keys(&redirected_error(&res)).first().map(|f| f.0.clone()), Some("refund_reason".into()));
        assert!(gateway.transaction(&txn).await["refunds"].as_array().unwrap().is_empty(), "{backend:?}");
        let res = refund(&leader, txn.clone(), "Cơ quan không thể thực hiện do thay đổi quy định").await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{paid}?xong=1"), "{backend:?}");
        assert_eq!(payment_states(&app, &paid).await, vec!["refunded"], "{backend:?}");
        assert_eq!(obligation_states(&app, &paid).await, vec!["refunded"], "{backend:?}");
        assert_eq!(
            gateway.transaction(&txn).await["refunds"].as_array().unwrap().len(),
            1,
            "{backend:?} at the gateway"
        );
        assert!(events_of(&app, &paid).await.ends_with(&["pay".to_string(), "refund".to_string()]), "{backend:?}");
        let public = anyone.get(&lookup).send().await.unwrap().text().await.unwrap();
        assert!(public.contains("đã được hoàn trả"), "{backend:?} the receipt shows it");
        let told = texts(
            &app,
            "select o.body from outbox o join dossiers d on d.id = o.dossier_id where d.code = $1 order by o.id",
            &paid,
        )
        .await;
        assert!(told.iter().any(|t| t.contains("hoan tra 1.000.000 d")), "{backend:?} the applicant is told: {told:?}");
        let again = refund(&leader, txn.clone(), "Lần hai").await;
        assert_eq!(redirected_error(&again).key(), "error-not-refundable", "{backend:?} not twice");
        assert_eq!(gateway.transaction(&txn).await["refunds"].as_array().unwrap().len(), 1, "{backend:?}");

        // Exemptions: chosen by the desk with the reason, item by item; nothing left to pay.
        let exempt = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let res = multipart(&app, &reception, "/api/desk/exempt", &exempt, &[("exempt_reason", "Hộ nghèo")]).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("exempt".into(), "error-nothing-chosen".into())]);
        let res =
            multipart(&app, &citizen, "/api/desk/exempt", &exempt, &[("ob_1", "1"), ("exempt_reason", "Hộ nghèo")])
                .await;
        assert_ne!(location(&res), format!("/mot-cua/ho-so/{exempt}?xong=1"), "{backend:?} not the citizen's");
        assert_eq!(obligation_states(&app, &exempt).await, vec!["due"], "{backend:?}");
        let res = multipart(
            &app,
            &reception,
            "/api/desk/exempt",
            &exempt,
            &[("ob_1", "1"), ("exempt_reason", "Người khuyết tật nặng, có giấy xác nhận khuyết tật")],
        )
        .await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{exempt}?xong=1"), "{backend:?}");
        assert_eq!(obligation_states(&app, &exempt).await, vec!["exempt"], "{backend:?}");
        assert_eq!(events_of(&app, &exempt).await, vec!["submit", "exempt"], "{backend:?}");
        let res = app.form(&citizen, "/api/dossiers/pay", &format!("/ho-so/{exempt}"), &[("code", &exempt)]).await;
        assert_eq!(redirected_error(&res).key(), "error-nothing-to-pay", "{backend:?}");

        // Reconciliation: the gateway took money the portal did not hear of (a lost
        // notification), and money for what the desk had meanwhile taken in cash.
        let lost = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let lost_txn = start_payment_of(&app, &citizen, &lost, &gateway, "1.000.000").await;
        gateway.press(&lost_txn, "pay", true).await;
        let twice = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let twice_txn = start_payment_of(&app, &citizen, &twice, &gateway, "1.000.000").await;
        app.form(
            &reception,
            "/api/desk/record-payment",
            &format!("/mot-cua/ho-so/{twice}"),
            &[("code", &twice), ("method", "cash"), ("payment_reference", "")],
        )
        .await;
        gateway.press(&twice_txn, "pay", true).await;
        assert_eq!(payment_states(&app, &lost).await, vec!["pending"], "{backend:?}");
        let created: i64 = sqlx::query("select created_at from payments where txn_ref = $1")
            .bind(&lost_txn)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        let day = app::domain::vn_time::iso_date(created);
        let reconcile = |client: &reqwest::Client, day: String| {
            let client = client.clone();
            let app = &app;
            async move { app.form(&client, "/api/desk/reconcile", "/mot-cua/doi-soat", &[("day", &day)]).await }
        };
        let res = reconcile(&reception, day.clone()).await;
        assert_ne!(location(&res), "/mot-cua/doi-soat?xong=1", "{backend:?} not the desk's");
        let res = reconcile(&accountant, "2999-01-01".into()).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("day".into(), "error-day-future".into())]);
        let res = reconcile(&accountant, "hôm qua".into()).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("day".into(), "error-date".into())]);
        let res = reconcile(&accountant, day.clone()).await;
        assert_eq!(location(&res), "/mot-cua/doi-soat?xong=1", "{backend:?}");
        assert_eq!(obligation_states(&app, &lost).await, vec!["paid"], "{backend:?} recorded as the gateway says");
        assert_eq!(receipt_numbers(&app, &lost).await.len(), 1, "{backend:?} with its receipt");
        assert_eq!(payment_states(&app, &twice).await, vec!["orphan", "paid"], "{backend:?} kept for a refund");
        let kinds = texts(
            &app,
            "select kind || ':' || coalesce(resolution, '') from reconciliation_items where kind <> $1 order by id",
            "",
        )
        .await;
        assert_eq!(kinds, vec!["paid-at-gateway:recorded-paid", "paid-at-gateway:kept-for-refund"], "{backend:?}");
        // The next run lists the orphan until it is refunded; the accountant notes what was done.
        reconcile(&accountant, day.clone()).await;
        let open: Vec<(i64, String)> =
            sqlx::query("select id, kind from reconciliation_items where resolved_at is null order by id")
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        assert_eq!(open.iter().map(|o| o.1.as_str()).collect::<Vec<_>>(), vec!["orphan"], "{backend:?}");
        // The accountant reads payments and the agency's receipts, not dossiers: no dossier page,
        // no inbox.
        let res =
            accountant.get(app.url(&format!("/mot-cua/ho-so/{twice}"))).send().await.unwrap().text().await.unwrap();
        assert!(!res.contains("Đã nộp tiền mặt") && !res.contains(FOREIGN_MARRIAGE), "{backend:?} {res}");
        let res = accountant
            .get(app.url(&format!("/ho-so/{paid}/bien-lai/{number}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(res.contains("Một triệu đồng"), "{backend:?} the agency's receipt");
        let res = accountant.get(app.url("/api/desk/inbox")).send().await.unwrap();
        assert!(res.status().is_client_error(), "{backend:?} {}", res.status());
        let page = accountant.get(app.url("/mot-cua/doi-soat")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Đối soát thanh toán") && page.contains(&twice), "{backend:?}");
        let res = app
            .form(
                &accountant,
                "/api/desk/resolve-mismatch",
                "/mot-cua/doi-soat",
                &[("item", &open[0].0.to_string()), ("resolution", "")],
            )
            .await;
        assert_eq!(field_keys(&redirected_error(&res)).first().map(|f| f.0.clone()), Some("resolution".into()));
        let res = app
            .form(
                &accountant,
                "/api/desk/resolve-mismatch",
                "/mot-cua/doi-soat",
                &[("item", &open[0].0.to_string()), ("resolution", "Đề nghị lãnh đạo hoàn trả giao dịch trùng")],
            )
            .await;
        assert_eq!(location(&res), "/mot-cua/doi-soat?xong=1", "{backend:?}");
        let res = app
            .form(
                &leader,
                "/api/desk/refund",
                &format!("/mot-cua/ho-so/{twice}"),
                &[
                    ("code", &twice),
                    ("txn_ref", &twice_txn),
                    ("refund_reason", "Đã nộp tiền mặt tại quầy; hoàn giao dịch trực tuyến trùng"),
                ],
            )
            .await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{twice}?xong=1"), "{backend:?}");
        assert_eq!(payment_states(&app, &twice).await, vec!["refunded", "paid"], "{backend:?}");
        assert_eq!(obligation_states(&app, &twice).await, vec!["paid"], "{backend:?} the cash payment stands");
        // The cash payment's receipt names the officer who took it; a counter refund needs no gateway.
        let cash = receipt_numbers(&app, &twice).await;
        assert_eq!(cash.len(), 1, "{backend:?}");
        let page = reception
            .get(app.url(&format!("/ho-so/{twice}/bien-lai/{}", cash[0])))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Lê Thị Thu Hà") && page.contains("Tiền mặt"), "{backend:?} {page}");

        // The gateway says it took money on an attempt that was cancelled here (a payer's page
        // left open): kept as an orphan for a refund, confirmed to the gateway, nothing paid.
        let late = submit(&app, &citizen, FOREIGN_MARRIAGE).await;
        let cancelled = start_payment_of(&app, &citizen, &late, &gateway, "1.000.000").await;
        gateway.press(&cancelled, "cancel", false).await;
        let ipn_query = gateway
            .sign(serde_json::json!({
                "vnp_TmnCode": TMN, "vnp_TxnRef": cancelled, "vnp_Amount": "100000000", "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00", "vnp_TransactionNo": "55555555",
            }))
            .await;
        assert_eq!(ipn(&app, &ipn_query).await["RspCode"], "00", "{backend:?}");
        assert_eq!(payment_states(&app, &late).await, vec!["orphan"], "{backend:?}");
        assert_eq!(obligation_states(&app, &late).await, vec!["due"], "{backend:?}");
        assert_eq!(ipn(&app, &ipn_query).await["RspCode"], "02", "{backend:?} once");
        assert_eq!(app.panics.load(std::sync::atomic::Ordering::SeqCst), 0);
    }
}
