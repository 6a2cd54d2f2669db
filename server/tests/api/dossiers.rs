use crate::support::*;
use app::domain::dossier_code::DossierCode;
use reqwest::multipart::Part;
use sqlx::Row;

fn code_from(res: &reqwest::Response) -> String {
    let loc = location(res);
    let code = loc
        .strip_prefix("/ho-so/")
        .and_then(|s| s.strip_suffix("/xac-nhan"))
        .unwrap_or_else(|| panic!("not an acknowledgement: {loc}"));
    code.to_string()
}

#[tokio::test]
async fn a_citizen_submits_a_dossier_with_files_and_gets_a_code_and_a_first_event() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Phạm Văn Hùng", "045201000001", "0911000001").await;
        let res = post_dossier(&app, &c, &p, dossier_form(&p, &new_key(), "submit")).await;
        assert_eq!(res.status(), 302, "{backend:?}");
        let code = DossierCode::parse("c", &code_from(&res)).unwrap();
        assert_eq!(code.agency, p.receiving_agency.code);
        assert_eq!(code.yymmdd, app::domain::vn_time::yymmdd(app::api::ctx::now_ms()));
        let (events, count, head) = app.db.history(&code.to_string()).await.unwrap();
        assert_eq!(count, 1);
        assert_eq!((events[0].action.as_str(), events[0].from_status, events[0].to_status), ("submit", Some(0), 1));
        assert_eq!(app::domain::history::verify(&events, count, &head), Ok(()));
        let files = app
            .count(&format!(
                "select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = '{code}'"
            ))
            .await;
        assert_eq!(files as usize, p.components.iter().filter(|c| c.required).count());
        assert_eq!(app.uploaded_files() as i64, files + demo_files(&app).await, "{backend:?}: every file stored once");
        let sha: String = sqlx::Row::get(
            &sqlx::query("select sha256 from dossier_files limit 1").fetch_one(&app.db.pool).await.unwrap(),
            0,
        );
        assert_eq!(sha.len(), 64);

        let ack = c.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(
            ack.contains(&code.to_string()) && ack.contains("<svg"),
            "acknowledgement shows the code and a QR code"
        );
        assert!(ack.contains(&format!("/tra-cuu?ma={code}")));
        let mine = c.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains(&code.to_string()));
        let detail = c.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(detail.contains("Mới đăng ký") && detail.contains("Quá trình xử lý"));
    }
}

async fn demo_files(app: &TestApp) -> i64 {
    app.count("select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id where d.idempotency_key like 'demo-%'").await
}

#[tokio::test]
async fn a_double_submit_or_a_retry_makes_one_dossier() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Phạm Văn Hùng", "045201000002", "0911000002").await;
        let key = new_key();
        let (a, b) = tokio::join!(
            post_dossier(&app, &c, &p, dossier_form(&p, &key, "submit")),
            post_dossier(&app, &c, &p, dossier_form(&p, &key, "submit"))
        );
        let retry = post_dossier(&app, &c, &p, dossier_form(&p, &key, "submit")).await;
        assert_eq!(code_from(&a), code_from(&b), "{backend:?}");
        assert_eq!(code_from(&a), code_from(&retry));
        assert_eq!(app.count(&format!("select count(*) from dossiers where idempotency_key = '{key}'")).await, 1);
        assert_eq!(app.count(&format!("select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id where d.idempotency_key = '{key}'")).await, 1);
        let attached = app.count(&format!("select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id where d.idempotency_key = '{key}'")).await;
        assert_eq!(
            attached as usize,
            p.components.iter().filter(|c| c.required).count(),
            "{backend:?}: files of the losing posts are not attached"
        );
        assert_eq!(app.uploaded_files() as i64, attached + demo_files(&app).await, "{backend:?}: nor left on disk");
    }
}

#[tokio::test]
async fn fifty_concurrent_submissions_get_distinct_consecutive_codes() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, true).await;
        let p = birth(&app).await;
        let c = app.citizen("Đỗ Thị Lan", "045201000003", "0911000003").await;
        let already = app
            .count(&format!(
                "select count(*) from dossiers where receiving_agency = '{}' and code is not null",
                p.receiving_agency.code
            ))
            .await;
        let posts = (0..50).map(|_| post_dossier(&app, &c, &p, dossier_form(&p, &new_key(), "submit")));
        let responses = futures::future::join_all(posts).await;
        let mut seqs: Vec<u32> =
            responses.iter().map(|r| DossierCode::parse("c", &code_from(r)).unwrap().seq).collect();
        seqs.sort();
        let today_before = already as u32; // demo dossiers of this agency may share today's sequence
        let first = seqs[0];
        assert!(first >= 1 && first <= today_before + 1, "{backend:?}: starts after what exists ({first})");
        assert_eq!(seqs, (first..first + 50).collect::<Vec<_>>(), "{backend:?}: distinct and consecutive");
    }
}

