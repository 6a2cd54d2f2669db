use crate::support::*;
use app::domain::history::verify;
use reqwest::multipart::{Form, Part};
use sqlx::Row;

const DONG_HA_RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";

async fn post_multipart(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    referer: &str,
    form: Form,
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("Accept", "text/html")
        .header("Referer", app.url(referer))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_supplement_round_trip_records_what_changed() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Hồ Thị Nga", "045201000021", "0911000021").await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let desk_page = format!("/mot-cua/ho-so/{code}");
        let component = p.components.iter().find(|c| c.required).unwrap().clone();
        let field = p.form_fields.iter().find(|f| f.kind == app::domain::form::FieldKind::Text).unwrap().clone();

        // Nothing chosen, no reason: both explained, nothing changed.
        let empty = post_multipart(
            &app,
            &officer,
            "/api/desk/request-supplement",
            &desk_page,
            Form::new().text("code", code.clone()).text("reason", ""),
        )
        .await;
        let keys = field_keys(&redirected_error(&empty));
        assert!(
            keys.contains(&("items".into(), "error-supplement-items".into()))
                && keys.contains(&("supplement_reason".into(), "error-required".into())),
            "{backend:?} {keys:?}"
        );

        let ask = Form::new()
            .text("code", code.clone())
            .text("reason", "Tờ khai thiếu chữ ký, tên trẻ viết sai dấu")
            .text(format!("item:component:{}", component.id), "on")
            .text(format!("note:component:{}", component.id), "Thiếu chữ ký người yêu cầu")
            .text(format!("item:field:{}", field.name), "on");
        let res = post_multipart(&app, &officer, "/api/desk/request-supplement", &desk_page, ask).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/02"), "{backend:?}");
        let slip = officer.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(
            slip.contains("PHIẾU YÊU CẦU BỔ SUNG")
                && slip.contains("Thiếu chữ ký người yêu cầu")
                && slip.contains(&component.name)
        );

        // The citizen sees exactly what was asked, and only those inputs, with the upload checks
        // and progress of the dossier form.
        // The dossier's page says what is asked and leads to the form, without the WASM.
        let dossier = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(dossier.contains("Tờ khai thiếu chữ ký, tên trẻ viết sai dấu"), "{backend:?}");
        assert!(dossier.contains(&format!("href=\"/ho-so/{code}/bo-sung\"")), "{backend:?}");
        assert!(!dossier.contains("app_bg.wasm") && !dossier.contains("id=\"supplement-form\""), "{backend:?}");
        let page = citizen.get(app.url(&format!("/ho-so/{code}/bo-sung"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"supplement-form\"") && page.contains("app_bg.wasm"), "{backend:?}");
        assert!(page.contains("Tờ khai thiếu chữ ký, tên trẻ viết sai dấu") && page.contains("Yêu cầu bổ sung"));
        assert!(
            page.contains(&format!("name=\"file_{}\"", component.id))
                && page.contains(&format!("name=\"{}\"", field.input_name()))
        );
        let others = p
            .components
            .iter()
            .filter(|c| c.id != component.id)
            .all(|c| !page.contains(&format!("name=\"file_{}\"", c.id)));
        assert!(others, "components not asked for cannot be replaced");

        // Another citizen cannot answer; a file for a component not asked for is refused.
        let stranger = app.citizen("Người Lạ", "045201000022", "0911000022").await;
        let answer = |name: &str| {
            Form::new()
                .text("code", code.clone())
                .text(field.input_name(), name.to_string())
                .part(format!("file_{}", component.id), Part::bytes(pdf("to khai moi")).file_name("to-khai-da-ky.pdf"))
        };
        let res = post_multipart(
            &app,
            &stranger,
            "/api/dossiers/supplement",
            &format!("/ho-so/{code}"),
            answer("Hồ Minh Khôi"),
        )
        .await;
        assert!(matches!(redirected_error(&res), app::error::AppError::NotFound), "{backend:?}");
        let other_component = p.components.iter().find(|c| c.id != component.id).unwrap();
        let sneaky = answer("Hồ Minh Khôi")
            .part(format!("file_{}", other_component.id), Part::bytes(pdf("x")).file_name("x.pdf"));
        let files_before = app.uploaded_files();
        let res = post_multipart(&app, &citizen, "/api/dossiers/supplement", &format!("/ho-so/{code}"), sneaky).await;
        assert!(matches!(redirected_error(&res), app::error::AppError::BadRequest(_)));
        assert_eq!(app.uploaded_files(), files_before, "{backend:?}: refused files are removed");

        let res = post_multipart(
            &app,
            &citizen,
            "/api/dossiers/supplement",
            &format!("/ho-so/{code}"),
            answer("Hồ Minh Khôi"),
        )
        .await;
        assert_eq!(location(&res), format!("/ho-so/{code}?bo_sung=1"), "{backend:?}");
        let status: i64 = sqlx::query("select status from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(status, 1, "back at the desk");
        // The replaced file is kept, row and bytes, for the officer's before/after.
        let versions = sqlx::query("select f.storage_key, f.replaced_at from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1 and f.component_id = $2")
            .bind(&code)
            .bind(component.id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(versions.len(), 2, "the replaced file is kept");
        use app::ports::FileStore;
        for v in &versions {
            assert!(app.files.read(&v.get::<String, _>(0)).await.is_ok(), "{backend:?}: with its bytes");
        }
        assert_eq!(versions.iter().filter(|v| v.get::<Option<i64>, _>(1).is_some()).count(), 1);
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Ok(()));
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["submit", "request-supplement", "return-supplement"], "{backend:?}");

        // The officer sees before and after.
        let desk = officer.get(app.url(&desk_page)).send().await.unwrap().text().await.unwrap();
        assert!(
            desk.contains("Nội dung đã bổ sung")
                && desk.contains("Lê Minh Khang")
                && desk.contains("Hồ Minh Khôi")
                && desk.contains("to-khai-da-ky.pdf")
        );

        // Nothing is open any more.
        let again =
            post_multipart(&app, &citizen, "/api/dossiers/supplement", &format!("/ho-so/{code}"), answer("X")).await;
        assert_eq!(field_keys(&redirected_error(&again)), Vec::<(String, String)>::new());
        assert!(matches!(redirected_error(&again), app::error::AppError::Conflict(_)));
    }
}

