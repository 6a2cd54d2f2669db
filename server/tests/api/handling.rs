//! Handling after reception: transfer, assignment, appraisal, review, approval, result and
//! delivery; sending back, refusal after appraisal, liên thông, the apology slip, urging,
//! stopping, withdrawal and back-filled actions. Each on SQLite and PostgreSQL.

use crate::support::*;
use app::domain::history::verify;
use reqwest::multipart::{Form, Part};
use reqwest::Client;
use sqlx::Row;

pub(crate) const PASSWORD: &str = "canbo2026";
const DONG_HA: &str = "000.20.01.H45";
const RECEPTION: &str = "045185000101";
const VP_SPECIALIST: &str = "045085000102";
const VP_LEADER: &str = "045185000103";
pub(crate) const AGENCY_LEADER: &str = "045080000104";
const KT_LEADER: &str = "045184000107";
const CENTRE_RECEPTION: &str = "045190000201";
const CONG_AN_LEADER: &str = "045183000302";
const CONG_AN_SPECIALIST: &str = "045087000301";
const CONG_AN_HEAD: &str = "045079000303";

/// The demo birth registration (unit VP) waiting at Phường Đông Hà's desk.
pub(crate) async fn birth_dossier(app: &TestApp) -> String {
    sqlx::query(
        "select d.code from dossiers d join procedures p on p.id = d.procedure_id \
         where d.receiving_agency = $1 and d.status = 1 and p.code = '1.001193' order by d.id limit 1",
    )
    .bind(DONG_HA)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .get(0)
}

struct State {
    status: i64,
    position: Option<i64>,
    agency: String,
    role: String,
    assignee: Option<i64>,
    events: i64,
}

async fn state(app: &TestApp, code: &str) -> State {
    let r = sqlx::query(
        "select status, step_position, current_agency, holder_role, assignee_id, event_count from dossiers where code = $1",
    )
    .bind(code)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    State {
        status: r.get(0),
        position: r.get(1),
        agency: r.get(2),
        role: r.get(3),
        assignee: r.get(4),
        events: r.get(5),
    }
}

async fn user_id(app: &TestApp, cccd: &str) -> i64 {
    sqlx::query("select id from users where cccd = $1").bind(cccd).fetch_one(&app.db.pool).await.unwrap().get(0)
}

/// Posts a desk form and expects the redirect back to the dossier (or a slip).
async fn act(app: &TestApp, who: &Client, path: &str, code: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![("code", code)];
    all.extend_from_slice(fields);
    app.form(who, path, &format!("/mot-cua/ho-so/{code}"), &all).await
}

pub(crate) async fn ok(app: &TestApp, who: &Client, path: &str, code: &str, fields: &[(&str, &str)]) {
    let res = act(app, who, path, code, fields).await;
    let loc = location(&res);
    assert_eq!(res.status(), 302, "{path}");
    assert!(!loc.contains("__err"), "{path} failed: {:?}", redirected_error(&res));
    assert!(loc.starts_with(&format!("/mot-cua/ho-so/{code}")), "{path} → {loc}");
}

/// A demo birth registration accepted, transferred to the VP unit and assigned to its specialist,
/// with the signed-in desk, unit leader and specialist.
struct Assigned {
    code: String,
    desk: Client,
    leader: Client,
    specialist: Client,
}

async fn assigned_birth_dossier(app: &TestApp) -> Assigned {
    let code = birth_dossier(app).await;
    let desk = app.login(RECEPTION, PASSWORD).await;
    let leader = app.login(VP_LEADER, PASSWORD).await;
    let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
    ok(app, &desk, "/api/desk/accept", &code, &[]).await;
    ok(app, &desk, "/api/desk/transfer", &code, &[]).await;
    let minh = user_id(app, VP_SPECIALIST).await.to_string();
    ok(app, &leader, "/api/desk/assign", &code, &[("specialist", &minh)]).await;
    Assigned { code, desk, leader, specialist }
}

fn appraisal(code: &str, proposal: &str, with_draft: bool) -> Form {
    let mut form = Form::new()
        .text("code", code.to_string())
        .text("note", "Hồ sơ đầy đủ, thông tin khớp sổ hộ tịch; đủ điều kiện giải quyết.")
        .text("proposal", proposal.to_string());
    if with_draft {
        let draft =
            Part::bytes(pdf("Trich luc khai sinh")).file_name("du-thao.pdf").mime_str("application/pdf").unwrap();
        form = form.part("file_0", draft);
    }
    form
}

