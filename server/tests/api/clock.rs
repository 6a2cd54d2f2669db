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
