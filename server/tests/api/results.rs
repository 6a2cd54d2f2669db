//! Results as records (issue 14): the agency leader's approval issues a result numbered in the
//! agency's series for the year; its PDF is signed with the agency's key (pdfsig verifies it)
//! and carries the approved draft; anyone holding its QR code reads the public verification
//! page and downloads it; the holder's name is masked there; a changed byte no longer matches.

use crate::handling::{birth_dossier, ok, to_review, AGENCY_LEADER, PASSWORD};
use crate::support::*;
use sha2::{Digest, Sha256};
use sqlx::Row;

struct Issued {
    number: String,
    token: String,
    sha256: Option<String>,
}

async fn issued(app: &TestApp, code: &str) -> Vec<Issued> {
    sqlx::query(
        "select r.number, r.token, r.document_sha256 from results r join dossiers d on d.id = r.dossier_id \
         where d.code = $1 order by r.id",
    )
    .bind(code)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| Issued { number: r.get(0), token: r.get(1), sha256: r.get(2) })
    .collect()
}

/// A demo birth registration taken through appraisal and approved by the unit and agency leaders.
async fn approved(app: &TestApp) -> String {
    let code = birth_dossier(app).await;
    approve(app, &code).await;
    code
}

async fn approve(app: &TestApp, code: &str) {
    let code = code.to_string();
    let (_desk, leader, _specialist) = to_review(app, &code).await;
    ok(app, &leader, "/api/desk/decide", &code, &[("decision", "approve")]).await;
    let head = app.login(AGENCY_LEADER, PASSWORD).await;
    ok(app, &head, "/api/desk/decide", &code, &[("decision", "approve")]).await;
}

fn pdfsig(bytes: &[u8]) -> Option<String> {
    let file = std::env::temp_dir().join(format!("portal-result-{}.pdf", new_key()));
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdfsig").arg(&file).output();
    let _ = std::fs::remove_file(&file);
    match out {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).to_string()),
        Err(_) => {
            assert!(std::env::var("PORTAL_REQUIRE_PDFSIG").is_err(), "pdfsig is missing (poppler-utils)");
            None
        }
    }
}