async fn appraise(app: &TestApp, who: &Client, form: Form, code: &str) -> reqwest::Response {
    who.post(app.url("/api/desk/appraise"))
        .header("Accept", "text/html")
        .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Accepts, transfers, assigns the VP specialist and submits the appraisal with a draft result.
pub(crate) async fn to_review(app: &TestApp, code: &str) -> (Client, Client, Client) {
    let desk = app.login(RECEPTION, PASSWORD).await;
    let leader = app.login(VP_LEADER, PASSWORD).await;
    let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
    ok(app, &desk, "/api/desk/accept", code, &[]).await;
    ok(app, &desk, "/api/desk/transfer", code, &[]).await;
    let minh = user_id(app, VP_SPECIALIST).await.to_string();
    ok(app, &leader, "/api/desk/assign", code, &[("specialist", &minh)]).await;
    let res = appraise(app, &specialist, appraisal(code, "result", true), code).await;
    assert_eq!(res.status(), 302);
    assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
    (desk, leader, specialist)
}

#[tokio::test]
async fn a_dossier_goes_from_the_desk_through_the_unit_to_approval_and_back_to_the_desk() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position, s.role.as_str()), (2, Some(0), "reception"), "{backend:?}");

        ok(&app, &desk, "/api/desk/transfer", &code, &[]).await;
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position, s.role.as_str()), (4, Some(1), "department-leader"), "{backend:?}");

        let leader = app.login(VP_LEADER, PASSWORD).await;
        let inbox = leader.get(app.url("/mot-cua?tab=mine")).send().await.unwrap().text().await.unwrap();
        assert!(inbox.contains(&code), "{backend:?}: the unit leader finds it under 'my work'");
        let other_unit = app.login(KT_LEADER, PASSWORD).await;
        let inbox = other_unit.get(app.url("/mot-cua?tab=mine")).send().await.unwrap().text().await.unwrap();
        assert!(!inbox.contains(&code), "{backend:?}: not another unit's leader");
        let view = leader.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(view.contains("Phan Văn Minh"), "the unit's specialists are offered");
        let minh = user_id(&app, VP_SPECIALIST).await;
        ok(&app, &leader, "/api/desk/assign", &code, &[("specialist", &minh.to_string())]).await;
        let s = state(&app, &code).await;
        assert_eq!((s.position, s.role.as_str(), s.assignee), (Some(2), "specialist", Some(minh)), "{backend:?}");

        let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
        let missing = appraise(&app, &specialist, appraisal(&code, "result", false), &code).await;
        assert_eq!(field_keys(&redirected_error(&missing)), [("file_0".into(), "error-file-required".into())]);
        assert_eq!(state(&app, &code).await.events, 4, "{backend:?}: nothing saved");
        let res = appraise(&app, &specialist, appraisal(&code, "result", true), &code).await;
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        assert_eq!(state(&app, &code).await.role, "department-leader");

        ok(&app, &leader, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        let s = state(&app, &code).await;
        assert_eq!((s.position, s.role.as_str()), (Some(4), "agency-leader"), "{backend:?}");

        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        ok(&app, &head, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position, s.role.as_str(), s.agency.as_str()), (9, Some(5), "reception", DONG_HA));

        let inbox = desk.get(app.url("/mot-cua?tab=deliver")).send().await.unwrap().text().await.unwrap();
        assert!(inbox.contains(&code), "{backend:?}: the result waits at the desk");
        let owner = app.login("045095001234", "matkhau2026").await;
        let result_id: String =
            sqlx::query("select f.id from work_files f join dossiers d on d.id = f.dossier_id where d.code = $1")
                .bind(&code)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
                .get(0);
        let file = owner.get(app.url(&format!("/tep/{result_id}"))).send().await.unwrap();
        assert_eq!(file.status(), 200, "{backend:?}: the citizen gets the result once decided");

        ok(&app, &desk, "/api/desk/deliver", &code, &[("delivery", "counter")]).await;
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position), (10, None), "{backend:?}");

        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &last), Ok(()));
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["submit", "accept", "transfer", "assign", "submit-appraisal", "approve", "record-result", "deliver"]
        );
        let steps = app
            .count(&format!(
                "select count(*) from dossier_steps s join dossiers d on d.id = s.dossier_id where d.code = '{code}' and s.ended_at is not null"
            ))
            .await;
        assert_eq!(steps, 6, "{backend:?}: every step closed with its time");
        let sheet =
            desk.get(app.url(&format!("/mot-cua/ho-so/{code}/phieu/05"))).send().await.unwrap().text().await.unwrap();
        assert!(sheet.contains("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"));
        assert_eq!(
            sheet.matches("Trước hạn").count() + sheet.matches("Đúng hạn").count() + sheet.matches("Quá hạn").count(),
            6,
            "{backend:?}: each step early, on time or late"
        );
    }
}

