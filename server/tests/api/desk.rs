use crate::support::*;
use app::domain::clock::{due, Allowance};
use app::domain::history::verify;
use sqlx::Row;

const DONG_HA: &str = "000.20.01.H45";
const DONG_HA_RECEPTION: &str = "045185000101";
const DONG_HA_SPECIALIST: &str = "045085000102";
const CENTRE_RECEPTION: &str = "045190000201";
const PASSWORD: &str = "canbo2026";

/// The demo birth registration waiting at Phường Đông Hà's desk.
async fn waiting_dossier(app: &TestApp) -> String {
    let row = sqlx::query("select code from dossiers where receiving_agency = $1 and status = 1 order by id limit 1")
        .bind(DONG_HA)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    row.get(0)
}

async fn status_and_events(app: &TestApp, code: &str) -> (i64, i64) {
    let r = sqlx::query("select status, event_count from dossiers where code = $1")
        .bind(code)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (r.get(0), r.get(1))
}

#[tokio::test]
async fn reception_is_refused_to_the_public_to_citizens_and_to_other_agencies() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = waiting_dossier(&app).await;
        let anonymous = app.client();
        let citizen = app.login("045095001234", "matkhau2026").await;
        let other_agency = app.login(CENTRE_RECEPTION, PASSWORD).await;
        let wrong_role = app.login(DONG_HA_SPECIALIST, PASSWORD).await;
        for (who, client, expected) in
            [("anonymous", &anonymous, 401), ("citizen", &citizen, 403), ("other agency", &other_agency, 403)]
        {
            let view = client.get(app.url(&format!("/api/desk/dossier?code={code}"))).send().await.unwrap();
            assert_eq!(view.status(), expected, "{backend:?} {who} views");
            let accept =
                client.post(app.url("/api/desk/accept")).form(&[("code", code.as_str())]).send().await.unwrap();
            assert_eq!(accept.status(), expected, "{backend:?} {who} accepts");
            let refuse = client
                .post(app.url("/api/desk/refuse"))
                .form(&[("code", code.as_str()), ("reason", "Hồ sơ không thuộc thẩm quyền")])
                .send()
                .await
                .unwrap();
            assert_eq!(refuse.status(), expected, "{backend:?} {who} refuses");
        }
        let specialist =
            wrong_role.post(app.url("/api/desk/accept")).form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(specialist.status(), 403, "{backend:?}: only the desk receives");
        assert_eq!(anonymous.get(app.url("/api/desk/inbox")).send().await.unwrap().status(), 401);
        assert_eq!(citizen.get(app.url("/api/desk/inbox")).send().await.unwrap().status(), 403);
        let centre_inbox = other_agency.get(app.url("/api/desk/inbox")).send().await.unwrap().text().await.unwrap();
        assert!(!centre_inbox.contains(&code), "another agency's inbox does not list the dossier");
        assert_eq!(status_and_events(&app, &code).await, (1, 1), "{backend:?}: nothing changed");
    }
}

#[tokio::test]
async fn accepting_a_dossier_sets_its_appointment_from_the_clock() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = waiting_dossier(&app).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let inbox = officer.get(app.url("/mot-cua")).send().await.unwrap().text().await.unwrap();
        assert!(inbox.contains(&code), "{backend:?}: the dossier waits in the inbox");
        let res = app.form(&officer, "/api/desk/accept", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/01"), "{backend:?}");
        let r = sqlx::query("select status, accepted_at, original_due_at, due_at from dossiers where code = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let (status, accepted, original, current): (i64, i64, i64, i64) = (r.get(0), r.get(1), r.get(2), r.get(3));
        assert_eq!(status, 2);
        let cal = app.db.calendar(DONG_HA).await.unwrap().unwrap();
        let expected = due(&cal, cal.counting_start(accepted, false), Allowance::WorkingDays(1000));
        assert_eq!((original, current), (expected, expected), "{backend:?}: one working day on the agency calendar");
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Ok(()));
        let last = events.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.from_status, last.to_status, last.actor_role.as_str()),
            ("accept", Some(1), 2, "reception")
        );

        let slip = officer.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(slip.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") && slip.contains(&code));
        assert_eq!(slip.matches("<svg").count(), 2, "a QR code and a barcode");
        assert!(slip.contains(&app::domain::vn_time::format_vn(expected)), "the appointment is printed");

        let again = officer.post(app.url("/api/desk/accept")).form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(again.status(), 409, "{backend:?}: accepted only once");
        let owner = app.login("045095001234", "matkhau2026").await;
        let mine = owner.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains("Được tiếp nhận"), "the citizen sees the new status");
    }
}

