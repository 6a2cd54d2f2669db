//! The catalogue as data (issue 11): a catalogue file checked, imported all or nothing, versioned
//! by content with effective dates; dossiers keep the version they were submitted under; kept
//! pages follow the import; only province administrators import.

use crate::support::*;
use app::api::catalogue_admin::CatalogueAdminView;
use reqwest::multipart::{Form, Part};
use reqwest::Client;
use serde_json::json;

const PROVINCE_ADMIN: &str = "045192000205";
const RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";

/// A file with one new procedure at the demo's first commune (its units come from the demo).
fn file(allowance: &str, effective_from: Option<&str>) -> serde_json::Value {
    let mut p = json!({
        "code": "9.000001",
        "name_vi": "Xác nhận tình trạng nhà ở thử nghiệm",
        "name_en": "Housing status confirmation (trial)",
        "sector": "ho-tich",
        "level": "commune",
        "executing_agency": "000.20.01.H45",
        "receiving_agency": "000.20.01.H45",
        "online_level": "full",
        "channels": ["online", "counter"],
        "steps_vi": ["Nộp hồ sơ", "Trả kết quả"],
        "allowance": {"amount": allowance, "unit": "working_days"},
        "result_vi": "Giấy xác nhận",
        "legal_basis": ["Luật Nhà ở 2023"],
        "components": [{"name_vi": "Tờ khai", "copies_vi": "01 bản chính", "required": true}],
        "form_fields": [{"name": "address", "label_vi": "Địa chỉ nhà", "label_en": "Address", "kind": "address", "required": true}]
    });
    if let Some(d) = effective_from {
        p["effective_from"] = json!(d);
    }
    json!({"format": "portal-catalogue/1", "procedures": [p]})
}