#[tokio::test]
async fn an_approval_issues_a_numbered_signed_result_that_anyone_with_its_qr_code_can_verify() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = approved(&app).await;
        let year = app::domain::vn_time::local(app::api::ctx::now_ms()).year;
        let results = issued(&app, &code).await;
        assert_eq!(results.len(), 1, "{backend:?}: one result for one approval");
        let r = &results[0];
        assert_eq!(r.number, format!("000001/{year}/KQ"), "{backend:?}: the agency's first result of the year");
        assert!(app::domain::result::is_token(&r.token));
        let sha = r.sha256.clone().expect("the document is signed with the approval");

        // The applicant's page lists it with its document and verification page.
        let owner = app.login("045095001234", "matkhau2026").await;
        let page = owner.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&r.number), "{backend:?}");
        assert!(page.contains(&format!("/xac-thuc/{}/tai-ve", r.token)), "{backend:?}");

        // Anyone with the QR code: the verification page, without signing in.
        let anyone = app.client();
        let res = anyone.get(app.url(&format!("/xac-thuc/{}", r.token))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains(&r.number) && html.contains(&sha), "{backend:?}");
        assert!(html.contains("Kết quả hợp lệ"), "{backend:?}");
        let holder: String =
            sqlx::query("select u.full_name from dossiers d join users u on u.id = d.applicant_id where d.code = $1")
                .bind(&code)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
                .get(0);
        assert!(!html.contains(&holder), "{backend:?}: the holder's full name is not public");
        assert!(html.contains(&app::domain::mask::mask_name(&holder)));
        let json: serde_json::Value = anyone
            .get(app.url(&format!("/api/results/verify?token={}", r.token)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["number"], r.number.as_str());
        assert_eq!(json["sha256"], sha.as_str());
        assert_eq!(json["standing"], "Valid");
        assert!(json.get("document").is_none() && json.get("storage_key").is_none(), "no storage key");

        // The document: the bytes whose SHA-256 the page shows, signed, the draft attached.
        let res = anyone.get(app.url(&format!("/xac-thuc/{}/tai-ve", r.token))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let bytes = res.bytes().await.unwrap().to_vec();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sha, "{backend:?}");
        assert!(bytes.windows(12).any(|w| w == b"du-thao.pdf)"), "the approved draft is attached");
        if let Some(report) = pdfsig(&bytes) {
            assert!(report.contains("Signature Validation: Signature is Valid."), "{backend:?}: {report}");
            assert!(report.contains("Total document signed"), "{report}");
        }
        let mut changed = bytes.clone();
        let at = changed.len() / 3;
        changed[at] ^= 0x20;
        assert_ne!(hex::encode(Sha256::digest(&changed)), sha, "a changed byte does not match");

        // Unknown, malformed and oversized tokens: not found, never an error.
        for bad in ["abcdefghjkmnpqrstuvwxyz123", "..%2F..%2Fetc", "x", &"a".repeat(4000)] {
            for path in [format!("/xac-thuc/{bad}"), format!("/xac-thuc/{bad}/tai-ve")] {
                let res = anyone.get(app.url(&path)).send().await.unwrap();
                assert!(matches!(res.status().as_u16(), 404 | 200), "{path}: {}", res.status());
                let body = res.text().await.unwrap();
                assert!(!body.contains("%PDF") && !body.contains(&r.number), "{path}");
            }
        }

        // A wrong result: the issuing agency's leader revokes it and re-issues it corrected.
        let revoke = |who: reqwest::Client, reason: &'static str, reissue: bool, file: bool| {
            let mut form = reqwest::multipart::Form::new().text("code", code.clone()).text("reason", reason);
            if reissue {
                form = form.text("reissue", "1");
            }
            if file {
                let part = reqwest::multipart::Part::bytes(pdf("Trich luc da dinh chinh"))
                    .file_name("dinh-chinh.pdf")
                    .mime_str("application/pdf")
                    .unwrap();
                form = form.part("file_0", part);
            }
            let req = who
                .post(app.url("/api/desk/revoke-result"))
                .header("Accept", "text/html")
                .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
                .multipart(form);
            async move { req.send().await.unwrap() }
        };
        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        let res = revoke(head.clone(), "", true, true).await;
        assert_eq!(field_keys(&redirected_error(&res)), [("revoke_reason".into(), "error-required".into())]);
        let desk = app.login("045185000101", PASSWORD).await;
        let res = revoke(desk, "Sai họ tên người được cấp", true, false).await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}: only the agency leader");
        assert_eq!(issued(&app, &code).await.len(), 1, "{backend:?}: nothing written");
        let res = revoke(head.clone(), "Sai ngày sinh trong trích lục", true, true).await;
        assert!(!location(&res).contains("__err"), "{backend:?}: {:?}", redirected_error(&res));
        let both = issued(&app, &code).await;
        assert_eq!(both.len(), 2, "{backend:?}: both kept");
        let new = &both[1];
        assert_eq!(new.number, format!("000002/{year}/KQ"));
        assert!(new.sha256.is_some(), "{backend:?}: the corrected result is signed at once");
        let old_page =
            anyone.get(app.url(&format!("/xac-thuc/{}", r.token))).send().await.unwrap().text().await.unwrap();
        assert!(old_page.contains("đã được thay thế") && old_page.contains("Sai ngày sinh trong trích lục"));
        assert!(old_page.contains(&format!("/xac-thuc/{}", new.token)), "{backend:?}: it names its replacement");
        let new_pdf = anyone.get(app.url(&format!("/xac-thuc/{}/tai-ve", new.token))).send().await.unwrap();
        let new_pdf = new_pdf.bytes().await.unwrap().to_vec();
        assert!(new_pdf.windows(15).any(|w| w == b"dinh-chinh.pdf)"), "the corrected draft is attached");
        if let Some(report) = pdfsig(&new_pdf) {
            assert!(report.contains("Signature Validation: Signature is Valid."), "{report}");
        }
        // Revoked without a replacement; then nothing is left in force to revoke.
        let res = revoke(head.clone(), "Cấp nhầm hồ sơ", false, true).await;
        assert!(!location(&res).contains("__err"), "{backend:?}: {:?}", redirected_error(&res));
        let json: serde_json::Value = anyone
            .get(app.url(&format!("/api/results/verify?token={}", new.token)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["standing"], "Revoked", "{backend:?}");
        let res = revoke(head, "Cấp nhầm hồ sơ", false, false).await;
        assert_eq!(
            redirected_error(&res),
            app::error::AppError::Conflict("error-no-result-in-force".into()),
            "{backend:?}"
        );
        assert_eq!(issued(&app, &code).await.len(), 2);

        // The agency's next result takes the next number.
        let p = birth(&app).await;
        let citizen = app.citizen("Trần Thị Kết Quả", "045201000071", "0911000071").await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let second = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        approve(&app, &second).await;
        assert_eq!(issued(&app, &second).await[0].number, format!("000003/{year}/KQ"), "{backend:?}");

        // The history still verifies: the result is issued inside the approval's event.
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(app::domain::history::verify(&events, n, &last), Ok(()));
    }
}

