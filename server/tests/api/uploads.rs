//! The upload rules: parts per post, one file per component, files per dossier, the account's
//! quota, a draft's replaced files, and good files kept when a post is refused for a field.

use crate::support::*;
use app::domain::upload::{MAX_ACCOUNT_BYTES, MAX_FILES_PER_DOSSIER, MAX_PARTS_PER_POST};
use app::ports::FileStore;
use reqwest::multipart::{Form, Part};
use sqlx::Row;

fn pdf_part(name: &str) -> Part {
    Part::bytes(pdf(name)).file_name(format!("{name}.pdf")).mime_str("application/pdf").unwrap()
}

/// A draft post of `p` with the given text and file parts, nothing else.
fn draft_form(p: &app::api::catalogue::ProcedureDetail, key: &str) -> Form {
    Form::new().text("key", key.to_string()).text("procedure", p.code.clone()).text("intent", "save")
}

async fn dossier_id(app: &TestApp, key: &str) -> i64 {
    sqlx::query("select id from dossiers where idempotency_key = $1")
        .bind(key)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .get(0)
}

/// The storage keys of a dossier's files (current and kept), oldest first.
async fn storage_keys(app: &TestApp, key: &str) -> Vec<(i64, String, Option<i64>)> {
    sqlx::query(
        "select f.component_id, f.storage_key, f.replaced_at from dossier_files f join dossiers d on d.id = f.dossier_id \
         where d.idempotency_key = $1 order by f.created_at, f.id",
    )
    .bind(key)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// Every file on disk is a row, and every row's bytes are on disk.
async fn disk_matches_rows(app: &TestApp) {
    let rows = app.count("select count(*) from dossier_files").await;
    assert_eq!(app.uploaded_files() as i64, rows, "{:?}: no file on disk without its row", app.backend);
}

/// Adds a file row to a dossier straight in the database (a dossier already holding much).
async fn seed_file(app: &TestApp, dossier_id: i64, component_id: i64, n: usize, size: u64) {
    sqlx::query(
        "insert into dossier_files (id, dossier_id, component_id, file_name, content_type, size_bytes, sha256, storage_key, created_at) \
         values ($1, $2, $3, 'cu.pdf', 'application/pdf', $4, '', $5, 0)",
    )
    .bind(format!("seed-{dossier_id}-{n}"))
    .bind(dossier_id)
    .bind(component_id)
    .bind(size as i64)
    .bind(format!("se/ed/seed-{dossier_id}-{n}"))
    .execute(&app.db.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_post_with_thousands_of_parts_is_refused_and_nothing_is_written() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Trần Văn Bảo", "045201000061", "0911000061").await;
        let dossiers = app.count("select count(*) from dossiers").await;
        let stored = app.uploaded_files();
        // Good files first (they reach the disk before the flood), then thousands of parts.
        let files: Vec<(i64, Vec<u8>)> =
            p.components.iter().filter(|c| c.required).map(|c| (c.id, pdf(&c.name))).collect();
        let (content_type, body) = flood(&p, &new_key(), &files, 5000);
        let browser = c
            .post(app.url("/api/dossiers/save"))
            .header("Accept", "text/html")
            .header("Referer", app.url(&format!("/thu-tuc/{}/nop", p.code)))
            .header("Content-Type", content_type.clone())
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(field_keys(&redirected_error(&browser)), vec![("files".into(), "error-too-many-parts".into())]);
        // An API client gets the status; one part over the cap is enough.
        let (content_type, body) = flood(&p, &new_key(), &files, MAX_PARTS_PER_POST);
        let res =
            c.post(app.url("/api/dossiers/save")).header("Content-Type", content_type).body(body).send().await.unwrap();
        assert_eq!(res.status(), 400, "{backend:?}");
        assert_eq!(app.count("select count(*) from dossiers").await, dossiers, "{backend:?}: no dossier, no draft");
        assert_eq!(app.uploaded_files(), stored, "{backend:?}: nothing left on disk");
        disk_matches_rows(&app).await;
    }
}

#[tokio::test]
async fn a_second_file_for_one_component_in_a_post_is_refused_at_its_input_and_not_stored() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Trần Thị Cúc", "045201000062", "0911000062").await;
        let comp = p.components[0].id;
        let key = new_key();
        let form = draft_form(&p, &key)
            .part(format!("file_{comp}"), pdf_part("trang-1"))
            .part(format!("file_{comp}"), pdf_part("trang-2"));
        let e = redirected_error(&post_dossier(&app, &c, &p, form).await);
        assert_eq!(
            field_keys(&e),
            vec![(format!("file_{comp}"), "error-file-one-per-component".into())],
            "{backend:?}"
        );
        let files = storage_keys(&app, &key).await;
        assert_eq!(files.len(), 1, "{backend:?}: the first file is kept in the draft, the second is not stored");
        disk_matches_rows(&app).await;
    }
}

