use crate::support::*;
use app::domain::history::{verify, ChainBreak};

pub(crate) async fn drop_guards(app: &TestApp) {
    // What an attacker with database access would do first.
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &["drop trigger dossier_events_no_update", "drop trigger dossier_events_no_delete"],
        Backend::Postgres => &["drop trigger dossier_events_no_update on dossier_events"],
    };
    for s in statements {
        sqlx::query(s).execute(&app.db.pool).await.unwrap();
    }
}

pub(crate) async fn a_demo_dossier(app: &TestApp) -> String {
    let row = sqlx::query("select code from dossiers where code is not null order by id limit 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    sqlx::Row::get(&row, 0)
}

#[tokio::test]
async fn the_database_refuses_to_edit_or_delete_history() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        assert!(
            sqlx::query("update dossier_events set note = 'x'").execute(&app.db.pool).await.is_err(),
            "{backend:?}"
        );
        assert!(sqlx::query("delete from dossier_events").execute(&app.db.pool).await.is_err(), "{backend:?}");
    }
}

#[tokio::test]
async fn an_edited_event_is_caught_by_verification() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = a_demo_dossier(&app).await;
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Ok(()), "{backend:?}");
        drop_guards(&app).await;
        sqlx::query("update dossier_events set actor_name = 'Người khác' where seq = 1 and dossier_id = (select id from dossiers where code = $1)")
            .bind(&code)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Err(ChainBreak::Altered { seq: 1 }), "{backend:?}");
    }
}

#[tokio::test]
async fn a_removed_event_is_caught_by_verification() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code = a_demo_dossier(&app).await;
        drop_guards(&app).await;
        sqlx::query("delete from dossier_events where dossier_id = (select id from dossiers where code = $1)")
            .bind(&code)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Err(ChainBreak::HeadMismatch), "{backend:?}");
    }
}

#[tokio::test]
async fn the_living_office_demo_is_built_through_the_transitions_with_valid_histories() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let now = app::api::ctx::now_ms();
        server::demo::office::load(&app.db, app.files.as_ref(), now, 60).await.expect("the office loads");
        let codes: Vec<(String, i64)> =
            sqlx::query("select code, status from dossiers where idempotency_key like 'office-%'")
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    use sqlx::Row;
                    (r.get(0), r.get(1))
                })
                .collect();
        assert!(codes.len() >= 50, "{backend:?}: {} dossiers", codes.len());
        let statuses: std::collections::BTreeSet<i64> = codes.iter().map(|(_, s)| *s).collect();
        for s in [1, 4, 10] {
            assert!(statuses.contains(&s), "{backend:?}: status {s} among {statuses:?}");
        }
        assert!(statuses.len() >= 5, "{backend:?}: {statuses:?}");
        for (code, _) in &codes {
            let (events, n, head) = app.db.history(code).await.unwrap();
            assert_eq!(verify(&events, n, &head), Ok(()), "{backend:?} {code}");
            assert!(events.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "{backend:?} {code}: events in time order");
            assert!(events.last().unwrap().at_ms <= now, "{code}: nothing in the future");
        }
        let open_steps = app
            .count("select count(*) from dossiers d where d.status in (2, 4, 9) and d.step_position is null and d.idempotency_key like 'office-%'")
            .await;
        assert_eq!(open_steps, 0, "{backend:?}: every running dossier sits at a step");
        // Fees: most paid (online through the gateway's attempt, paper in cash), some still owed.
        let paid = app.count("select count(*) from obligations where state = 'paid'").await;
        let owed = app.count("select count(*) from obligations where state = 'due'").await;
        let online = app.count("select count(*) from payments where channel = 'online' and state = 'paid'").await;
        assert!(paid > 0 && owed > 0 && online > 0, "{backend:?}: paid {paid}, owed {owed}, online {online}");
        let unmatched = app
            .count("select count(*) from obligations o left join payments p on p.id = o.payment_id where o.state = 'paid' and (p.id is null or p.state <> 'paid')")
            .await;
        assert_eq!(unmatched, 0, "{backend:?}: every paid obligation has its payment");
        // Every payment has its receipt, numbered without gaps in each agency's series for the
        // year; some fees were exempted with a reason, some payments refunded by a leader.
        let receipts = app.count("select count(*) from receipts").await;
        let with_payment = app.count("select count(*) from payments where state in ('paid', 'refunded')").await;
        assert_eq!(receipts, with_payment, "{backend:?}: a receipt per payment");
        let gaps = app
            .count("select count(*) from (select agency_code, year, max(seq) as m, count(*) as n from receipts group by agency_code, year) s where m <> n")
            .await;
        assert_eq!(gaps, 0, "{backend:?}: receipt numbers without gaps");
        let exempt = app.count("select count(*) from obligations where state = 'exempt' and note <> ''").await;
        let refunded =
            app.count("select count(*) from payments where state = 'refunded' and refund_reason <> ''").await;
        let refunded_receipts = app.count("select count(*) from receipts where refunded_at is not null").await;
        assert!(exempt > 0 && refunded > 0, "{backend:?}: exempt {exempt}, refunded {refunded}");
        assert_eq!(refunded, refunded_receipts, "{backend:?}: the receipt shows the refund");
        // The daily reconciliation ran in the office's past: every past day with online payments
        // is reconciled, nothing different.
        let runs = app.count("select count(*) from reconciliations where run_by is null").await;
        let items = app.count("select count(*) from reconciliation_items").await;
        assert!(runs > 0 && items == 0, "{backend:?}: runs {runs}, mismatches {items}");
    }
}