#[tokio::test]
async fn the_specialist_drafts_a_supplement_the_unit_leader_sends_it_and_the_allowance_restarts_at_the_desk() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Lâm Thị Thu", "045201000041", "0911000041").await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let page = format!("/mot-cua/ho-so/{code}");
        let ok = |res: reqwest::Response| {
            let loc = location(&res);
            assert!(res.status() == 302 && !loc.contains("__err"), "{loc}");
        };
        ok(app.form(&desk, "/api/desk/accept", &page, &[("code", &code)]).await);
        ok(app.form(&desk, "/api/desk/transfer", &page, &[("code", &code)]).await);
        let leader = app.login("045185000103", PASSWORD).await;
        let minh: i64 = sqlx::query("select id from users where cccd = '045085000102'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        ok(app.form(&leader, "/api/desk/assign", &page, &[("code", &code), ("specialist", &minh.to_string())]).await);
        let component = p.components.iter().find(|c| c.required).unwrap().clone();
        let ask = || {
            Form::new()
                .text("code", code.clone())
                .text("reason", "Giấy chứng sinh không rõ số, cần bản rõ nét để đối chiếu")
                .text(format!("item:component:{}", component.id), "on")
        };
        // Another unit's specialist may not ask; the assigned one may.
        let other = app.login("045086000106", PASSWORD).await;
        let res = other.post(app.url("/api/desk/request-supplement")).multipart(ask()).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}");
        let specialist = app.login("045085000102", PASSWORD).await;
        let res = post_multipart(&app, &specialist, "/api/desk/request-supplement", &page, ask()).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}?xong=1"), "{backend:?}: a draft");
        let status: i64 = sqlx::query("select status from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(status, 4, "{backend:?}: still in handling until the unit leader sends it");
        let mine = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(!mine.contains("Giấy chứng sinh không rõ số"), "{backend:?}: the citizen does not see a draft");
        // Only the leader of the appraising unit sends it; another unit's leader may not.
        let kt_leader = app.login("045184000107", PASSWORD).await;
        let res = kt_leader.post(app.url("/api/desk/send-supplement")).form(&[("code", &code)]).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}");
        let res = app.form(&leader, "/api/desk/send-supplement", &page, &[("code", &code)]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/02"), "{backend:?}");
        let r = sqlx::query("select status, step_position, holder_role, current_agency from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(r.get::<i64, _>(0), 5, "{backend:?}: waiting for the citizen");
        assert_eq!(r.get::<Option<i64>, _>(1), None, "{backend:?}: no step runs meanwhile");
        let open = app
            .count(&format!(
                "select count(*) from dossier_steps s join dossiers d on d.id = s.dossier_id where d.code = '{code}' and s.ended_at is null"
            ))
            .await;
        assert_eq!(open, 0, "{backend:?}: the appraisal step ended with the request");
        let mine = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains("Giấy chứng sinh không rõ số"), "{backend:?}: the citizen sees what was asked");

        // The citizen answers; the desk accepts again and the allowance starts from zero.
        let answer = Form::new().text("code", code.clone()).part(
            format!("file_{}", component.id),
            Part::bytes(pdf("Giay chung sinh ro net"))
                .file_name("giay-chung-sinh.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
        let res = post_multipart(&app, &citizen, "/api/dossiers/supplement", &format!("/ho-so/{code}"), answer).await;
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        ok(app.form(&desk, "/api/desk/accept", &page, &[("code", &code)]).await);
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &last), Ok(()));
        let draft = events.iter().find(|e| e.action == "propose-supplement").unwrap();
        assert_eq!((draft.actor_role.as_str(), draft.from_status, draft.to_status), ("specialist", Some(4), 4));
        let request = events.iter().find(|e| e.action == "request-supplement").unwrap();
        assert_eq!((request.actor_role.as_str(), request.from_status), ("department-leader", Some(4)));
        let accepts: Vec<_> = events.iter().filter(|e| e.action == "accept").collect();
        assert_eq!(accepts.len(), 2);
        let due: Option<i64> = sqlx::query("select due_at from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert!(due.unwrap() > accepts[1].at_ms, "{backend:?}: a new appointment from the second acceptance");
    }
}

