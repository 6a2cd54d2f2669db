use crate::support::*;
use app::domain::history::{verify, ChainBreak};

async fn drop_guards(app: &TestApp) {
    // What an attacker with database access would do first.
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &["drop trigger dossier_events_no_update", "drop trigger dossier_events_no_delete"],
        Backend::Postgres => &["drop trigger dossier_events_no_update on dossier_events"],
    };
    for s in statements {
        sqlx::query(s).execute(&app.db.pool).await.unwrap();
    }
}

async fn a_demo_dossier(app: &TestApp) -> String {
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
