use crate::support::*;

const COMMUNE: &str = "000.20.01.H45";

async fn due(app: &TestApp, query: &[(&str, &str)]) -> reqwest::Response {
    app.client().get(app.url("/api/clock/due")).query(query).send().await.unwrap()
}

async fn due_at(app: &TestApp, received_at: &str, days: &str) -> String {
    let res = due(app, &[("agency", COMMUNE), ("received_at", received_at), ("working_days", days)]).await;
    assert_eq!(res.status(), 200, "{received_at} + {days}");
    let body: serde_json::Value = res.json().await.unwrap();
    body["due_at"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_calculator_counts_working_days_of_the_agency_calendar() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        assert_eq!(due_at(&app, "2026-11-23T09:00:00+07:00", "1").await, "2026-11-24T09:00:00+07:00", "{backend:?}");
        assert_eq!(due_at(&app, "2026-11-23T02:00:00Z", "1").await, "2026-11-24T09:00:00+07:00");
        assert_eq!(
            due_at(&app, "2026-11-26T10:00:00+07:00", "3").await,
            "2026-12-01T10:00:00+07:00",
            "weekend skipped"
        );
        assert_eq!(due_at(&app, "2026-11-23T07:30:00+07:00", "0.5").await, "2026-11-23T11:15:00+07:00", "half a day");
        assert_eq!(due_at(&app, "2026-02-12T10:00:00+07:00", "3").await, "2026-02-24T10:00:00+07:00", "Tết skipped");
        assert_eq!(
            due_at(&app, "2026-11-23T20:00:00+07:00", "1").await,
            "2026-11-24T17:00:00+07:00",
            "evening counts from the next morning"
        );
        let paper = due(
            &app,
            &[
                ("agency", COMMUNE),
                ("received_at", "2026-11-23T15:30:00+07:00"),
                ("working_days", "1"),
                ("channel", "counter"),
            ],
        )
        .await;
        let body: serde_json::Value = paper.json().await.unwrap();
        assert_eq!(body["due_at"], "2026-11-24T17:00:00+07:00", "paper after 15:00 counts from the next morning");
    }
}

#[tokio::test]
async fn an_agency_day_off_moves_the_due_date() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        sqlx::query(
            "insert into calendar_days (agency_code, day, kind, note) values ($1, '2026-11-24', 'off', 'Nghỉ bù')",
        )
        .bind(COMMUNE)
        .execute(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(due_at(&app, "2026-11-23T09:00:00+07:00", "1").await, "2026-11-25T09:00:00+07:00", "{backend:?}");
    }
}

#[tokio::test]
async fn bad_calculator_input_gets_a_clear_client_error() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 6] = [
        (
            &[("agency", "KHONG-CO"), ("received_at", "2026-11-23T09:00:00+07:00"), ("working_days", "1")],
            "agency",
            "error-agency-unknown",
        ),
        (
            &[("agency", COMMUNE), ("received_at", "2026-11-23T09:00:00"), ("working_days", "1")],
            "received_at",
            "error-datetime",
        ),
        (&[("agency", COMMUNE), ("received_at", "hôm qua"), ("working_days", "1")], "received_at", "error-datetime"),
        (
            &[("agency", COMMUNE), ("received_at", "2026-11-23T09:00:00+07:00"), ("working_days", "-1")],
            "working_days",
            "error-working-days",
        ),
        (
            &[("agency", COMMUNE), ("received_at", "2026-11-23T09:00:00+07:00"), ("working_days", "0")],
            "working_days",
            "error-working-days",
        ),
        (
            &[("agency", COMMUNE), ("received_at", "2026-11-23T09:00:00+07:00"), ("working_days", "ba")],
            "working_days",
            "error-working-days",
        ),
    ];
    for (query, field, key) in cases {
        let res = due(&app, query).await;
        assert_eq!(res.status(), 400, "{query:?}");
        let body: serde_json::Value = res.json().await.unwrap();
        let e = &body["Invalid"]["errors"][0];
        assert_eq!((e["field"].as_str().unwrap(), e["key"].as_str().unwrap()), (field, key), "{body}");
        assert!(e["message"].as_str().unwrap().len() > 10, "a human message comes with the key: {body}");
    }
    let missing = app.client().get(app.url("/api/clock/due?agency=x")).send().await.unwrap();
    assert_eq!(missing.status(), 400);
}