#[tokio::test]
async fn every_handling_action_is_refused_to_the_public_citizens_other_agencies_and_wrong_roles() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let files_before = app.uploaded_files();
        let desk = app.login(RECEPTION, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        let anonymous = app.client();
        let citizen = app.login("045095001234", "matkhau2026").await;
        let other_agency = app.login(CENTRE_RECEPTION, PASSWORD).await;
        let wrong_role = app.login(VP_SPECIALIST, PASSWORD).await;
        let actions: [(&str, &[(&str, &str)]); 8] = [
            ("/api/desk/transfer", &[]),
            ("/api/desk/assign", &[("specialist", "1")]),
            ("/api/desk/decide", &[("decision", "approve")]),
            ("/api/desk/decide", &[("decision", "send-back"), ("reason", "Thiếu căn cứ pháp lý rõ ràng")]),
            ("/api/desk/deliver", &[("delivery", "counter")]),
            ("/api/desk/apologise", &[("new_due", "2027-01-04T09:00"), ("reason", "Cần xác minh thêm tại địa phương")]),
            ("/api/desk/urge", &[("note", "Đề nghị khẩn trương giải quyết")]),
            ("/api/desk/stop", &[("reason", "Có văn bản đề nghị dừng của cơ quan")]),
        ];
        for (path, fields) in actions {
            for (who, client, expected) in [
                ("anonymous", &anonymous, 401),
                ("citizen", &citizen, 403),
                ("other agency", &other_agency, 403),
                ("wrong role", &wrong_role, 403),
            ] {
                let mut all = vec![("code", code.as_str())];
                all.extend_from_slice(fields);
                let res = client.post(app.url(path)).form(&all).send().await.unwrap();
                assert_eq!(res.status(), expected, "{backend:?}: {who} {path}");
            }
        }
        let res = anonymous
            .post(app.url("/api/desk/appraise"))
            .multipart(appraisal(&code, "result", true))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let res = citizen
            .post(app.url("/api/desk/appraise"))
            .multipart(appraisal(&code, "result", true))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(app.uploaded_files(), files_before, "{backend:?}: refused uploads leave no file");
        assert_eq!(state(&app, &code).await.events, 2, "{backend:?}: nothing happened");
        let view = other_agency.get(app.url(&format!("/api/desk/dossier?code={code}"))).send().await.unwrap();
        assert_eq!(view.status(), 403);
    }
}

#[tokio::test]
async fn only_the_assigned_specialist_appraises_and_a_step_is_done_once() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let leader = app.login(VP_LEADER, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        ok(&app, &desk, "/api/desk/transfer", &code, &[]).await;
        let again = act(&app, &desk, "/api/desk/transfer", &code, &[]).await;
        assert!(location(&again).contains("__err"), "{backend:?}: transferred once");
        let kt_specialist = user_id(&app, "045086000106").await.to_string();
        let res = act(&app, &leader, "/api/desk/assign", &code, &[("specialist", &kt_specialist)]).await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [("specialist".into(), "error-required".into())],
            "{backend:?}: only the unit's own specialists"
        );
        let minh = user_id(&app, VP_SPECIALIST).await.to_string();
        ok(&app, &leader, "/api/desk/assign", &code, &[("specialist", &minh)]).await;
        let kt = app.login("045086000106", PASSWORD).await;
        let res =
            kt.post(app.url("/api/desk/appraise")).multipart(appraisal(&code, "result", true)).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}: another specialist may not appraise");
        let res = leader
            .post(app.url("/api/desk/assign"))
            .form(&[("code", code.as_str()), ("specialist", minh.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{backend:?}: the assignment step is over");
    }
}

#[tokio::test]
async fn a_leader_sends_the_draft_back_to_the_same_specialist_with_a_reason() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let (_, leader, specialist) = to_review(&app, &code).await;
        let res = act(&app, &leader, "/api/desk/decide", &code, &[("decision", "send-back"), ("reason", "sai")]).await;
        assert_eq!(field_keys(&redirected_error(&res)), [("send_back_reason".into(), "error-reason-length".into())]);
        let before = state(&app, &code).await.events;
        ok(
            &app,
            &leader,
            "/api/desk/decide",
            &code,
            &[("decision", "send-back"), ("reason", "Ghi sai ngày sinh trong dự thảo")],
        )
        .await;
        let s = state(&app, &code).await;
        assert_eq!((s.position, s.events), (Some(2), before + 1), "{backend:?}");
        assert_eq!(s.assignee, Some(user_id(&app, VP_SPECIALIST).await), "{backend:?}: back to the same specialist");
        let res = appraise(&app, &specialist, appraisal(&code, "result", true), &code).await;
        assert!(!location(&res).contains("__err"));
        let outcomes = app
            .count(&format!(
                "select count(*) from dossier_steps s join dossiers d on d.id = s.dossier_id where d.code = '{code}' and s.outcome = 'sent-back'"
            ))
            .await;
        assert_eq!(outcomes, 1);
    }
}