#[tokio::test]
async fn a_dossier_holding_the_cap_of_files_takes_no_new_component() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Lý Văn Dũng", "045201000063", "0911000063").await;
        let key = new_key();
        let res = post_dossier(&app, &c, &p, draft_form(&p, &key)).await;
        assert_eq!(res.status(), 302, "{backend:?}");
        let id = dossier_id(&app, &key).await;
        let (first, second) = (p.components[0].id, p.components[1].id);
        for n in 0..MAX_FILES_PER_DOSSIER {
            seed_file(&app, id, first, n, 1000).await;
        }
        let stored = app.uploaded_files();
        let form = draft_form(&p, &key).part(format!("file_{second}"), pdf_part("them"));
        let e = redirected_error(&post_dossier(&app, &c, &p, form).await);
        assert_eq!(field_keys(&e), vec![(format!("file_{second}"), "error-too-many-files".into())], "{backend:?}");
        assert_eq!(storage_keys(&app, &key).await.len(), MAX_FILES_PER_DOSSIER, "{backend:?}");
        assert_eq!(app.uploaded_files(), stored, "{backend:?}: the refused file is removed");
    }
}

#[tokio::test]
async fn an_account_over_its_quota_is_told_at_the_file_input_and_the_file_is_not_kept() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Hà Thị Én", "045201000064", "0911000064").await;
        // An earlier draft of the account already holds almost all of its quota.
        let old = new_key();
        assert_eq!(post_dossier(&app, &c, &p, draft_form(&p, &old)).await.status(), 302);
        seed_file(&app, dossier_id(&app, &old).await, p.components[0].id, 0, MAX_ACCOUNT_BYTES - 10).await;
        let stored = app.uploaded_files();
        let key = new_key();
        let comp = p.components.iter().find(|c| c.required).unwrap().id;
        let res = post_dossier(&app, &c, &p, dossier_form(&p, &key, "submit")).await;
        let e = redirected_error(&res);
        assert!(field_keys(&e).contains(&(format!("file_{comp}"), "error-account-quota".into())), "{backend:?}: {e:?}");
        assert_eq!(app.uploaded_files(), stored, "{backend:?}: no file over the quota is kept");
        let submitted = "select count(*) from dossiers where code is not null and idempotency_key not like 'demo-%'";
        assert_eq!(app.count(submitted).await, 0);
        // The message is next to the input, translated.
        let page = c.get(app.url(&location_path(&location(&res)))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Dung lượng tệp của tài khoản"), "{backend:?}");
    }
}