#[tokio::test]
async fn the_calculator_page_works_without_javascript() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let html = app
        .client()
        .get(app.url(&format!("/tinh-han?agency={COMMUNE}&received_at=2026-11-23T09:00&working_days=1&channel=online")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("24/11/2026 09:00"), "the due date is on the page");
    let bad = app
        .client()
        .get(app.url(&format!("/tinh-han?agency={COMMUNE}&received_at=&working_days=x")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    assert!(bad.text().await.unwrap().contains("Số ngày làm việc phải là số dương"));
}

const CENTRE_ADMIN: &str = "045192000205";
const COMMUNE_ADMIN: &str = "045090000105";

async fn set_day(app: &TestApp, who: &reqwest::Client, day: &str, kind: &str, note: &str) -> reqwest::Response {
    app.form(who, "/api/admin/calendar-day", "/mot-cua/lich", &[("day", day), ("kind", kind), ("note", note)]).await
}

#[tokio::test]
async fn administrators_edit_the_calendar_with_a_record_and_new_deadlines_follow_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let province = app.login(CENTRE_ADMIN, "canbo2026").await;
        let commune = app.login(COMMUNE_ADMIN, "canbo2026").await;
        let desk = app.login("045185000101", "canbo2026").await;
        assert_eq!(desk.get(app.url("/api/admin/calendar")).send().await.unwrap().status(), 403, "{backend:?}");
        assert_eq!(app.client().get(app.url("/api/admin/calendar")).send().await.unwrap().status(), 401);
        let res = desk
            .post(app.url("/api/admin/calendar-day"))
            .form(&[("day", "2027-03-10"), ("kind", "off"), ("note", "Nghỉ")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{backend:?}: only administrators");

        // Bad entries are named at their field and change nothing.
        let changes = || app.count("select count(*) from calendar_changes");
        let before = (changes().await, app.count("select count(*) from calendar_days").await);
        for (day, kind, note, field, key) in [
            ("2027-03-13", "off", "Nghỉ lễ", "day", "error-calendar-off-weekend"),
            ("2027-03-10", "work", "Làm bù", "day", "error-calendar-work-weekday"),
            ("2027-02-30", "off", "Nghỉ lễ", "day", "error-date"),
            ("2027-03-10", "off", "", "note", "error-required"),
            ("2027-03-10", "holiday", "Nghỉ lễ", "kind", "error-select"),
        ] {
            let res = set_day(&app, &province, day, kind, note).await;
            assert_eq!(
                field_keys(&redirected_error(&res)),
                [(field.to_string(), key.to_string())],
                "{backend:?}: {day} {kind}"
            );
        }
        assert_eq!((changes().await, app.count("select count(*) from calendar_days").await), before);

        assert_eq!(due_at(&app, "2027-03-09T09:00:00+07:00", "1").await, "2027-03-10T09:00:00+07:00", "{backend:?}");
        let res = set_day(&app, &province, "2027-03-10", "off", "Nghỉ theo quyết định của UBND tỉnh").await;
        assert_eq!(location(&res), "/mot-cua/lich?nam=2027&xong=1", "{backend:?}");
        assert_eq!(
            due_at(&app, "2027-03-09T09:00:00+07:00", "1").await,
            "2027-03-11T09:00:00+07:00",
            "{backend:?}: the new day off is skipped by every agency"
        );
        // A commune works one Saturday in compensation: its own clock counts it.
        let res = set_day(&app, &commune, "2027-03-13", "work", "Làm bù cho ngày nghỉ 10/3").await;
        assert_eq!(location(&res), "/mot-cua/lich?nam=2027&xong=1", "{backend:?}");
        assert_eq!(due_at(&app, "2027-03-12T09:00:00+07:00", "1").await, "2027-03-13T09:00:00+07:00", "{backend:?}");

        let view: app::api::calendar::CalendarView =
            commune.get(app.url("/api/admin/calendar?year=2027")).send().await.unwrap().json().await.unwrap();
        assert_eq!(view.scope, COMMUNE);
        assert!(
            view.days.iter().any(|d| d.day == "2027-03-10" && d.agency_code.is_empty()),
            "inherits the province's day"
        );
        assert!(
            view.days.iter().any(|d| d.day == "2027-02-08" && d.note == "Tết Nguyên đán Đinh Mùi"),
            "{backend:?}: the seeded days carry their names"
        );
        assert!(view.days.iter().any(|d| d.day == "2027-03-13" && d.kind == "work" && d.agency_code == COMMUNE));
        assert_eq!(view.changes.len(), 1, "{backend:?}: the commune's own record");
        assert_eq!(view.changes[0].day, "2027-03-13");
        let province_view: app::api::calendar::CalendarView =
            province.get(app.url("/api/admin/calendar?year=2027")).send().await.unwrap().json().await.unwrap();
        assert!(province_view.scope.is_empty() && province_view.days.iter().all(|d| d.agency_code.is_empty()));
        assert_eq!(province_view.changes[0].kind, "off");

        // A commune cannot remove the province's day; it removes its own, on the record.
        let res = set_day(&app, &commune, "2027-03-10", "remove", "").await;
        assert!(location(&res).contains("__err"), "{backend:?}: not the commune's to remove");
        let res = set_day(&app, &commune, "2027-03-13", "remove", "").await;
        assert_eq!(location(&res), "/mot-cua/lich?nam=2027&xong=1");
        assert_eq!(due_at(&app, "2027-03-12T09:00:00+07:00", "1").await, "2027-03-15T09:00:00+07:00", "{backend:?}");
        assert_eq!(changes().await, before.0 + 3);
        let page = commune.get(app.url("/mot-cua/lich?nam=2027")).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("Làm bù cho ngày nghỉ 10/3") && page.contains("Đã bỏ"),
            "{backend:?}: the page shows the record"
        );
    }
}

#[tokio::test]
async fn the_paper_cut_off_is_an_administrators_setting_on_the_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let paper_due = || async {
            let res = due(
                &app,
                &[
                    ("agency", COMMUNE),
                    ("received_at", "2026-11-23T15:30:00+07:00"),
                    ("working_days", "1"),
                    ("channel", "counter"),
                ],
            )
            .await;
            let body: serde_json::Value = res.json().await.unwrap();
            body["due_at"].as_str().unwrap().to_string()
        };
        assert_eq!(paper_due().await, "2026-11-24T17:00:00+07:00", "{backend:?}: 15:00 by default");
        let desk = app.login("045185000101", "canbo2026").await;
        let res = desk.post(app.url("/api/admin/paper-cutoff")).form(&[("cutoff", "16:00")]).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}: administrators only");
        let admin = app.login(COMMUNE_ADMIN, "canbo2026").await;
        for (bad, key) in [("25:00", "error-time"), ("9h", "error-time"), ("08:00", "error-cutoff-range")] {
            let res = app.form(&admin, "/api/admin/paper-cutoff", "/mot-cua/lich", &[("cutoff", bad)]).await;
            assert_eq!(
                field_keys(&redirected_error(&res)),
                [("cutoff".to_string(), key.to_string())],
                "{backend:?}: {bad}"
            );
        }
        let res = app.form(&admin, "/api/admin/paper-cutoff", "/mot-cua/lich", &[("cutoff", "16:00")]).await;
        assert_eq!(location(&res), "/mot-cua/lich?xong=1", "{backend:?}");
        assert_eq!(paper_due().await, "2026-11-24T15:30:00+07:00", "{backend:?}: 15:30 is before the new cut-off");
        let view: app::api::calendar::CalendarView =
            admin.get(app.url("/api/admin/calendar")).send().await.unwrap().json().await.unwrap();
        assert_eq!(view.paper_cutoff, "16:00");
        assert!(
            view.changes.iter().any(|c| c.kind == "paper-cutoff" && c.note == "16:00"),
            "{backend:?}: on the record"
        );
        // The centre's administrator sets the centre's own cut-off; Đông Hà keeps its own.
        let centre = app.login(CENTRE_ADMIN, "canbo2026").await;
        let res = app.form(&centre, "/api/admin/paper-cutoff", "/mot-cua/lich", &[("cutoff", "14:00")]).await;
        assert_eq!(location(&res), "/mot-cua/lich?xong=1");
        let view: app::api::calendar::CalendarView =
            centre.get(app.url("/api/admin/calendar")).send().await.unwrap().json().await.unwrap();
        assert_eq!((view.scope.as_str(), view.paper_cutoff.as_str()), ("", "14:00"));
        assert_eq!(paper_due().await, "2026-11-24T15:30:00+07:00", "{backend:?}: Đông Hà unchanged");
    }
}
