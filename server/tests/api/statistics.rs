//! Statistics (issue 15): `/api/thong-ke` counts a hand-computed month exactly, agrees with the
//! pure module applied to every raw row for any period, keeps the identity for the province,
//! each agency and each procedure, sums agencies to the province, refuses bad input at its field
//! and downloads its tables as CSV.

use crate::support::*;
use app::domain::channel::Channel;
use app::domain::clock::at;
use app::domain::statistics::{figures, Fact, Figures, Period};
use app::domain::status::DossierStatus as S;
use app::read::statistics::StatisticsView;

/// A fixture row: agency, channel, submitted, due, resolved, status.
type Fixture<'a> = (&'a str, &'a str, i64, Option<i64>, Option<i64>, S);

/// November 2025 (a finished month, whatever the day the test runs): a dossier per kind, at two
/// agencies, inserted as rows beside the demo's (which are all later).
async fn november_2025(app: &TestApp) -> (String, String) {
    use sqlx::Row;
    let p = birth(app).await;
    let citizen = app.citizen("Trần Văn Thống Kê", "045201000081", "0911000081").await;
    let res = post_dossier(app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
    assert!(location(&res).contains("/xac-nhan"), "{}", location(&res));
    let source: i64 = sqlx::query("select max(id) from dossiers where submitted_at is not null")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .get(0);
    let a: String = sqlx::query("select receiving_agency from dossiers where id = $1")
        .bind(source)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .get(0);
    let b: String = sqlx::query("select code from agencies where code <> $1 order by code limit 1")
        .bind(&a)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .get(0);
    let d = |day: u8, h: u16| at(2025, 11, day, h, 0);
    let oct = |day: u8| at(2025, 10, day, 9, 0);
    let dec = |day: u8| at(2025, 12, day, 9, 0);
    // (agency, channel, submitted, due, resolved, status)
    let rows: Vec<Fixture> = vec![
        (a.as_str(), "online", oct(20), Some(d(12, 17)), Some(d(10, 10)), S::Delivered),
        (a.as_str(), "counter", oct(25), Some(d(5, 17)), Some(d(5, 15)), S::ResultReady),
        (a.as_str(), "online", d(2, 9), Some(d(20, 17)), Some(d(20, 18)), S::Delivered),
        (a.as_str(), "online", d(3, 9), Some(d(25, 17)), Some(d(4, 9)), S::Refused),
        (b.as_str(), "postal", d(4, 9), Some(d(25, 17)), Some(d(6, 9)), S::Withdrawn),
        (b.as_str(), "counter", d(5, 9), Some(d(26, 17)), Some(d(7, 9)), S::Stopped),
        (a.as_str(), "online", d(20, 9), Some(dec(10)), Some(dec(2)), S::Delivered),
        (a.as_str(), "online", d(10, 9), Some(d(28, 17)), None, S::InHandling),
        (b.as_str(), "online", d(11, 9), Some(d(25, 17)), None, S::SupplementRequested),
        (a.as_str(), "counter", at(2025, 9, 1, 9, 0), Some(oct(1)), None, S::InHandling),
        // Not seen by November: resolved in October, received in December.
        (a.as_str(), "online", oct(1), Some(oct(20)), Some(oct(15)), S::Delivered),
        (b.as_str(), "online", dec(1), Some(dec(20)), None, S::Accepted),
    ];
    for (i, (agency, channel, submitted, due, resolved, status)) in rows.into_iter().enumerate() {
        sqlx::query(
            "insert into dossiers (code, idempotency_key, procedure_id, version_id, applicant_id, receiving_agency, \
             current_agency, channel, status, form_json, created_at, updated_at, submitted_at, accepted_at, due_at, resolved_at) \
             select $1, $2, procedure_id, version_id, applicant_id, $3, $3, $4, $5, form_json, $6, $6, $6, $6, $7, $8 \
             from dossiers where id = $9",
        )
        .bind(format!("TK-2025-{i:02}"))
        .bind(format!("statistics-fixture-{i}"))
        .bind(agency.to_string())
        .bind(channel)
        .bind(status.code())
        .bind(submitted)
        .bind(due)
        .bind(resolved)
        .bind(source)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    (a, b)
}

/// Every submitted row, as the pure module reads it, with its agency.
async fn raw_facts(app: &TestApp) -> Vec<(String, Fact)> {
    use sqlx::Row;
    sqlx::query(
        "select receiving_agency, channel, status, submitted_at, accepted_at, due_at, resolved_at from dossiers \
         where submitted_at is not null",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let fact = Fact {
            submitted_at: r.get("submitted_at"),
            accepted_at: r.get("accepted_at"),
            due_at: r.get("due_at"),
            resolved_at: r.get("resolved_at"),
            status: S::from_code(r.get("status")).unwrap(),
            channel: Channel::parse(&r.get::<String, _>("channel")).unwrap(),
        };
        (r.get("receiving_agency"), fact)
    })
    .collect()
}

async fn stats(app: &TestApp, query: &str) -> StatisticsView {
    let res = app.client().get(app.url(&format!("/api/thong-ke?{query}"))).send().await.unwrap();
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.unwrap()
}

fn assert_balanced(v: &StatisticsView) {
    assert!(v.figures.balances(), "{:?}", v.figures);
    let mut sum = Figures::default();
    for a in &v.agencies {
        assert!(a.figures.balances(), "{}: {:?}", a.code, a.figures);
        let mut procedures = Figures::default();
        for p in &a.procedures {
            assert!(p.figures.balances(), "{} {}: {:?}", a.code, p.code, p.figures);
            procedures.add(&p.figures);
        }
        assert_eq!(procedures, a.figures, "{}: the agency is the sum of its procedures", a.code);
        sum.add(&a.figures);
    }
    assert_eq!(sum, v.figures, "the province is the sum of its agencies");
}

#[tokio::test]
async fn statistics_count_a_month_by_hand_agree_with_the_pure_module_and_keep_the_identity() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (a, b) = november_2025(&app).await;
        let v = stats(&app, "from=2025-11-01&to=2025-11-30").await;
        let f = v.figures;
        assert_eq!((f.carried_over, f.received_new), (3, 7), "{backend:?} {f:?}");
        assert_eq!((f.received_online, f.received_counter, f.received_postal), (5, 1, 1), "{backend:?}");
        assert_eq!((f.resolved_early, f.resolved_on_time, f.resolved_late), (1, 1, 1), "{backend:?}");
        assert_eq!((f.refused, f.withdrawn, f.stopped), (1, 1, 1), "{backend:?}");
        assert_eq!((f.open_within_deadline, f.open_overdue, f.waiting_for_citizen), (2, 2, 1), "{backend:?}");
        assert_eq!((f.online_handled, f.online_handled_on_time), (3, 2), "{backend:?}");
        assert_balanced(&v);
        let codes: Vec<&str> = v.agencies.iter().map(|x| x.code.as_str()).collect();
        assert!(codes.contains(&a.as_str()) && codes.contains(&b.as_str()), "{backend:?} {codes:?}");
        // One agency asked for: its figures as the province's view gave them, and nobody else's.
        let only_b = stats(&app, &format!("from=2025-11-01&to=2025-11-30&agency={b}")).await;
        let b_in_all = v.agencies.iter().find(|x| x.code == b).unwrap();
        assert_eq!(only_b.figures, b_in_all.figures, "{backend:?}");
        assert_eq!(only_b.agencies.len(), 1);
        assert_eq!(only_b.agency.as_ref().map(|x| x.code.as_str()), Some(b.as_str()));
        assert_eq!((only_b.figures.withdrawn, only_b.figures.stopped, only_b.figures.open_within_deadline), (1, 1, 1));

        // Any period, the demo's dossiers included: SQL and the pure module agree row for row.
        let facts = raw_facts(&app).await;
        let now = app::domain::vn_time::iso_date(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64,
        );
        let year = &now[..4];
        for (from, to) in [
            ("2025-01-01".to_string(), "2025-12-31".to_string()),
            ("2025-11-15".to_string(), "2025-11-15".to_string()),
            ("2025-10-01".to_string(), "2025-12-31".to_string()),
            (format!("{year}-01-01"), now.clone()),
        ] {
            let v = stats(&app, &format!("from={from}&to={to}")).await;
            let (start, _) = app::domain::vn_time::day_bounds(&from).unwrap();
            let (_, end) = app::domain::vn_time::day_bounds(&to).unwrap();
            // Open dossiers of a period that ends today are judged now: read after the answer,
            // and no demo due date falls in the milliseconds between.
            let read_at =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
            let period = Period { from: start, to: end };
            let expected = figures(facts.iter().map(|(_, f)| f), period, read_at);
            // Processing times are summed in SQL the same way.
            assert_eq!(v.figures, expected, "{backend:?} {from}..{to}");
            for agency in &v.agencies {
                let mine = figures(facts.iter().filter(|(a, _)| *a == agency.code).map(|(_, f)| f), period, read_at);
                assert_eq!(agency.figures, mine, "{backend:?} {from}..{to} {}", agency.code);
            }
            assert_balanced(&v);
        }
    }
}