#[tokio::test]
async fn a_draft_is_saved_without_required_items_and_resumed_later() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Võ Minh Tâm", "045201000004", "0911000004").await;
        let key = new_key();
        let first = p.form_fields[0].clone();
        let form = reqwest::multipart::Form::new()
            .text("key", key.clone())
            .text("procedure", p.code.clone())
            .text("intent", "save")
            .text(first.input_name(), "Võ Minh Khôi");
        let res = post_dossier(&app, &c, &p, form).await;
        assert_eq!(location(&res), format!("/thu-tuc/{}/nop?nhap={key}&luu=1", p.code), "{backend:?}");
        let page = c.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Võ Minh Khôi") && page.contains("Đã lưu bản nháp"));
        let mine = c.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains(&format!("nhap={key}")), "the draft is listed in my dossiers");
        // Completing it later submits the same dossier.
        let res = post_dossier(&app, &c, &p, dossier_form(&p, &key, "submit")).await;
        code_from(&res);
        assert_eq!(
            app.count(&format!("select count(*) from dossiers where idempotency_key = '{key}' and status = 1")).await,
            1
        );
    }
}

#[tokio::test]
async fn bad_input_is_reported_at_the_field_and_nothing_is_submitted() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Bùi Văn Nam", "045201000005", "0911000005").await;
        let dossiers = app.count("select count(*) from dossiers where status <> 0").await;
        let stored = app.uploaded_files();
        let required_field = p.form_fields.iter().find(|f| f.required).unwrap().clone();
        let comp = p.components.iter().find(|c| c.required).unwrap().clone();

        // A missing required field.
        let form = dossier_form(&p, &new_key(), "submit").text(required_field.input_name(), "");
        let e = redirected_error(&post_dossier(&app, &c, &p, form).await);
        assert!(field_keys(&e).contains(&(required_field.input_name(), "error-required".into())), "{backend:?}: {e:?}");

        // A text file renamed .pdf.
        let fake = Part::bytes(b"this is not a pdf at all".to_vec())
            .file_name("giay-chung-sinh.pdf")
            .mime_str("application/pdf")
            .unwrap();
        let form = dossier_text(&p, &new_key(), "submit").part(format!("file_{}", comp.id), fake);
        let e = redirected_error(&post_dossier(&app, &c, &p, form).await);
        assert!(field_keys(&e).contains(&(format!("file_{}", comp.id), "error-file-type".into())), "{e:?}");

        // A file over the per-file limit is cut off.
        let mut big = pdf("big");
        big.resize(app::domain::upload::MAX_FILE_BYTES as usize + 100_000, b' ');
        let form = dossier_text(&p, &new_key(), "submit")
            .part(format!("file_{}", comp.id), Part::bytes(big).file_name("scan.pdf"));
        let e = redirected_error(&post_dossier(&app, &c, &p, form).await);
        assert!(field_keys(&e).contains(&(format!("file_{}", comp.id), "error-file-too-large".into())), "{e:?}");

        // A wrong CCCD in the e-form, when the procedure has one.
        if let Some(cccd) = p.form_fields.iter().find(|f| f.kind == app::domain::form::FieldKind::Cccd) {
            let form = dossier_form(&p, &new_key(), "submit").text(cccd.input_name(), "123");
            let e = redirected_error(&post_dossier(&app, &c, &p, form).await);
            assert!(field_keys(&e).contains(&(cccd.input_name(), "error-cccd-format".into())), "{e:?}");
        }

        // The good files of each refused post wait in a draft (see uploads.rs); nothing is
        // submitted, and no refused file stays on disk.
        let submitted = app.count("select count(*) from dossiers where status <> 0").await;
        assert_eq!(submitted, dossiers, "{backend:?}: nothing submitted");
        let kept = app.count("select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id where d.status = 0 and d.idempotency_key not like 'demo-%'").await;
        assert_eq!(app.uploaded_files() as i64, stored as i64 + kept, "{backend:?}: no refused file left on disk");
    }
}