#[tokio::test]
async fn an_event_carries_its_payload_hashed_in_the_chain_and_reads_in_the_readers_language() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let code: String = sqlx::Row::get(
            &sqlx::query(
                "select code from dossiers where receiving_agency = '000.20.01.H45' and status = 1 order by id limit 1",
            )
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
            0,
        );
        let desk = app.login("045185000101", "canbo2026").await;
        let page = format!("/mot-cua/ho-so/{code}");
        let res = app.form(&desk, "/api/desk/accept", &page, &[("code", &code)]).await;
        assert!(!location(&res).contains("__err"), "{backend:?}");
        let res = app.form(&desk, "/api/desk/transfer", &page, &[("code", &code)]).await;
        assert!(!location(&res).contains("__err"), "{backend:?}");
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Ok(()), "{backend:?}");
        let transfer = events.last().unwrap();
        let payload = app::domain::event::Payload::from_json(transfer.payload.as_deref().unwrap()).unwrap();
        let app::domain::event::Payload::Passed { to } = payload else { panic!("{payload:?}") };
        assert_eq!(to.agency, "000.20.01.H45", "{backend:?}");
        // Changing the payload in the database is caught.
        drop_guards(&app).await;
        sqlx::query("update dossier_events set payload = replace(payload, '000.20.01.H45', '000.00.12.H45') where seq = $1 and dossier_id = (select id from dossiers where code = $2)")
            .bind(transfer.seq)
            .bind(&code)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (events, n, head) = app.db.history(&code).await.unwrap();
        assert_eq!(verify(&events, n, &head), Err(ChainBreak::Altered { seq: transfer.seq }), "{backend:?}");
        // The same event reads in English on an English page.
        let en = app.client();
        let _ = en.get(app.url("/api/lang?l=en&next=/")).send().await.unwrap();
        let english = app.login("045185000101", "canbo2026").await;
        let _ = english.get(app.url("/api/lang?l=en&next=/")).send().await.unwrap();
        let html = english.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Passed on to: "), "{backend:?}: the note is rendered in English");
        let vi = desk.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
        assert!(vi.contains("Chuyển đến: "), "{backend:?}");
    }
}