#[tokio::test]
async fn a_refusal_proposed_at_appraisal_is_decided_by_the_agency_leader_with_form_03() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let Assigned { code, desk: _, leader, specialist } = assigned_birth_dossier(&app).await;
        let res = appraise(&app, &specialist, appraisal(&code, "refuse", false), &code).await;
        assert!(!location(&res).contains("__err"), "{backend:?}: a refusal needs no draft");
        // The leader's desk reads the specialist's own words as the opinion, and the history
        // written out, without the events' payloads.
        let view: serde_json::Value =
            leader.get(app.url(&format!("/api/desk/dossier?code={code}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(
            view["opinion"][0], "Hồ sơ đầy đủ, thông tin khớp sổ hộ tịch; đủ điều kiện giải quyết.",
            "{backend:?}: the opinion as written"
        );
        let events = view["dossier"]["events"].as_array().unwrap();
        assert!(events.iter().all(|e| e["payload"].is_null()), "{backend:?}: no payloads to the desk");
        assert!(
            events.iter().any(|e| e["note"].as_str().unwrap().starts_with("Đề xuất từ chối: ")),
            "{backend:?}: the history reads as written out"
        );
        ok(&app, &leader, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        let res = act(&app, &head, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/03"), "{backend:?}");
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position, s.agency.as_str()), (3, None, DONG_HA));
        let slip = head.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(slip.contains("thông tin khớp sổ hộ tịch"), "{backend:?}: the reason is printed");
    }
}

#[tokio::test]
async fn marriage_with_a_foreign_element_goes_to_cong_an_and_the_result_returns_to_the_receiving_desk() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let citizen = app.citizen("Trần Quốc Việt", "045201000031", "0911000031").await;
        let p = app.db.procedure("2.000806").await.unwrap().unwrap();
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let code = location(&res).split('/').nth(2).unwrap().to_string();
        let desk = app.login(RECEPTION, PASSWORD).await;
        let leader = app.login(VP_LEADER, PASSWORD).await;
        let specialist = app.login(VP_SPECIALIST, PASSWORD).await;
        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        ok(&app, &desk, "/api/desk/transfer", &code, &[]).await;
        let minh = user_id(&app, VP_SPECIALIST).await.to_string();
        ok(&app, &leader, "/api/desk/assign", &code, &[("specialist", &minh)]).await;
        let res = appraise(&app, &specialist, appraisal(&code, "result", true), &code).await;
        assert!(!location(&res).contains("__err"));
        ok(&app, &leader, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        ok(&app, &head, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        let s = state(&app, &code).await;
        assert_eq!(
            (s.status, s.agency.as_str(), s.role.as_str()),
            (4, "000.00.19.H45", "department-leader"),
            "{backend:?}: handed to Công an"
        );

        let police = app.login(CONG_AN_LEADER, PASSWORD).await;
        let inbox = police.get(app.url("/mot-cua?tab=mine")).send().await.unwrap().text().await.unwrap();
        assert!(inbox.contains(&code), "{backend:?}: in Công an's inbox");
        let son = user_id(&app, CONG_AN_SPECIALIST).await.to_string();
        ok(&app, &police, "/api/desk/assign", &code, &[("specialist", &son)]).await;
        let verifier = app.login(CONG_AN_SPECIALIST, PASSWORD).await;
        let res = appraise(&app, &verifier, appraisal(&code, "result", true), &code).await;
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        let police_head = app.login(CONG_AN_HEAD, PASSWORD).await;
        ok(&app, &police_head, "/api/desk/decide", &code, &[("decision", "approve")]).await;
        let s = state(&app, &code).await;
        assert_eq!(
            (s.status, s.agency.as_str(), s.role.as_str()),
            (9, DONG_HA, "reception"),
            "{backend:?}: back at the receiving desk"
        );
        let agencies = texts(
            &app,
            "select s.agency_code from dossier_steps s join dossiers d on d.id = s.dossier_id where d.code = $1 order by s.id",
            &code,
        )
        .await;
        assert_eq!(
            agencies.iter().filter(|a| *a == "000.00.19.H45").count(),
            3,
            "{backend:?}: every hand-off recorded"
        );
        assert_eq!(agencies.last().map(String::as_str), Some(DONG_HA));
    }
}