#[tokio::test]
async fn a_body_over_the_dossier_limit_is_refused_before_it_is_read() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let p = birth(&app).await;
    let c = app.citizen("Bùi Văn Nam", "045201000006", "0911000006").await;
    let big = vec![b'x'; (server::UPLOAD_BODY_LIMIT + 10) as usize];
    let form = dossier_form(&p, &new_key(), "submit").part("file_999999", Part::bytes(big).file_name("x.pdf"));
    let res = post_dossier(&app, &c, &p, form).await;
    assert_eq!(res.status(), 303);
    assert_eq!(field_keys(&redirected_error(&res)), vec![("files".into(), "error-dossier-too-large".into())]);
    let json = c
        .post(app.url("/api/dossiers/save"))
        .multipart(
            dossier_form(&p, &new_key(), "submit")
                .part("x", Part::bytes(vec![0; (server::UPLOAD_BODY_LIMIT + 10) as usize])),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 413);
    assert_eq!(app.count("select count(*) from dossiers d where d.idempotency_key not like 'demo-%'").await, 0);
}

#[tokio::test]
async fn a_citizen_never_sees_another_citizens_dossier_or_file() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let owner = app.citizen("Chủ Hồ Sơ", "045201000007", "0911000007").await;
        let other = app.citizen("Người Khác", "045201000008", "0911000008").await;
        let code = code_from(&post_dossier(&app, &owner, &p, dossier_form(&p, &new_key(), "submit")).await);
        let file_id: String = sqlx::Row::get(
            &sqlx::query("select f.id from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1")
                .bind(&code)
                .fetch_one(&app.db.pool)
                .await
                .unwrap(),
            0,
        );
        assert_eq!(owner.get(app.url(&format!("/tep/{file_id}"))).send().await.unwrap().status(), 200, "{backend:?}");
        for path in [
            format!("/ho-so/{code}"),
            format!("/ho-so/{code}/xac-nhan"),
            format!("/api/dossiers/get?code={code}"),
            format!("/tep/{file_id}"),
        ] {
            let res = other.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{backend:?}: {path} refused to another citizen");
            let anon = app.client().get(app.url(&path)).send().await.unwrap();
            assert_eq!(anon.status(), 401, "{backend:?}: {path} refused to the public");
        }
    }
}