#[tokio::test]
async fn refusing_needs_a_reason_that_goes_on_the_slip() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = waiting_dossier(&app).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let short = app
            .form(
                &officer,
                "/api/desk/refuse",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("reason", "thiếu")],
            )
            .await;
        assert_eq!(
            field_keys(&redirected_error(&short)),
            vec![("reason".into(), "error-reason-length".into())],
            "{backend:?}"
        );
        assert_eq!(status_and_events(&app, &code).await, (1, 1));
        let reason = "Giấy chứng sinh không hợp lệ theo Điều 16 Luật Hộ tịch";
        let res = app
            .form(
                &officer,
                "/api/desk/refuse",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("reason", reason)],
            )
            .await;
        assert_eq!(location(&res), format!("/mot-cua/ho-so/{code}/phieu/03"));
        assert_eq!(status_and_events(&app, &code).await, (3, 2), "{backend:?}");
        let slip = officer.get(app.url(&location(&res))).send().await.unwrap().text().await.unwrap();
        assert!(slip.contains("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ") && slip.contains(reason));
        let public =
            app.client().get(app.url(&format!("/tra-cuu?ma={code}"))).send().await.unwrap().text().await.unwrap();
        assert!(public.contains("Không được tiếp nhận"));
    }
}

#[tokio::test]
async fn officers_open_the_files_of_their_own_agency_only() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = waiting_dossier(&app).await;
    let file: String = sqlx::query(
        "select f.id from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1 limit 1",
    )
    .bind(&code)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .get(0);
    let own = app.login(DONG_HA_RECEPTION, PASSWORD).await;
    let res = own.get(app.url(&format!("/tep/{file}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("content-type").unwrap(), "application/pdf");
    let other = app.login(CENTRE_RECEPTION, PASSWORD).await;
    assert_eq!(other.get(app.url(&format!("/tep/{file}"))).send().await.unwrap().status(), 404);
}

fn row_codes(body: serde_json::Value) -> Vec<String> {
    body["rows"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["code"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Searches as an API client: the text is posted and kept, the inbox read with the search's id.
async fn search(app: &TestApp, who: &reqwest::Client, q: &str) -> serde_json::Value {
    let res = who.post(app.url("/api/desk/search")).form(&[("q", q)]).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let id: String = res.json().await.unwrap();
    who.get(app.url("/api/desk/inbox")).query(&[("tim", id)]).send().await.unwrap().json().await.unwrap()
}

/// Searches as the page's form does; the redirect's `Location`.
async fn search_page(app: &TestApp, who: &reqwest::Client, q: &str) -> String {
    let res = app.form(who, "/api/desk/search", "/mot-cua", &[("q", q)]).await;
    assert_eq!(res.status(), 302);
    location(&res)
}

#[tokio::test]
async fn the_desk_finds_a_dossier_by_code_name_without_diacritics_or_citizen_id() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = waiting_dossier(&app).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let other = app.login(CENTRE_RECEPTION, PASSWORD).await;
        let seq = code.rsplit('-').next().unwrap().to_string();
        for q in
            [code.as_str(), &code.to_lowercase(), "nguyen van an", "NGUYỄN VĂN", "045095001234", &format!("-{seq}")]
        {
            assert!(row_codes(search(&app, &officer, q).await).contains(&code), "{backend:?}: '{q}' finds the dossier");
            assert!(
                !row_codes(search(&app, &other, q).await).contains(&code),
                "{backend:?}: another agency never finds it"
            );
        }
        assert!(row_codes(search(&app, &officer, "khong co ai ten nay").await).is_empty());
        let found = search_page(&app, &officer, "nguyen van an").await;
        let page = officer.get(app.url(&found)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&code) && page.contains("khớp với"), "{backend:?}: the page shows the search");
        let long = search_page(&app, &officer, &"x".repeat(150)).await;
        let long = officer.get(app.url(&long)).send().await.unwrap();
        assert_eq!(long.status(), 400);
        assert!(
            long.text().await.unwrap().contains("Nội dung quá dài."),
            "{backend:?}: an overlong search is explained"
        );
    }
}

#[tokio::test]
async fn no_name_citizen_id_or_phone_searched_at_the_desk_reaches_a_url() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = waiting_dossier(&app).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        for q in ["045095001234", "Nguyễn Văn An", "0905 123 456"] {
            let to = search_page(&app, &officer, q).await;
            let id = to.strip_prefix("/mot-cua?tim=").unwrap_or_else(|| panic!("{backend:?}: {to}"));
            assert!(
                id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
                "{backend:?}: only an opaque id: {to}"
            );
            let page = officer.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
            assert!(!page.contains("search-expired"), "{backend:?}: '{q}' is kept");
            // The links of the page (tabs, pages) carry the search's id at most, never its text.
            for href in page.split("href=\"").skip(1).filter_map(|h| h.split('"').next()) {
                assert!(
                    !["045095001234", "Nguy", "?q=", "&q=", "0905+", "0905%20"].iter().any(|t| href.contains(t)),
                    "{backend:?}: {href}"
                );
            }
        }
        let by_cccd = search_page(&app, &officer, "045095001234").await;
        let page = officer.get(app.url(&by_cccd)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&code), "{backend:?}: the search by CCCD finds the dossier");
        assert!(page.contains("value=\"045095001234\""), "{backend:?}: the box shows what was searched");

        // Another officer's session, or a search no longer kept: a clear message and the tab.
        let colleague = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let unknown = format!("/mot-cua?tim={}", "0".repeat(32));
        for (who, link) in [(&colleague, &by_cccd), (&officer, &unknown)] {
            let page = who.get(app.url(link)).send().await.unwrap();
            assert_eq!(page.status(), 200, "{backend:?}");
            let page = page.text().await.unwrap();
            assert!(page.contains("search-expired") && page.contains("Vui lòng tìm lại"), "{backend:?}: {link}");
            assert!(!page.contains("045095001234"), "{backend:?}: nothing of the search shows");
        }
        let api = by_cccd.replace("/mot-cua", "/api/desk/inbox");
        let inbox = colleague.get(app.url(&api)).send().await.unwrap();
        let inbox: serde_json::Value = inbox.json().await.unwrap();
        assert_eq!(inbox["search_expired"], true, "{backend:?}");
        assert_eq!(inbox["filter"]["q"], "", "{backend:?}: an empty search");

        // An empty search is the inbox; a citizen cannot search.
        assert_eq!(search_page(&app, &officer, "   ").await, "/mot-cua");
        let citizen = app.login("045195004321", "matkhau2026").await;
        let res = citizen.post(app.url("/api/desk/search")).form(&[("q", "045095001234")]).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}");
    }
}

#[tokio::test]
async fn every_status_change_reaches_the_citizens_notifications() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = waiting_dossier(&app).await;
        let officer = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        app.form(&officer, "/api/desk/accept", &format!("/mot-cua/ho-so/{code}"), &[("code", &code)]).await;
        let owner = app.login("045095001234", "matkhau2026").await;
        let page = owner.get(app.url("/thong-bao")).send().await.unwrap().text().await.unwrap();
        let accepted = page.find("Tiếp nhận").expect("the acceptance is listed");
        let submitted = page.find("Nộp hồ sơ trực tuyến").expect("the submission is listed");
        assert!(accepted < submitted, "{backend:?}: newest first");
        assert!(page.contains(&code));
        let stranger = app.login("045195004321", "matkhau2026").await;
        let theirs = stranger.get(app.url("/thong-bao")).send().await.unwrap().text().await.unwrap();
        assert!(!theirs.contains(&code), "{backend:?}: only one's own dossiers");
        assert_eq!(app.client().get(app.url("/thong-bao")).send().await.unwrap().status(), 401);
    }
}