async fn post(app: &TestApp, c: &Client, bytes: Vec<u8>, action: &str) -> reqwest::Response {
    let form = Form::new()
        .part("file", Part::bytes(bytes).file_name("danh-muc.json").mime_str("application/json").unwrap())
        .text("action", action.to_string());
    c.post(app.url("/api/admin/catalogue-import"))
        .header("Accept", "text/html")
        .header("Referer", app.url("/mot-cua/danh-muc"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Posts a file and reads the page that follows it.
async fn import(app: &TestApp, c: &Client, bytes: Vec<u8>, action: &str) -> CatalogueAdminView {
    let res = post(app, c, bytes, action).await;
    assert_eq!(res.status(), 302, "{:?}", app.backend);
    let loc = location(&res);
    let id = loc.strip_prefix("/mot-cua/danh-muc?ket-qua=").unwrap_or_else(|| panic!("{loc}"));
    c.get(app.url(&format!("/api/admin/catalogue?result={id}"))).send().await.unwrap().json().await.unwrap()
}

async fn page(app: &TestApp, path: &str) -> String {
    app.client().get(app.url(path)).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn a_catalogue_file_is_checked_then_imported_once_and_versioned_by_its_content() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        let procedures = app.count("select count(*) from procedures").await;
        let versions = app.count("select count(*) from procedure_versions").await;
        // The list is kept for anonymous readers before the import.
        assert!(!page(&app, "/thu-tuc?q=nha+o+thu+nghiem").await.contains("9.000001"));

        let bytes = serde_json::to_vec(&file("5", None)).unwrap();
        let checked = import(&app, &admin, bytes.clone(), "check").await;
        let o = checked.outcome.expect("the outcome is shown");
        assert!(!o.committed && o.problems.is_empty(), "{backend:?}: {o:?}");
        let r = o.report.unwrap();
        assert_eq!((r.procedures_new, r.versions_new, r.unchanged), (1, 1, 0), "{backend:?}");
        assert_eq!(app.count("select count(*) from procedures").await, procedures, "a check writes nothing");

        let imported = import(&app, &admin, bytes.clone(), "import").await;
        let o = imported.outcome.unwrap();
        assert!(o.committed, "{backend:?}");
        assert_eq!(o.report.unwrap().procedures_new, 1);
        assert_eq!(app.count("select count(*) from procedures").await, procedures + 1);
        assert!(imported.imports.iter().any(|e| e.detail.starts_with("1 thủ tục mới")), "{backend:?}: on the record");
        let row = imported.rows.iter().find(|r| r.code == "9.000001").expect("listed");
        assert_eq!((row.versions, row.published_at.is_some()), (1, true));
        // Kept pages were dropped: the new procedure is found and shown at once.
        assert!(page(&app, "/thu-tuc?q=nha+o+thu+nghiem").await.contains("9.000001"), "{backend:?}");
        let first = app.db.procedure("9.000001").await.unwrap().expect("published");
        let unit: String =
            sqlx::query_scalar("select unit_code from workflow_steps where version_id = $1 and position = 1")
                .bind(first.version_id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!(unit, "VP", "{backend:?}: civil status goes to the commune's office (the demo's sector rule)");

        // The same file again changes nothing.
        let again = import(&app, &admin, bytes, "import").await.outcome.unwrap().report.unwrap();
        assert_eq!((again.versions_new, again.unchanged), (0, 1), "{backend:?}");
        assert_eq!(app.count("select count(*) from procedure_versions").await, versions + 1);

        // A citizen submits under the first version.
        let citizen = app.citizen("Lê Văn Tám", "045099012345", "0905123456").await;
        let res = post_dossier(&app, &citizen, &first, dossier_form(&first, &new_key(), "submit")).await;
        assert_eq!(res.status(), 302, "{backend:?}");

        // A change that takes effect later: imported, not yet shown.
        let later = serde_json::to_vec(&file("7", Some("2099-01-01"))).unwrap();
        let r = import(&app, &admin, later, "import").await.outcome.unwrap().report.unwrap();
        assert_eq!((r.versions_new, r.pending), (1, 1), "{backend:?}");
        let shown = app.db.procedure("9.000001").await.unwrap().unwrap();
        assert_eq!(shown.version_id, first.version_id, "{backend:?}: the version in effect stays");
        // Its day comes.
        let in_2099 = app::domain::clock::day(2099, 1, 1) * 86_400_000 + 3_600_000;
        assert_eq!(app.db.promote_due_versions(in_2099).await.unwrap(), 1, "{backend:?}");
        let shown = app.db.procedure("9.000001").await.unwrap().unwrap();
        assert_ne!(shown.version_id, first.version_id, "{backend:?}");
        assert_eq!(shown.allowance, app::domain::clock::Allowance::WorkingDays(7000));
        assert_eq!(app.db.promote_due_versions(in_2099).await.unwrap(), 0, "{backend:?}: once");
        // The dossier keeps the version it was submitted under.
        let kept = app
            .count(&format!(
                "select count(*) from dossiers d join procedures p on p.id = d.procedure_id \
                 where p.code = '9.000001' and d.version_id = {}",
                first.version_id
            ))
            .await;
        assert_eq!(kept, 1, "{backend:?}");
    }
}

#[tokio::test]
async fn a_file_with_problems_imports_nothing_and_names_each_problem_with_its_record_and_field() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        let procedures = app.count("select count(*) from procedures").await;
        let events = app.count("select count(*) from admin_events").await;
        let mut f = file("5", None);
        let good = f["procedures"][0].clone();
        let mut bad = good.clone();
        bad["code"] = json!("9.000002");
        bad["sector"] = json!("khong-co");
        bad["form_fields"][0]["kind"] = json!("select");
        f["procedures"] = json!([good, bad]);
        let o = import(&app, &admin, serde_json::to_vec(&f).unwrap(), "import").await.outcome.unwrap();
        assert!(!o.committed && o.report.is_none(), "{backend:?}");
        let found: Vec<(String, String, String)> =
            o.problems.iter().map(|p| (p.subject.clone(), p.field.clone(), p.key.clone())).collect();
        for want in [
            ("9.000002", "procedures[1].sector", "import-unknown-sector"),
            ("9.000002", "procedures[1].form_fields[0].options", "import-form-options"),
        ] {
            assert!(found.contains(&(want.0.into(), want.1.into(), want.2.into())), "{backend:?}: {found:?}");
        }
        assert_eq!(app.count("select count(*) from procedures").await, procedures, "{backend:?}: all or nothing");
        assert_eq!(app.count("select count(*) from admin_events").await, events, "{backend:?}");

        // Not JSON: one problem with where it is; no file: told at the field.
        let o = import(&app, &admin, b"{\"format\": ".to_vec(), "check").await.outcome.unwrap();
        assert_eq!(o.problems[0].key, "import-json", "{backend:?}");
        let res = app
            .client()
            .post(app.url("/api/admin/catalogue-import"))
            .header("Accept", "text/html")
            .header("Referer", app.url("/mot-cua/danh-muc"))
            .multipart(Form::new().text("action", "import"))
            .send()
            .await
            .unwrap();
        assert_eq!(redirected_error(&res), app::error::AppError::Unauthenticated, "{backend:?}: no session");
        let res = admin
            .post(app.url("/api/admin/catalogue-import"))
            .header("Accept", "text/html")
            .header("Referer", app.url("/mot-cua/danh-muc"))
            .multipart(Form::new().text("action", "import"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("file".into(), "error-catalogue-file-required".into())],
            "{backend:?}"
        );
        // Larger than a catalogue may be.
        let res = post(&app, &admin, vec![b' '; app::api::catalogue_admin::MAX_FILE_BYTES + 1], "check").await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("file".into(), "error-catalogue-too-large".into())],
            "{backend:?}"
        );
        // Only a province administrator imports.
        let desk = app.login(RECEPTION, PASSWORD).await;
        let res = post(&app, &desk, serde_json::to_vec(&file("5", None)).unwrap(), "import").await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");
        assert_eq!(desk.get(app.url("/api/admin/catalogue")).send().await.unwrap().status(), 403, "{backend:?}");
        assert_eq!(app.count("select count(*) from procedures").await, procedures, "{backend:?}");
    }
}
