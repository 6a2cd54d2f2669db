//! Who may see what (`app::policy`), asserted on what crosses the wire: the applicant's JSON
//! carries no officer-internal note, no back-fill reason of an internal action and no storage key.
//! Each on SQLite and PostgreSQL.

use crate::support::*;
use reqwest::multipart::{Form, Part};
use sqlx::Row;

const PASSWORD: &str = "canbo2026";
const DONG_HA: &str = "000.20.01.H45";
const RECEPTION: &str = "045185000101";
const VP_SPECIALIST: &str = "045085000102";
const VP_LEADER: &str = "045185000103";

const ASSIGN_REASON: &str = "Mất điện cả buổi sáng, phân công trên giấy";
const APPRAISAL_NOTE: &str = "Đối chiếu sổ hộ tịch: khớp thông tin người cha tại trang 12";
const URGE_NOTE: &str = "Đề nghị khẩn trương vì người dân đã hỏi nhiều lần";

async fn act(app: &TestApp, who: &reqwest::Client, path: &str, code: &str, fields: &[(&str, &str)]) {
    let mut all = vec![("code", code)];
    all.extend_from_slice(fields);
    let res = app.form(who, path, &format!("/mot-cua/ho-so/{code}"), &all).await;
    assert_eq!(res.status(), 302, "{path}");
    assert!(!location(&res).contains("__err"), "{path}: {:?}", redirected_error(&res));
}

#[tokio::test]
async fn the_applicants_json_carries_no_internal_note_back_fill_reason_or_storage_key() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let row = sqlx::query(
            "select d.code, u.cccd, d.submitted_at from dossiers d join procedures p on p.id = d.procedure_id \
             join users u on u.id = d.applicant_id \
             where d.receiving_agency = $1 and d.status = 1 and p.code = '1.001193' order by d.id limit 1",
        )
        .bind(DONG_HA)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        let (code, cccd): (String, String) = (row.get(0), row.get(1));
        let desk = app.login(RECEPTION, PASSWORD).await;
        let leader = app.login(VP_LEADER, PASSWORD).await;
        let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
        // Entered after the fact, minute by minute from the submission (the demo dossier was
        // submitted well before now).
        let submitted: i64 = row.get(2);
        let minute = |k: i64| app::domain::vn_time::format_local_input(submitted - submitted % 60_000 + k * 60_000);
        let (m1, m2, m3) = (minute(1), minute(2), minute(3));
        let late = "Nhập bù do mất kết nối mạng";
        act(&app, &desk, "/api/desk/accept", &code, &[("happened_at", &m1), ("backfill_reason", late)]).await;
        act(&app, &desk, "/api/desk/transfer", &code, &[("happened_at", &m2), ("backfill_reason", late)]).await;
        let minh: i64 = sqlx::query("select id from users where cccd = $1")
            .bind(VP_SPECIALIST)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        let minh = minh.to_string();
        let assign = [("specialist", minh.as_str()), ("happened_at", m3.as_str()), ("backfill_reason", ASSIGN_REASON)];
        act(&app, &leader, "/api/desk/assign", &code, &assign).await;
        let form = Form::new()
            .text("code", code.clone())
            .text("note", APPRAISAL_NOTE)
            .text("proposal", "result")
            .part("file_0", Part::bytes(pdf("Du thao")).file_name("du-thao.pdf").mime_str("application/pdf").unwrap());
        let res = specialist
            .post(app.url("/api/desk/appraise"))
            .header("Accept", "text/html")
            .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        act(&app, &leader, "/api/desk/urge", &code, &[("note", URGE_NOTE)]).await;

        let citizen = app.login(&cccd, "matkhau2026").await;
        for path in [format!("/api/dossiers/get?code={code}"), format!("/api/dossiers/acknowledgement?code={code}")] {
            let res = citizen.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{backend:?} {path}");
            let body = res.text().await.unwrap();
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            for secret in [APPRAISAL_NOTE, URGE_NOTE, ASSIGN_REASON, "Phân công", "storage_key"] {
                assert!(!body.contains(secret), "{backend:?} {path} shows {secret:?}");
            }
            let events = json.pointer("/events").or_else(|| json.pointer("/dossier/events")).unwrap();
            let actions: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
            assert!(
                actions.contains(&"assign") && actions.contains(&"submit-appraisal") && actions.contains(&"urge"),
                "{backend:?}: the applicant sees that the office acted: {actions:?}"
            );
        }
        let keys: Vec<String> = sqlx::query(
            "select f.storage_key from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1",
        )
        .bind(&code)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
        assert!(!keys.is_empty());
        let page = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        for secret in keys.iter().map(String::as_str).chain([APPRAISAL_NOTE, URGE_NOTE, ASSIGN_REASON]) {
            assert!(!page.contains(secret), "{backend:?}: the page shows {secret:?}");
        }
        // The desk still reads everything.
        let desk_page =
            leader.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(desk_page.contains(APPRAISAL_NOTE) && desk_page.contains(URGE_NOTE), "{backend:?}");
    }
}