#[tokio::test]
async fn statistics_refuse_bad_periods_at_their_field_and_download_as_csv() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (a, _) = november_2025(&app).await;
        let c = app.client();
        for (query, field, key) in [
            ("from=2025-02-30&to=2025-03-01", "from", "error-stats-date"),
            ("from=2025-05-01&to=2025-04-30", "to", "error-stats-order"),
            ("from=1990-01-01&to=2025-01-01", "to", "error-stats-too-long"),
            ("from=2025-01-01&to=2025-01-31&agency=KHONG-CO", "agency", "error-stats-agency"),
        ] {
            let res = c.get(app.url(&format!("/api/thong-ke?{query}"))).send().await.unwrap();
            assert_eq!(res.status(), 400, "{backend:?} {query}");
            let e: app::error::AppError = res.json().await.unwrap();
            assert_eq!(field_keys(&e), [(field.to_string(), key.to_string())], "{backend:?} {query}");
            // The page shows the same message next to its field, with what was typed.
            let html = c.get(app.url(&format!("/thong-ke?{query}"))).send().await.unwrap().text().await.unwrap();
            assert!(html.contains(&format!("id=\"stats-{field}-error\"")), "{backend:?} {query}");
        }
        // Hostile input: no 5xx anywhere.
        let long = "9".repeat(5_000);
        for query in [
            format!("from={long}"),
            "from=%00%FF&to=%E2%80%AE".to_string(),
            format!("agency={long}"),
            "from=2025-01-01&from=2025-02-01".to_string(),
            "to=-0001-01-01".to_string(),
        ] {
            for path in ["/api/thong-ke", "/thong-ke", "/thong-ke/tai-ve"] {
                let res = c.get(app.url(&format!("{path}?bang=co-quan&{query}"))).send().await.unwrap();
                assert!(
                    res.status().as_u16() < 500,
                    "{backend:?} {path}?{}: {}",
                    &query[..query.len().min(40)],
                    res.status()
                );
            }
        }
        // The page for the month: the summary, the chart and both tables.
        let html =
            c.get(app.url("/thong-ke?from=2025-11-01&to=2025-11-30")).send().await.unwrap().text().await.unwrap();
        for part in [
            "data-testid=\"stats-summary\"",
            "<svg",
            "data-testid=\"stats-agencies\"",
            "data-testid=\"stats-services\"",
        ] {
            assert!(html.contains(part), "{backend:?}: {part}");
        }
        // CSV: a byte-order mark, a header, each agency and the total; Excel-safe.
        let res = c.get(app.url("/thong-ke/tai-ve?bang=co-quan&from=2025-11-01&to=2025-11-30")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("thong-ke-co-quan-2025-11-01-2025-11-30.csv"));
        let body = res.text().await.unwrap();
        assert!(body.starts_with('\u{feff}'));
        let lines: Vec<&str> = body.trim_start_matches('\u{feff}').trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 1 + 2 + 1, "{backend:?} {body}");
        assert!(lines[0].starts_with("Mã,Cơ quan,Kỳ trước chuyển sang,Tiếp nhận mới"), "{}", lines[0]);
        assert!(lines.iter().any(|l| l.starts_with(&format!("{a},"))));
        assert!(lines[3].starts_with(",Cộng,3,7,5,1,1,1,1,1,1,1,1,2,2,1,"), "{}", lines[3]);
        let res = c.get(app.url("/thong-ke/tai-ve?bang=dich-vu&from=2025-11-01&to=2025-11-30")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("1.001193,"));
        let res = c.get(app.url("/thong-ke/tai-ve?bang=khac")).send().await.unwrap();
        assert_eq!(res.status(), 400);
    }
}