/// A raw multipart body (reqwest nests one stream per part): the draft's fields, `files`, then
/// `junk` one-byte text parts.
fn flood(
    p: &app::api::catalogue::ProcedureDetail,
    key: &str,
    files: &[(i64, Vec<u8>)],
    junk: usize,
) -> (String, Vec<u8>) {
    let boundary = "----portal-flood-7d1f";
    let mut body = Vec::new();
    let text = |name: &str, value: &str, body: &mut Vec<u8>| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    text("key", key, &mut body);
    text("procedure", &p.code, &mut body);
    text("intent", "submit", &mut body);
    for (component, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file_{component}\"; filename=\"a.pdf\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    for i in 0..junk {
        text(&format!("x{i}"), "a", &mut body);
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The path and query of a redirect, absolute or not.
fn location_path(loc: &str) -> String {
    match loc.find("://") {
        Some(i) => loc[i + 3..].find('/').map(|j| loc[i + 3 + j..].to_string()).unwrap_or_else(|| "/".into()),
        None => loc.to_string(),
    }
}

#[tokio::test]
async fn a_drafts_replaced_file_is_deleted_row_and_bytes() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Đinh Văn Giang", "045201000065", "0911000065").await;
        let key = new_key();
        let comp = p.components[0].id;
        let first = draft_form(&p, &key).part(format!("file_{comp}"), pdf_part("anh-mo"));
        assert_eq!(post_dossier(&app, &c, &p, first).await.status(), 302, "{backend:?}");
        let before = storage_keys(&app, &key).await;
        assert_eq!(before.len(), 1);
        let second = draft_form(&p, &key).part(format!("file_{comp}"), pdf_part("anh-ro"));
        assert_eq!(post_dossier(&app, &c, &p, second).await.status(), 302, "{backend:?}");
        let after = storage_keys(&app, &key).await;
        assert_eq!(after.len(), 1, "{backend:?}: the replaced row is gone, not kept with replaced_at");
        assert_ne!(after[0].1, before[0].1);
        assert!(app.files.read(&before[0].1).await.is_err(), "{backend:?}: its bytes are gone");
        assert!(app.files.read(&after[0].1).await.is_ok());
        disk_matches_rows(&app).await;
    }
}

#[tokio::test]
async fn a_post_refused_for_a_field_keeps_its_good_files_in_the_draft_and_submits_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let c = app.citizen("Mai Thị Hoa", "045201000066", "0911000066").await;
        let key = new_key();
        let required_field = p.form_fields.iter().find(|f| f.required).unwrap().clone();
        let required: Vec<_> = p.components.iter().filter(|c| c.required).cloned().collect();
        // Every required file is fine, one field is empty, and one extra file is not a PDF.
        let optional = p.components.iter().find(|c| !c.required).map(|c| c.id);
        let mut form = dossier_form(&p, &key, "submit").text(required_field.input_name(), "");
        if let Some(o) = optional {
            form = form.part(format!("file_{o}"), Part::bytes(b"not a pdf at all".to_vec()).file_name("x.pdf"));
        }
        let res = post_dossier(&app, &c, &p, form).await;
        let e = redirected_error(&res);
        let keys = field_keys(&e);
        assert!(keys.contains(&(required_field.input_name(), "error-required".into())), "{backend:?}: {keys:?}");
        if let Some(o) = optional {
            assert!(keys.contains(&(format!("file_{o}"), "error-file-type".into())), "{keys:?}");
        }
        let status: i64 = sqlx::query("select status from dossiers where idempotency_key = $1")
            .bind(&key)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(status, 0, "{backend:?}: a draft, not submitted");
        assert_eq!(
            app.count(
                "select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id where d.code is null"
            )
            .await,
            0
        );
        let kept = storage_keys(&app, &key).await;
        assert_eq!(kept.len(), required.len(), "{backend:?}: the good files are kept, the bad one is not");
        disk_matches_rows(&app).await;

        // The form comes back (no JavaScript: the redirect and the flash) with the files attached.
        let page = c.get(app.url(&location_path(&location(&res)))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("name=\"key\" value=\"{key}\"")), "{backend:?}: the same draft");
        assert!(page.contains("Đã đính kèm") && page.contains("giay-to-0.pdf"), "{backend:?}");
        assert!(page.contains("không cần tải lại"), "{backend:?}: the citizen is told");
        assert!(page.contains("field-error"), "{backend:?}: the error is next to its field");

        // Correcting the field alone, without sending the files again, submits the dossier.
        let form = dossier_text(&p, &key, "submit");
        let res = post_dossier(&app, &c, &p, form).await;
        assert!(location(&res).ends_with("/xac-nhan"), "{backend:?}: {}", location(&res));
        assert_eq!(storage_keys(&app, &key).await.len(), required.len(), "{backend:?}: uploaded once");
    }
}