#[tokio::test]
async fn the_apology_slip_moves_the_due_date_once_and_keeps_the_original() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        // A birth registration is due within one working day: make it due in ten, far enough
        // ahead that the apology is in time whatever day the test runs.
        let now = app::api::ctx::now_ms();
        let cal = app.db.calendar(DONG_HA).await.unwrap().unwrap();
        let due = app::domain::clock::due(
            &cal,
            cal.counting_start(now, false),
            app::domain::clock::Allowance::WorkingDays(10_000),
        );
        sqlx::query("update dossiers set original_due_at = $1, due_at = $1 where code = $2")
            .bind(due)
            .bind(&code)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let earlier = app::domain::vn_time::format_local_input(due - 86_400_000);
        let res = act(
            &app,
            &desk,
            "/api/desk/apologise",
            &code,
            &[("new_due", &earlier), ("reason", "Cần xác minh thêm tại địa phương")],
        )
        .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [("new_due".into(), "error-apology-not-later".into())],
            "{backend:?}"
        );
        let res =
            act(&app, &desk, "/api/desk/apologise", &code, &[("new_due", "2026-02-30T09:00"), ("reason", "ngắn")])
                .await;
        let keys = field_keys(&redirected_error(&res));
        assert!(
            keys.contains(&("new_due".into(), "error-date".into()))
                && keys.contains(&("apology_reason".into(), "error-reason-length".into())),
            "{keys:?}"
        );
        let later = app::domain::vn_time::format_local_input(due + 5 * 86_400_000);
        let res = act(
            &app,
            &desk,
            "/api/desk/apologise",
            &code,
            &[("new_due", &later), ("reason", "Cần xác minh thêm tại địa phương")],
        )
        .await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/04"), "{backend:?}");
        let r = sqlx::query("select original_due_at, due_at from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let (original, current): (i64, i64) = (r.get(0), r.get(1));
        assert_eq!(original, due, "{backend:?}: the original date is kept");
        assert_eq!(app::domain::vn_time::format_local_input(current), later);
        let slip = desk.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(
            slip.contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
                && slip.contains("Cần xác minh thêm tại địa phương")
        );
        assert!(
            slip.contains(&app::domain::vn_time::format_vn(original))
                && slip.contains(&app::domain::vn_time::format_vn(current))
        );
        let even_later = app::domain::vn_time::format_local_input(due + 9 * 86_400_000);
        let res = act(
            &app,
            &desk,
            "/api/desk/apologise",
            &code,
            &[("new_due", &even_later), ("reason", "Lại cần xác minh thêm lần nữa")],
        )
        .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [("new_due".into(), "error-apology-used".into())],
            "{backend:?}: only once"
        );
    }
}

#[tokio::test]
async fn a_back_filled_action_keeps_its_real_time_and_says_who_entered_it_and_why() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let submitted: i64 = sqlx::query("select submitted_at from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        let before = app::domain::vn_time::format_local_input(submitted - 3_600_000);
        let res = act(
            &app,
            &desk,
            "/api/desk/accept",
            &code,
            &[("happened_at", &before), ("backfill_reason", "Mất điện, tiếp nhận trên giấy")],
        )
        .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [("happened_at".into(), "error-backfill-before-last".into())],
            "{backend:?}"
        );
        let future = app::domain::vn_time::format_local_input(app::api::ctx::now_ms() + 86_400_000);
        let res =
            act(&app, &desk, "/api/desk/accept", &code, &[("happened_at", &future), ("backfill_reason", "")]).await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [
                ("happened_at".into(), "error-backfill-future".into()),
                ("backfill_reason".into(), "error-required".into())
            ]
        );
        assert_eq!(state(&app, &code).await.events, 1, "{backend:?}: nothing saved");
        let real = submitted + 30 * 60_000 - (submitted % 60_000);
        let real_text = app::domain::vn_time::format_local_input(real);
        ok(
            &app,
            &desk,
            "/api/desk/accept",
            &code,
            &[("happened_at", &real_text), ("backfill_reason", "Mất điện, tiếp nhận trên giấy")],
        )
        .await;
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Ok(()), "{backend:?}: the reason is part of the chain");
        let e = events.last().unwrap();
        assert_eq!(e.at_ms, real);
        assert!(e.recorded_at_ms > e.at_ms);
        assert_eq!(e.backfill_reason.as_deref(), Some("Mất điện, tiếp nhận trên giấy"));
        let accepted: i64 = sqlx::query("select accepted_at from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(accepted, real, "{backend:?}: the clock runs from the real time");
        let page = desk.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Nhập bù lúc"), "the history shows it was back-filled");
    }
}