/// Every way in that is not the issuing agency's leader with a good reason is refused, writes
/// nothing and leaves no file behind; the public view carries nothing the page hides.
#[tokio::test]
async fn crafted_result_requests_are_refused_and_write_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = approved(&app).await;
    let token = issued(&app, &code).await[0].token.clone();
    let events_sql =
        format!("select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = '{code}'");
    let events = app.count(&events_sql).await;
    let files = app.uploaded_files();
    let post = |c: reqwest::Client, form: reqwest::multipart::Form| {
        let req = c.post(app.url("/api/desk/revoke-result")).header("Accept", "application/json").multipart(form);
        async move { req.send().await.unwrap() }
    };
    let form = |reason: &str| {
        reqwest::multipart::Form::new()
            .text("code", code.clone())
            .text("reason", reason.to_string())
            .text("reissue", "1")
    };
    let refused = |res: reqwest::Response| {
        let s = res.status().as_u16();
        assert!((400..500).contains(&s), "answered {s}");
    };
    // No session; the applicant; another citizen; the wrong roles; another agency's leader.
    refused(post(app.client(), form("Sai ngày sinh")).await);
    let owner = app.login("045095001234", "matkhau2026").await;
    refused(post(owner, form("Sai ngày sinh")).await);
    let stranger = app.citizen("Đỗ Văn Lạ", "045201000081", "0911000081").await;
    refused(post(stranger, form("Sai ngày sinh")).await);
    for who in ["045185000101", "045185000103", "045085000102", "045079000303"] {
        let officer = app.login(who, PASSWORD).await;
        refused(post(officer, form("Sai ngày sinh")).await);
    }
    // The right leader with a bad reason: control characters, bidi controls, 3 MB; a crafted
    // or oversized code; a thousand file parts.
    let head = app.login(AGENCY_LEADER, PASSWORD).await;
    for reason in ["a\u{7}b", "a\u{202E}b", &"y".repeat(3 * 1024 * 1024)] {
        refused(post(head.clone(), form(reason)).await);
    }
    for bad in ["..%2F..%2Fetc", &"9".repeat(5000)] {
        let f = reqwest::multipart::Form::new().text("code", bad.to_string()).text("reason", "Sai ngày sinh");
        refused(post(head.clone(), f).await);
    }
    let mut many = form("Sai ngày sinh trong trích lục");
    for i in 0..1000 {
        let part = reqwest::multipart::Part::bytes(pdf("x"))
            .file_name(format!("{i}.pdf"))
            .mime_str("application/pdf")
            .unwrap();
        many = many.part("file_0", part);
    }
    let res = post(head.clone(), many).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(issued(&app, &code).await.len(), 1, "nothing issued");
    assert_eq!(app.count("select count(*) from results where revoked_at is not null").await, 0, "nothing revoked");
    assert_eq!(app.count(&events_sql).await, events, "nothing in the history");
    assert_eq!(app.uploaded_files(), files, "no file left behind");

    // The public page and JSON: crafted query strings answer the page; nothing private.
    for q in ["?__err=%7B%22Internal%22%3A%22x%22%7D", "?next=https://evil.example", "?__err=%00%ff"] {
        let res = app.client().get(app.url(&format!("/xac-thuc/{token}{q}"))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{q}");
        // The header's links carry the page (encoded) as their `next`, which sign-in checks;
        // no link leads off the site.
        assert!(!res.text().await.unwrap().contains("href=\"https://evil"), "{q}");
    }
    let json = app
        .client()
        .get(app.url(&format!("/api/results/verify?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for private in ["storage", "document_key", "holder_name", "signer_id", "draft", "summary", "dossier"] {
        assert!(!json.contains(private), "{private} in {json}");
    }
}

/// A result signed on paper: the leader approves "on paper", nothing is issued; the receiving
/// desk digitises the scan with its certification — a result marked digitised, numbered and
/// signed like any other; nobody else may, and only while none is in force.
#[tokio::test]
async fn a_result_signed_on_paper_is_digitised_by_the_desk_and_verifies_as_such() {
    use reqwest::multipart::{Form, Part};
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let (desk, leader, specialist) = to_review(&app, &code).await;
        ok(&app, &leader, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        ok(&app, &head, "/api/desk/decide", &code, &[("decision", "approve"), ("paper", "1")]).await;
        assert!(issued(&app, &code).await.is_empty(), "{backend:?}: signed on paper, nothing issued");
        let page = desk.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("digitise-result"), "{backend:?}: the desk is offered to digitise it");
        let post = |who: &reqwest::Client, certification: &str, scan: bool| {
            let mut form = Form::new().text("code", code.clone()).text("certification", certification.to_string());
            if scan {
                let part = Part::bytes(pdf("Trich luc ban giay"))
                    .file_name("ban-quet.pdf")
                    .mime_str("application/pdf")
                    .unwrap();
                form = form.part("file_0", part);
            }
            let req = who
                .post(app.url("/api/desk/digitise-result"))
                .header("Accept", "text/html")
                .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
                .multipart(form);
            async move { req.send().await.unwrap() }
        };
        // Neither the scan nor the certification: both messages, nothing issued, no file kept.
        let files_before = app.count("select count(*) from work_files").await;
        let res = post(&desk, " ", false).await;
        let mut keys = field_keys(&redirected_error(&res));
        keys.sort();
        assert_eq!(
            keys,
            vec![("certification".into(), "error-required".into()), ("file_0".into(), "error-file-required".into())],
            "{backend:?}"
        );
        let res = post(&desk, "ngắn", true).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("certification".into(), "error-reason-length".into())]);
        // The leader and the specialist do not digitise: that is the desk's.
        for who in [&head, &specialist] {
            let res = post(who, "Bản quét đúng với bản chính", true).await;
            assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");
        }
        assert!(issued(&app, &code).await.is_empty(), "{backend:?}");
        assert_eq!(app.count("select count(*) from work_files").await, files_before, "{backend:?}");
        // The desk digitises it: issued, marked digitised, signed, verifiable.
        let res = post(&desk, "Bản quét đúng với bản chính do ông Nguyễn Đức Thắng ký ngày hôm nay", true).await;
        assert!(!location(&res).contains("__err"), "{backend:?}: {:?}", redirected_error(&res));
        let results = issued(&app, &code).await;
        assert_eq!(results.len(), 1, "{backend:?}");
        assert!(results[0].sha256.is_some(), "{backend:?}: its document made");
        let v: serde_json::Value = app
            .client()
            .get(app.url(&format!("/api/results/verify?token={}", results[0].token)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["origin"], "Digitised", "{backend:?}: {v}");
        assert_eq!(v["standing"], "Valid", "{backend:?}: {v}");
        assert_eq!(v["signer_name"], "Nguyễn Đức Thắng", "{backend:?}: signed by the leader who signed the paper");
        let bytes = app
            .client()
            .get(app.url(&format!("/xac-thuc/{}/tai-ve", results[0].token)))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        if let Some(out) = pdfsig(&bytes) {
            assert!(out.contains("Signature is Valid"), "{backend:?}: {out}");
        }
        // Once in force, there is nothing left to digitise.
        let res = post(&desk, "Bản quét đúng với bản chính lần hai", true).await;
        assert_eq!(
            redirected_error(&res),
            app::error::AppError::Conflict("error-no-paper-result".into()),
            "{backend:?}"
        );
        assert_eq!(issued(&app, &code).await.len(), 1, "{backend:?}");
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(app::domain::history::verify(&events, n, &last), Ok(()));
        assert_eq!(events.last().map(|e| e.action.as_str()), Some("digitise-result"), "{backend:?}");
    }
}