/// The token in a lookup link (`…/tra-cuu?ma=<code>&t=<token>`).
fn token_of(url: &str, code: &str) -> String {
    let url = reqwest::Url::parse(url).unwrap();
    assert_eq!(url.path(), "/tra-cuu");
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q.get("ma").map(String::as_str), Some(code));
    q.get("t").cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_public_lookup_shows_the_masked_name_only_with_the_token_of_the_printed_link() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Nguyễn Văn An", "045201000009", "0911000009").await;
        let code = code_from(&post_dossier(&app, &c, &p, dossier_form(&p, &new_key(), "submit")).await);
        // The acknowledgement's QR code and link carry the dossier's token.
        let ack: app::api::dossiers::AcknowledgementView = c
            .get(app.url(&format!("/api/dossiers/acknowledgement?code={code}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token_of(&ack.lookup_url, &code);
        assert!(token.len() >= 26, "{backend:?}: an unguessable token: {token}");
        assert_eq!(ack.qr_svg, app::api::dossiers::ssr::qr_svg(&ack.lookup_url).unwrap(), "the QR code is the link");
        let stored: String = sqlx::query("select lookup_token from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(stored, token);

        let public = app.client();
        let lookup = |t: Option<&str>| {
            let url = match t {
                Some(t) => app.url(&format!("/api/lookup?ma={code}&t={t}")),
                None => app.url(&format!("/api/lookup?ma={code}")),
            };
            let public = public.clone();
            async move { public.get(url).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
        };
        // The same token with its last character changed (never to itself).
        let last = if token.ends_with('x') { 'y' } else { 'x' };
        let wrong = format!("{}{last}", &token[..token.len() - 1]);
        for (what, json) in [("no token", lookup(None).await), ("a wrong token", lookup(Some(&wrong)).await)] {
            assert_eq!(json["applicant_masked"], serde_json::Value::Null, "{backend:?}: {what}: no name");
            assert!(!json.to_string().contains("Nguyễn"), "{backend:?}: {what}: {json}");
            assert_eq!(json["status"], 1, "{backend:?}: {what}: the status is public");
            assert_eq!(json["receiving_agency"], "Ủy ban nhân dân phường Đông Hà", "{backend:?}: {what}");
        }
        let json = lookup(Some(&token)).await;
        assert_eq!(json["applicant_masked"], "Nguyễn V*** A", "{backend:?}: the token opens the masked name");

        let html = |path: String| {
            let (public, url) = (public.clone(), app.url(&path));
            async move { public.get(url).send().await.unwrap().text().await.unwrap() }
        };
        let bare = html(format!("/tra-cuu?ma={code}")).await;
        assert!(bare.contains("Mới đăng ký") && !bare.contains("Nguyễn V*** A"), "{backend:?}: no name by code alone");
        assert!(bare.contains("Chỉ hiện (đã che) khi mở bằng mã QR"), "{backend:?}: the page says why");
        let wrong_page = html(format!("/tra-cuu?ma={code}&t={wrong}")).await;
        assert!(!wrong_page.contains("Nguyễn V*** A"), "{backend:?}: no name with a wrong token");
        let page = html(format!("/tra-cuu?ma={code}&t={token}")).await;
        assert!(page.contains("Nguyễn V*** A") && !page.contains("Nguyễn Văn An"), "{backend:?}: masked");

        let unknown = public.get(app.url("/tra-cuu?ma=000.00.01.H45-261122-9999")).send().await.unwrap();
        assert_eq!(unknown.status(), 200);
        assert!(unknown.text().await.unwrap().contains("Không tìm thấy hồ sơ có mã này."));
        let malformed = public.get(app.url("/tra-cuu?ma=%27%3B%20drop%20table")).send().await.unwrap();
        assert_eq!(malformed.status(), 200);
        assert!(malformed.text().await.unwrap().contains("Mã hồ sơ không đúng định dạng"));
        let api = public.get(app.url("/api/lookup?ma=nonsense")).send().await.unwrap();
        assert_eq!(api.status(), 400);
    }
}

#[tokio::test]
async fn the_public_lookup_shows_the_stage_holder_and_due_date_and_the_receipt_link_carries_the_token() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Trần Văn Bình", "045201000010", "0911000010").await;
        let code = code_from(&post_dossier(&app, &c, &p, dossier_form(&p, &new_key(), "submit")).await);
        let desk = app.login("045185000101", "canbo2026").await;
        let res = app.form(&desk, "/api/desk/accept", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert!(!location(&res).contains("__err"), "{backend:?}: accepted");
        let slip: app::api::desk::Slip = desk
            .get(app.url(&format!("/api/desk/slip?code={code}&form=01")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token_of(&slip.lookup_url, &code);
        assert!(!token.is_empty(), "{backend:?}: Mẫu 01 prints the link with its token");
        assert_eq!(slip.qr_svg, app::api::dossiers::ssr::qr_svg(&slip.lookup_url).unwrap(), "and its QR code");
        let receipt =
            desk.get(app.url(&format!("/mot-cua/ho-so/{code}/phieu/01"))).send().await.unwrap().text().await.unwrap();
        assert!(receipt.contains(&format!("tra-cuu?ma={code}&amp;t={token}")), "{backend:?}: the printed link");

        let json: serde_json::Value =
            app.client().get(app.url(&format!("/api/lookup?ma={code}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(json["status"], 2, "{backend:?}");
        assert_eq!(json["stage"], "receive", "{backend:?}: at the desk's reception step");
        let location = json["location"].as_str().unwrap().to_string();
        assert!(location.ends_with("Ủy ban nhân dân phường Đông Hà"), "{backend:?}: {location}");
        assert_eq!(json["due_at_ms"], serde_json::json!(slip.desk.due_at_ms.unwrap()), "{backend:?}: the due date");
        assert_eq!(json["applicant_masked"], serde_json::Value::Null);
        let page =
            app.client().get(app.url(&format!("/tra-cuu?ma={code}"))).send().await.unwrap().text().await.unwrap();
        // The text as a reader sees it, without the renderer's markers between text nodes.
        let page = page.replace("<!---->", "").replace("<!-- -->", "").replace("<!>", "");
        assert!(page.contains(&format!("Tiếp nhận — {location}")), "{backend:?}: the stage and holder");
        assert!(page.contains(&app::domain::vn_time::format_vn(slip.desk.due_at_ms.unwrap())), "{backend:?}: due");
    }
}

#[tokio::test]
async fn the_public_lookup_is_rate_limited() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let mut statuses = Vec::new();
    for _ in 0..65 {
        statuses.push(c.get(app.url("/api/lookup?ma=X-261122-0001")).send().await.unwrap().status().as_u16());
    }
    assert!(statuses[..60].iter().all(|s| *s == 404), "{statuses:?}");
    assert_eq!(statuses[64], 429);
}