#[tokio::test]
async fn leaders_urge_and_stop_and_citizens_withdraw_on_the_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        ok(&app, &desk, "/api/desk/transfer", &code, &[]).await;
        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        ok(&app, &head, "/api/desk/urge", &code, &[("note", "Đề nghị Văn phòng phân công ngay trong sáng nay")]).await;
        let urged =
            app.count(&format!("select count(*) from dossiers where code = '{code}' and urged_at is not null")).await;
        assert_eq!(urged, 1);
        let stranger = app.citizen("Người Lạ", "045201000032", "0911000032").await;
        let res = stranger
            .post(app.url("/api/dossiers/withdraw"))
            .form(&[("code", code.as_str()), ("reason", "Tôi muốn rút hồ sơ này")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{backend:?}: not someone else's dossier");
        let owner = app.login("045095001234", "matkhau2026").await;
        let res = app
            .form(&owner, "/api/dossiers/withdraw", &format!("/ho-so/{code}"), &[("code", &code), ("reason", "ngắn")])
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), [("reason".into(), "error-reason-length".into())]);
        let res = app
            .form(
                &owner,
                "/api/dossiers/withdraw",
                &format!("/ho-so/{code}"),
                &[("code", &code), ("reason", "Gia đình đã đăng ký ở nơi khác")],
            )
            .await;
        assert_eq!(location(&res), format!("/ho-so/{code}"), "{backend:?}");
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position), (7, None));
        let res = act(&app, &head, "/api/desk/stop", &code, &[("reason", "Có văn bản đề nghị dừng của cơ quan")]).await;
        assert_eq!(res.status(), 302);
        assert!(location(&res).contains("__err"), "{backend:?}: a withdrawn dossier cannot be stopped");
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &last), Ok(()));
        assert_eq!(
            events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["submit", "accept", "transfer", "urge", "withdraw"]
        );
    }
}

#[tokio::test]
async fn the_inbox_filters_pages_and_marks_overdue_dossiers() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        sqlx::query("update dossiers set due_at = $1 where code = $2")
            .bind(app::api::ctx::now_ms() - 3_600_000)
            .bind(&code)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let overdue = desk
            .get(app.url("/api/desk/inbox?tab=overdue"))
            .send()
            .await
            .unwrap()
            .json::<app::api::desk::InboxView>()
            .await
            .unwrap();
        assert_eq!(overdue.rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), [code.as_str()], "{backend:?}");
        assert_eq!(overdue.counts.iter().find(|(t, _)| t == "overdue").map(|(_, n)| *n), Some(1));
        let head = app.login(AGENCY_LEADER, PASSWORD).await;
        let page = head.get(app.url("/mot-cua?tab=overdue")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&code) && page.contains("Quá hạn"), "{backend:?}: leaders see the overdue list");
        let receive = desk
            .get(app.url("/api/desk/inbox?tab=receive&procedure=2.000815&channel=online"))
            .send()
            .await
            .unwrap()
            .json::<app::api::desk::InboxView>()
            .await
            .unwrap();
        assert!(
            receive.rows.iter().all(|r| r.procedure.vi.starts_with("Chứng thực bản sao")),
            "{backend:?}: filtered by procedure"
        );
        assert_eq!(receive.total, receive.rows.len() as i64);
        let none = desk
            .get(app.url("/api/desk/inbox?tab=receive&from=2020-01-01&to=2020-01-31"))
            .send()
            .await
            .unwrap()
            .json::<app::api::desk::InboxView>()
            .await
            .unwrap();
        assert_eq!(none.total, 0, "{backend:?}: by date range");
        let bad = desk.get(app.url("/api/desk/inbox?from=2026-13-45")).send().await.unwrap();
        assert_eq!(bad.status(), 400, "{backend:?}: a bad date is the user's error");
        let far = desk
            .get(app.url("/api/desk/inbox?tab=done&page=99"))
            .send()
            .await
            .unwrap()
            .json::<app::api::desk::InboxView>()
            .await
            .unwrap();
        assert!(far.rows.is_empty(), "{backend:?}: a page past the end is empty, not an error");
    }
}