#[tokio::test]
async fn the_desk_enters_a_paper_supplement_and_a_written_withdrawal_through_the_same_rules() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Đỗ Văn Giấy", "045201000052", "0911000052").await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let page = format!("/mot-cua/ho-so/{code}");
        let component = p.components.iter().find(|c| c.required).unwrap().clone();
        // Asked at reception with a back-filled time beyond the 30-day window: refused at its field.
        let old = app::domain::vn_time::format_local_input(app::api::ctx::now_ms() - 40 * 86_400_000);
        let ask = |when: Option<&str>| {
            let mut f = Form::new()
                .text("code", code.clone())
                .text("reason", "Giấy chứng sinh không rõ số, cần bản rõ nét để đối chiếu")
                .text(format!("item:component:{}", component.id), "on");
            if let Some(w) = when {
                f = f.text("happened_at", w.to_string()).text("backfill_reason", "Mất kết nối, nhập lại từ sổ");
            }
            f
        };
        let res = post_multipart(&app, &desk, "/api/desk/request-supplement", &page, ask(Some(&old))).await;
        let keys = field_keys(&redirected_error(&res));
        assert!(keys.contains(&("happened_at".into(), "error-backfill-too-old".into())), "{backend:?} {keys:?}");
        let res = post_multipart(&app, &desk, "/api/desk/request-supplement", &page, ask(None)).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/02"), "{backend:?}");
        // The applicant brings the clear copy to the counter; the desk scans it in.
        let desk_page = desk.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
        assert!(desk_page.contains("/api/desk/answer-supplement"), "{backend:?}: the desk is offered the paper form");
        let scan = || {
            Form::new().text("code", code.clone()).part(
                format!("file_{}", component.id),
                Part::bytes(pdf("Ban giay ro net")).file_name("scan.pdf").mime_str("application/pdf").unwrap(),
            )
        };
        let stranger = app.login("045190000201", PASSWORD).await;
        let res = stranger.post(app.url("/api/desk/answer-supplement")).multipart(scan()).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}: another agency's desk");
        let res = post_multipart(&app, &desk, "/api/desk/answer-supplement", &page, scan()).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}?xong=1"), "{:?}", redirected_error(&res));
        let digitised: i64 = app
            .count(&format!(
                "select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id \
                 where d.code = '{code}' and f.replaced_at is null and f.digitised = 1"
            ))
            .await;
        assert_eq!(digitised, 1, "{backend:?}: the scan is marked digitised");
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &last), Ok(()));
        let back = events.last().unwrap();
        assert_eq!(
            (back.action.as_str(), back.actor_role.as_str(), back.to_status),
            ("return-supplement", "reception", 1)
        );
        // A second paper answer finds nothing open.
        let res = post_multipart(&app, &desk, "/api/desk/answer-supplement", &page, scan()).await;
        assert!(matches!(redirected_error(&res), app::error::AppError::Conflict(_)), "{backend:?}");
        // The applicant then asks in writing at the counter to withdraw it.
        // The desk's endpoint is the desk's: the applicant (who may withdraw on their own page) is
        // refused there, and a reason carrying a bidi control is refused at its field.
        let res = citizen
            .post(app.url("/api/desk/withdraw"))
            .form(&[("code", code.as_str()), ("withdraw_reason", "Tôi muốn rút hồ sơ của mình")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{backend:?}");
        let res = app
            .form(
                &desk,
                "/api/desk/withdraw",
                &page,
                &[("code", &code), ("withdraw_reason", "Đơn rút hồ sơ \u{202E} đảo chiều")],
            )
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), [("withdraw_reason".into(), "error-text-bidi".into())]);
        let res = app.form(&desk, "/api/desk/withdraw", &page, &[("code", &code), ("withdraw_reason", "ngắn")]).await;
        assert_eq!(field_keys(&redirected_error(&res)), [("withdraw_reason".into(), "error-reason-length".into())]);
        let reason = "Đơn đề nghị rút hồ sơ của người nộp ngày hôm nay";
        let res = app.form(&desk, "/api/desk/withdraw", &page, &[("code", &code), ("withdraw_reason", reason)]).await;
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        let status: i64 = sqlx::query("select status from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(status, 7, "{backend:?}: withdrawn");
        let mine: serde_json::Value =
            citizen.get(app.url(&format!("/api/dossiers/get?code={code}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(mine["status"], 7);
        assert!(mine.to_string().contains(reason), "{backend:?}: the applicant reads why it was withdrawn");
    }
}