#[tokio::test]
async fn the_766_index_scores_a_month_from_what_was_recorded_and_says_what_it_cannot_count() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (a, b) = november_2025(&app).await;
        let c = app.client();
        let res = c.get(app.url("/api/chi-so-766?period=2025-11")).send().await.unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        let v: serde_json::Value = res.json().await.unwrap();
        let all = v["indicators"].as_array().unwrap();
        assert_eq!(all.len(), 18, "{backend:?}");
        let ind = |code: &str| all.iter().find(|i| i["code"] == code).unwrap_or_else(|| panic!("{code}")).clone();
        let nd = |code: &str| {
            let i = ind(code);
            (i["numerator"].as_i64().unwrap(), i["denominator"].as_i64().unwrap(), i["points"].as_f64().unwrap())
        };
        // Decided in November (early, on time, late) and two open past their due date.
        assert_eq!(nd("DOSSIER_ON_TIME"), (2, 5, 8.0), "{backend:?}");
        // Resolved in November (three decided, one refused), one of them late.
        assert_eq!(nd("DOSSIER_RECEIVING_SATISFACTION"), (3, 4, 5.0), "{backend:?}");
        // Received in November: seven, five online, none with files or reused data.
        assert_eq!(nd("ONLINE_SERVICE").0, 5, "{backend:?}");
        assert_eq!(nd("ONLINE_SERVICE").1, 7, "{backend:?}");
        assert_eq!(nd("SO_HOA_GIAY_TO_GIAI_QUYET"), (0, 7, 0.0), "{backend:?}");
        assert_eq!(nd("REUSED_DIGITIZED_DATA"), (0, 7, 0.0), "{backend:?}");
        assert_eq!(nd("ORIGINAL_RESULT_AVAILABLE"), (0, 3, 0.0), "{backend:?}");
        // The catalogue was published long after November 2025: nothing published then.
        assert_eq!(nd("PUBLISH_ON_TIME"), (0, 0, 0.0), "{backend:?}");
        // Every procedure in force with all its parts, as the import requires.
        let full = nd("PUBLIC_CONTENT_FULL");
        assert!(full.1 > 0 && full.0 == full.1, "{backend:?} {full:?}");
        for code in ["DOSSIER_SYNC", "PETITION_PROCESSING_ON_TIME", "CITIZEN_DATA_CONNECTED_DOSSIER"] {
            let i = ind(code);
            assert!(i["missing"].is_string() && i["points"] == 0.0, "{backend:?} {code}: {i}");
        }
        // The total is the sum of the indicators' points.
        let sum: f64 = all.iter().map(|i| i["points"].as_f64().unwrap()).sum();
        assert!((v["total"].as_f64().unwrap() - sum).abs() < 0.011, "{backend:?}");
        let ranked: Vec<&str> = v["ranking"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert!(ranked.contains(&a.as_str()) && ranked.contains(&b.as_str()), "{backend:?} {ranked:?}");
        // One agency: its own counts.
        let only_b: serde_json::Value = c
            .get(app.url(&format!("/api/chi-so-766?period=2025-Q4&agency={b}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let b_on_time =
            only_b["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "DOSSIER_ON_TIME").unwrap().clone();
        assert_eq!(
            (b_on_time["numerator"].as_i64(), b_on_time["denominator"].as_i64()),
            // Nothing decided; the dossier received on 1 December is past its due date (the
            // 20th) and undecided at the quarter's end.
            (Some(0), Some(1)),
            "{backend:?}"
        );
        // A bad period or agency: at its field.
        for (q, field) in [
            ("period=2025-13", "period"),
            ("period=2025-Q9", "period"),
            ("period=abcd", "period"),
            ("agency=X", "agency"),
        ] {
            let res = c.get(app.url(&format!("/api/chi-so-766?{q}"))).send().await.unwrap();
            assert_eq!(res.status(), 400, "{backend:?} {q}");
            let e: app::error::AppError = res.json().await.unwrap();
            assert_eq!(field_keys(&e)[0].0, field, "{backend:?} {q}");
        }
        // The published page: the total, five groups and the ranking.
        let html = c.get(app.url("/chi-so-766?period=2025-11")).send().await.unwrap().text().await.unwrap();
        for part in [
            "data-testid=\"index-total\"",
            "data-testid=\"index-group-5\"",
            "data-testid=\"index-ranking\"",
            "DOSSIER_SYNC",
        ] {
            assert!(html.contains(part), "{backend:?}: {part}");
        }
        let html = c.get(app.url("/chi-so-766?period=2025-13")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("id=\"index-period-error\""), "{backend:?}");
    }
}