const KT_SPECIALIST: &str = "045086000106";
const CONG_AN: &str = "000.00.19.H45";

fn consultation(code: &str, units: &[(&str, &str)], days: &str, question: &str) -> Form {
    let mut form = Form::new()
        .text("code", code.to_string())
        .text("days", days.to_string())
        .text("question", question.to_string());
    for (agency, unit) in units {
        form = form.text(format!("unit:{agency}|{unit}"), "on");
    }
    form
}

async fn consult(app: &TestApp, who: &Client, code: &str, form: Form) -> reqwest::Response {
    who.post(app.url("/api/desk/consult"))
        .header("Accept", "text/html")
        .header("Referer", app.url(&format!("/mot-cua/ho-so/{code}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_specialist_consults_units_in_parallel_each_answering_once_within_its_own_deadline() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let Assigned { code, desk, leader, specialist } = assigned_birth_dossier(&app).await;
        let question = "Đề nghị cho ý kiến về nơi cư trú của người mẹ và thông tin nhân thân.";
        let both = [(DONG_HA, "KT"), (CONG_AN, "PC06")];

        // Only the assigned specialist asks; bad questions are named at their field.
        let anonymous = app.client();
        let res = anonymous
            .post(app.url("/api/desk/consult"))
            .multipart(consultation(&code, &both, "2", question))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{backend:?}");
        let kt = app.login(KT_SPECIALIST, PASSWORD).await;
        let citizen = app.login("045095001234", "matkhau2026").await;
        let other_agency = app.login(CENTRE_RECEPTION, PASSWORD).await;
        for (who, client) in
            [("not the assigned specialist", &kt), ("a citizen", &citizen), ("another agency", &other_agency)]
        {
            let res = client
                .post(app.url("/api/desk/consult"))
                .multipart(consultation(&code, &both, "2", question))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{backend:?}: {who}");
        }
        let before = state(&app, &code).await.events;
        for (form, field, key) in [
            (consultation(&code, &[], "2", question), "units", "error-consult-units"),
            (consultation(&code, &[("000.00.99.H45", "XX")], "2", question), "units", "error-consult-units"),
            (consultation(&code, &both, "0", question), "days", "error-consult-days"),
            (consultation(&code, &both, "2", "Ý kiến?"), "question", "error-reason-length"),
        ] {
            let res = consult(&app, &specialist, &code, form).await;
            assert!(
                field_keys(&redirected_error(&res)).contains(&(field.to_string(), key.to_string())),
                "{backend:?}: {key}"
            );
        }
        assert_eq!(state(&app, &code).await.events, before, "{backend:?}: nothing recorded");

        let res = consult(&app, &specialist, &code, consultation(&code, &both, "2", question)).await;
        assert!(!location(&res).contains("__err"), "{:?}", redirected_error(&res));
        let view: app::api::desk::DeskDossierView = specialist
            .get(app.url(&format!("/api/desk/dossier?code={code}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(view.consultations.len(), 2, "{backend:?}: one per unit");
        assert!(view.consultations.iter().all(|c| c.answer.is_none() && c.due_at_ms > c.asked_at_ms));
        assert_eq!(view.dossier.status.code(), 4, "{backend:?}: the workflow goes on");

        // Each consulted unit finds the question in its inbox and answers it, once.
        let inbox: app::api::desk::InboxView =
            kt.get(app.url("/api/desk/inbox")).send().await.unwrap().json().await.unwrap();
        assert!(inbox.consultations.iter().any(|c| c.code == code), "{backend:?}: waiting for the KT unit");
        let kt_id = view.consultations.iter().find(|c| c.unit_code == "KT").unwrap().id.to_string();
        let police_id = view.consultations.iter().find(|c| c.agency_code == CONG_AN).unwrap().id.to_string();
        let answer = "Đã đối chiếu, thông tin cư trú của người mẹ là chính xác.";
        for (who, client) in [("another unit", &leader), ("a citizen", &citizen), ("another agency", &other_agency)] {
            let res = client
                .post(app.url("/api/desk/answer-consultation"))
                .form(&[("code", code.as_str()), ("consultation", &kt_id), ("answer", answer)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{backend:?}: {who} does not answer for KT");
        }
        let res = app
            .client()
            .post(app.url("/api/desk/answer-consultation"))
            .form(&[("code", code.as_str()), ("consultation", &kt_id), ("answer", answer)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{backend:?}");
        let res =
            act(&app, &kt, "/api/desk/answer-consultation", &code, &[("consultation", &kt_id), ("answer", "Đồng ý")])
                .await;
        assert_eq!(field_keys(&redirected_error(&res)), [("answer".to_string(), "error-text-length".to_string())]);
        ok(&app, &kt, "/api/desk/answer-consultation", &code, &[("consultation", &kt_id), ("answer", answer)]).await;
        let res = kt
            .post(app.url("/api/desk/answer-consultation"))
            .form(&[("code", code.as_str()), ("consultation", &kt_id), ("answer", answer)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409, "{backend:?}: answered once");
        let police = app.login(CONG_AN_SPECIALIST, PASSWORD).await;
        let seen = police.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap();
        assert_eq!(seen.status(), 200, "{backend:?}: the consulted agency may read the dossier");
        ok(
            &app,
            &police,
            "/api/desk/answer-consultation",
            &code,
            &[("consultation", &police_id), ("answer", "Không có thông tin bất thường về nhân thân.")],
        )
        .await;

        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &last), Ok(()));
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions[actions.len() - 3..], ["consult", "answer-consultation", "answer-consultation"]);
        assert_eq!(events.last().unwrap().agency, CONG_AN, "{backend:?}: answered for its own agency");
        let sheet =
            desk.get(app.url(&format!("/mot-cua/ho-so/{code}/phieu/05"))).send().await.unwrap().text().await.unwrap();
        assert!(sheet.contains(answer) && sheet.contains("Không có thông tin bất thường"), "{backend:?}: on Mẫu 05");
        let inbox: app::api::desk::InboxView =
            kt.get(app.url("/api/desk/inbox")).send().await.unwrap().json().await.unwrap();
        assert!(inbox.consultations.iter().all(|c| c.code != code), "{backend:?}: no longer waiting");
    }
}

#[tokio::test]
async fn when_the_route_is_known_the_desk_accepts_and_hands_on_in_one_post() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = birth_dossier(&app).await;
        let desk = app.login(RECEPTION, PASSWORD).await;
        let page = desk.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("name=\"and_transfer\""), "{backend:?}: the one-click button is offered");
        let res = act(&app, &desk, "/api/desk/accept", &code, &[("and_transfer", "1")]).await;
        assert_eq!(res.status(), 302, "{backend:?}");
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/01"), "{backend:?}: the receipt at once");
        let s = state(&app, &code).await;
        assert_eq!((s.status, s.position, s.role.as_str()), (4, Some(1), "department-leader"), "{backend:?}");
        // Two planned commands, two events, in order.
        let actions = texts(
            &app,
            "select e.action from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = $1 order by e.seq",
            &code,
        )
        .await;
        assert_eq!(actions[actions.len() - 2..], ["accept".to_string(), "transfer".to_string()], "{backend:?}");
    }
}

#[tokio::test]
async fn the_live_desk_tells_the_agencies_concerned_and_only_officers_may_listen() {
    use futures::StreamExt;
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // Not signed in, or a citizen: no stream.
        let anonymous = Client::new();
        assert_eq!(anonymous.get(app.url("/api/desk/live")).send().await.unwrap().status(), 401, "{backend:?}");
        let citizen = app.login("045095001234", "matkhau2026").await;
        assert_eq!(citizen.get(app.url("/api/desk/live")).send().await.unwrap().status(), 403, "{backend:?}");

        let desk = app.login(RECEPTION, PASSWORD).await;
        let other = app.login(CENTRE_RECEPTION, PASSWORD).await;
        let res = desk.get(app.url("/api/desk/live")).send().await.unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        assert_eq!(res.headers()["content-type"], "text/event-stream", "{backend:?}");
        let mut dong_ha = res.bytes_stream();
        let mut centre = other.get(app.url("/api/desk/live")).send().await.unwrap().bytes_stream();
        // A dossier accepted at Đông Hà: its desk hears of it, the centre's does not.
        let code = birth_dossier(&app).await;
        ok(&app, &desk, "/api/desk/accept", &code, &[]).await;
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), dong_ha.next()).await;
        let chunk = got.expect("Đông Hà's desk is told within seconds").unwrap().unwrap();
        assert!(String::from_utf8_lossy(&chunk).contains("event: changed"), "{backend:?}");
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(600), centre.next()).await;
        assert!(quiet.is_err(), "{backend:?}: another agency's desk hears nothing");
    }
}
