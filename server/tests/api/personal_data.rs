//! The personal data store and reuse (issue 14): the citizen's store lists their submitted
//! files, uploads, labels and removes their own uploads (never a dossier's file); a second
//! dossier takes its components from the store (copied, the reuse recorded and shown to the
//! officer) and its form is prefilled; nobody reaches another citizen's store.

use crate::support::*;
use app::read::personal_data::PersonalDataView;
use reqwest::multipart::{Form, Part};

const DONG_HA_RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";

async fn store_of(app: &TestApp, c: &reqwest::Client) -> PersonalDataView {
    let res = c.get(app.url("/api/personal-data/list")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn upload(app: &TestApp, c: &reqwest::Client, label: &str, file: Option<(Vec<u8>, &str)>) -> reqwest::Response {
    let mut form = Form::new().text("label", label.to_string());
    if let Some((bytes, name)) = file {
        form = form.part("file_0", Part::bytes(bytes).file_name(name.to_string()));
    }
    c.post(app.url("/api/personal-data/upload"))
        .header("Accept", "text/html")
        .header("Referer", app.url("/kho-du-lieu"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_store_keeps_what_the_citizen_gave_and_a_second_dossier_reuses_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Phạm Thị Kho", "045201000071", "0911000071").await;
        let stranger = app.citizen("Người Ngoài", "045201000072", "0911000072").await;
        assert!(store_of(&app, &citizen).await.documents.is_empty(), "{backend:?}");
        // A first dossier: its files are in the store, with the component and the code.
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        let store = store_of(&app, &citizen).await;
        let required: Vec<_> = p.components.iter().filter(|c| c.required).collect();
        assert_eq!(store.documents.len(), required.len(), "{backend:?}");
        assert!(store.documents.iter().all(|d| d.source == code && !d.removable()), "{backend:?}");
        assert!(store.documents.iter().any(|d| d.kind == required[0].name), "{backend:?}");

        // Uploads: a label and a file of an accepted type, else a message at each field and
        // nothing kept.
        let res = upload(&app, &citizen, "  ", Some((b"MZ\x90\x00 not a document".to_vec(), "x.exe"))).await;
        let mut keys = field_keys(&redirected_error(&res));
        keys.sort();
        assert_eq!(
            keys,
            vec![
                ("file_0".to_string(), "error-file-type".to_string()),
                ("label".to_string(), "error-required".to_string())
            ],
            "{backend:?}"
        );
        // A body that is not multipart, or has no boundary: refused, never a crash.
        for content_type in ["multipart/form-data", "application/x-www-form-urlencoded"] {
            let res = citizen
                .post(app.url("/api/personal-data/upload"))
                .header("Content-Type", content_type)
                .body("label=x")
                .send()
                .await
                .unwrap();
            assert!(res.status().is_client_error(), "{backend:?} {content_type}: {}", res.status());
        }
        // A document near the file limit goes through (the route takes uploads, not small forms).
        let mut big = pdf("Sổ hộ khẩu");
        big.resize(4 * 1024 * 1024, b' ');
        let res = upload(&app, &citizen, "Sổ hộ khẩu (bản quét)", Some((big, "so-ho-khau.pdf"))).await;
        assert_eq!(location(&res), "/kho-du-lieu?luu=1", "{backend:?}");
        let big_id = store_of(&app, &citizen).await.documents.iter().find(|d| d.removable()).unwrap().key.clone();
        let res = app.form(&citizen, "/api/personal-data/remove", "/kho-du-lieu", &[("key", &big_id)]).await;
        assert_eq!(location(&res), "/kho-du-lieu?xoa=1", "{backend:?}");
        let res = upload(&app, &citizen, "Căn cước mặt trước", None).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("file_0".into(), "error-file-required".into())]);
        assert_eq!(app.count("select count(*) from personal_documents").await, 0, "{backend:?}");
        let res = upload(&app, &citizen, " Căn cước mặt trước ", Some((pdf("CCCD"), "cccd.pdf"))).await;
        assert_eq!(location(&res), "/kho-du-lieu?luu=1", "{backend:?}");
        let store = store_of(&app, &citizen).await;
        let kept = store.documents.iter().find(|d| d.removable()).expect("the upload is listed").clone();
        assert_eq!((kept.kind.as_str(), kept.file_name.as_str()), ("Căn cước mặt trước", "cccd.pdf"));
        assert!(store.used_bytes > 0);
        // Its owner downloads it; another citizen and an officer get the same 404 as nothing.
        let id = kept.key.trim_start_matches("u:").to_string();
        let res = citizen.get(app.url(&format!("/tep/{id}"))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf("CCCD"));
        assert_eq!(stranger.get(app.url(&format!("/tep/{id}"))).send().await.unwrap().status(), 404);
        let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        assert_eq!(desk.get(app.url(&format!("/tep/{id}"))).send().await.unwrap().status(), 404);

        // Labels: one's own items; a dossier's file keeps its place, named as the citizen likes.
        let file_key = store.documents.iter().find(|d| !d.removable()).unwrap().key.clone();
        let res = app
            .form(
                &citizen,
                "/api/personal-data/label",
                "/kho-du-lieu",
                &[("key", &file_key), ("label", "Tờ khai năm 2026")],
            )
            .await;
        assert_eq!(location(&res), "/kho-du-lieu?luu=1", "{backend:?}");
        let store = store_of(&app, &citizen).await;
        assert_eq!(store.documents.iter().find(|d| d.key == file_key).unwrap().title(), "Tờ khai năm 2026");
        // A dossier's file is never removed; nor is anything by someone else, crafted keys neither.
        let res = app.form(&citizen, "/api/personal-data/remove", "/kho-du-lieu", &[("key", &file_key)]).await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        for key in [kept.key.as_str(), file_key.as_str(), "u:../../etc", "r:1", "f:", "nonsense"] {
            let res = app.form(&stranger, "/api/personal-data/remove", "/kho-du-lieu", &[("key", key)]).await;
            assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?} {key}");
            let res = app
                .form(&stranger, "/api/personal-data/label", "/kho-du-lieu", &[("key", key), ("label", "Của tôi")])
                .await;
            assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?} {key}");
        }
        assert!(store_of(&app, &stranger).await.documents.is_empty(), "{backend:?}");
        assert_eq!(store_of(&app, &citizen).await.documents.len(), required.len() + 1, "{backend:?}");
        // Officers keep no store.
        assert_eq!(desk.get(app.url("/api/personal-data/list")).send().await.unwrap().status(), 403);

        // The second dossier: prefilled from the first, every component taken from the store.
        let view: app::api::dossiers::DossierFormView = citizen
            .get(app.url(&format!("/api/dossiers/form?procedure={}", p.code)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(view.prefilled, "{backend:?}");
        let first_form = texts(&app, "select form_json from dossiers where code = $1", &code).await.remove(0);
        let first_form: std::collections::BTreeMap<String, String> = serde_json::from_str(&first_form).unwrap();
        assert_eq!(view.values, first_form, "{backend:?}: the answers given once come back");
        assert_eq!(view.stored.len(), required.len() + 1);
        // Someone else's item is a message at its component, and nothing is submitted.
        let mut form = dossier_text(&p, &new_key(), "submit");
        form = form.text(format!("reuse_{}", required[0].id), file_key.clone());
        let res = post_dossier(&app, &stranger, &p, form).await;
        let keys = field_keys(&redirected_error(&res));
        assert!(
            keys.contains(&(format!("file_{}", required[0].id), "error-reuse-unknown".to_string())),
            "{backend:?} {keys:?}"
        );
        let count_stranger = "select count(*) from dossiers d join users u on u.id = d.applicant_id \
                              where u.cccd = '045201000072' and d.status <> 0";
        assert_eq!(app.count(count_stranger).await, 0, "{backend:?}");
        let index = || async {
            let v: app::read::ratings::RatingsView =
                app.client().get(app.url("/api/ratings/public")).send().await.unwrap().json().await.unwrap();
            v.index_total.reuse
        };
        let before = index().await;
        // The owner: the upload for the first component, the earlier files for the others.
        let earlier = store_of(&app, &citizen).await;
        let mut form = dossier_text(&p, &new_key(), "submit");
        for (i, c) in required.iter().enumerate() {
            let key = if i == 0 {
                kept.key.clone()
            } else {
                earlier.documents.iter().find(|d| d.kind == c.name && !d.removable()).unwrap().key.clone()
            };
            form = form.text(format!("reuse_{}", c.id), key);
        }
        let res = post_dossier(&app, &citizen, &p, form).await;
        let second = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        assert!(second.starts_with("000.") && second != code, "{backend:?}: {}", location(&res));
        let reused = texts(
            &app,
            "select f.reused_from from dossier_files f join dossiers d on d.id = f.dossier_id \
             where d.code = $1 and f.reused_from is not null order by f.component_id",
            &second,
        )
        .await;
        assert_eq!(reused.len(), required.len(), "{backend:?}");
        let reuses: Vec<app::domain::personal_data::Reuse> =
            reused.iter().map(|r| app::domain::personal_data::Reuse::from_json(r).unwrap()).collect();
        assert!(reuses.iter().any(|r| r.reference == "Căn cước mặt trước"), "{backend:?} {reuses:?}");
        assert!(reuses.iter().filter(|r| r.reference == code).count() == required.len() - 1, "{backend:?}");
        // QĐ 766 counts it among the dossiers that reused digitised data.
        let after = index().await;
        assert_eq!((after.numerator, after.denominator), (before.numerator + 1, before.denominator + 1), "{backend:?}");
        // Copies: the same bytes under keys of their own, so removing the upload leaves the
        // dossier whole.
        let shared = app
            .count(&format!(
                "select count(*) from dossier_files f join dossiers d on d.id = f.dossier_id \
                 where d.code = '{second}' and f.storage_key in \
                 (select storage_key from personal_documents union select g.storage_key from dossier_files g \
                  join dossiers e on e.id = g.dossier_id where e.code = '{code}')"
            ))
            .await;
        assert_eq!(shared, 0, "{backend:?}");
        let res = app.form(&citizen, "/api/personal-data/remove", "/kho-du-lieu", &[("key", &kept.key)]).await;
        assert_eq!(location(&res), "/kho-du-lieu?xoa=1", "{backend:?}");
        assert_eq!(citizen.get(app.url(&format!("/tep/{id}"))).send().await.unwrap().status(), 404);
        let copy = texts(
            &app,
            "select f.id from dossier_files f join dossiers d on d.id = f.dossier_id \
             where d.code = $1 and f.reused_from like '%upload%'",
            &second,
        )
        .await
        .remove(0);
        let res = citizen.get(app.url(&format!("/tep/{copy}"))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf("CCCD"), "{backend:?}");
        // The officer sees which files were reused, from where.
        let page = desk.get(app.url(&format!("/mot-cua/ho-so/{second}"))).send().await.unwrap().text().await.unwrap();
        assert_eq!(page.matches("data-testid=\"file-reused\"").count(), required.len(), "{backend:?}");
        assert!(page.contains(&code), "{backend:?}");
    }
}

/// Every way into the store and the new desk actions that is not their owner's or the right
/// officer's with good input is refused with a 4xx, writes nothing and leaves no file behind;
/// the store's JSON carries nothing the page hides; crafted query strings lead nowhere.
#[tokio::test]
async fn crafted_requests_to_the_store_and_the_new_desk_actions_are_refused_and_write_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let p = birth(&app).await;
    let citizen = app.citizen("Trịnh Thị Thử", "045201000091", "0911000091").await;
    let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
    let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
    let stranger = app.citizen("Kẻ Lạ Mặt", "045201000092", "0911000092").await;
    let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
    let other_leader = app.login("045078000204", PASSWORD).await;
    let file_key = store_of(&app, &citizen).await.documents[0].key.clone();
    let written = || async {
        [
            app.count("select count(*) from personal_documents").await,
            app.count("select count(*) from personal_labels").await,
            app.count("select count(*) from results").await,
            app.count("select count(*) from dossier_events").await,
            app.count("select count(*) from ratings where answered_at is not null").await,
        ]
    };
    let before = written().await;
    let files = app.uploaded_files();
    let refused = |res: reqwest::Response, what: &str| {
        let s = res.status().as_u16();
        assert!((400..500).contains(&s), "{what}: answered {s}");
    };
    let json_post = |c: &reqwest::Client, path: &str, fields: Vec<(&'static str, String)>| {
        let req = c.post(app.url(path)).header("Accept", "application/json").form(&fields);
        async move { req.send().await.unwrap() }
    };
    let multipart_post = |c: &reqwest::Client, path: &str, form: Form| {
        let req = c.post(app.url(path)).header("Accept", "application/json").multipart(form);
        async move { req.send().await.unwrap() }
    };

    // No session: every new endpoint.
    let anonymous = app.client();
    refused(anonymous.get(app.url("/api/personal-data/list")).send().await.unwrap(), "list");
    refused(
        json_post(&anonymous, "/api/personal-data/label", vec![("key", file_key.clone()), ("label", "x".into())]).await,
        "label",
    );
    refused(json_post(&anonymous, "/api/personal-data/remove", vec![("key", file_key.clone())]).await, "remove");
    let doc = || Form::new().text("label", "Giấy tờ").part("file_0", Part::bytes(pdf("x")).file_name("x.pdf"));
    refused(multipart_post(&anonymous, "/api/personal-data/upload", doc()).await, "upload");
    refused(
        json_post(
            &anonymous,
            "/api/desk/answer-rating",
            vec![("code", code.clone()), ("answer", "Trả lời đầy đủ".into())],
        )
        .await,
        "answer",
    );
    let scan = || {
        Form::new()
            .text("code", code.clone())
            .text("certification", "Bản quét đúng với bản chính")
            .part("file_0", Part::bytes(pdf("x")).file_name("x.pdf"))
    };
    refused(multipart_post(&anonymous, "/api/desk/digitise-result", scan()).await, "digitise");
    // The wrong people: a citizen answering or digitising; a leader of another agency; the
    // desk answering; nothing owed or awaited on this dossier either.
    for who in [&citizen, &stranger, &desk, &other_leader] {
        refused(
            json_post(
                who,
                "/api/desk/answer-rating",
                vec![("code", code.clone()), ("answer", "Trả lời đầy đủ".into())],
            )
            .await,
            "answer",
        );
        refused(multipart_post(who, "/api/desk/digitise-result", scan()).await, "digitise");
    }
    // Bad input from the owner: control and bidi characters, a 3 MB label, crafted keys, a
    // thousand file parts, a file under another name.
    for label in ["a\u{7}b", "a\u{202E}b", &"y".repeat(3 * 1024 * 1024)] {
        refused(
            json_post(
                &citizen,
                "/api/personal-data/label",
                vec![("key", file_key.clone()), ("label", label.to_string())],
            )
            .await,
            "label",
        );
        let form =
            Form::new().text("label", label.to_string()).part("file_0", Part::bytes(pdf("x")).file_name("x.pdf"));
        refused(multipart_post(&citizen, "/api/personal-data/upload", form).await, "upload label");
    }
    for key in ["u:../../etc/passwd", "f:%00", "r:-1", &format!("f:{}", "a".repeat(5000)), "u:"] {
        refused(
            json_post(&citizen, "/api/personal-data/label", vec![("key", key.to_string()), ("label", "Tên".into())])
                .await,
            key,
        );
        refused(json_post(&citizen, "/api/personal-data/remove", vec![("key", key.to_string())]).await, key);
    }
    let mut many = Form::new().text("label", "Nhiều tệp");
    for i in 0..1000 {
        many = many
            .part("file_0", Part::bytes(pdf("x")).file_name(format!("{i}.pdf")).mime_str("application/pdf").unwrap());
    }
    refused(multipart_post(&citizen, "/api/personal-data/upload", many).await, "a thousand parts");
    let elsewhere = Form::new().text("label", "Tệp lạc").part("file_7", Part::bytes(pdf("x")).file_name("x.pdf"));
    refused(multipart_post(&citizen, "/api/personal-data/upload", elsewhere).await, "file under another name");
    // A thousand reuse fields and crafted ones on a dossier: nothing copied, nothing submitted.
    let mut form = dossier_text(&p, &new_key(), "submit");
    for i in 0..1000 {
        form = form.text(format!("reuse_{i}"), file_key.clone());
    }
    form = form.text("reuse_x", "u:../../x").text(format!("reuse_{}", p.components[0].id), "r:99999");
    let res = post_dossier(&app, &citizen, &p, form).await;
    assert!(location(&res).contains("__err"), "refused: {}", location(&res));

    assert_eq!(written().await, before, "nothing written");
    assert_eq!(app.uploaded_files(), files, "no file left behind");

    // The page with crafted query strings; the JSON with nothing private.
    for q in
        ["?__err=%7B%22Internal%22%3A%22x%22%7D", "?next=https://evil.example", "?__err=%00%ff", "?luu=%3Cscript%3E"]
    {
        let res = citizen.get(app.url(&format!("/kho-du-lieu{q}"))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{q}");
        let html = res.text().await.unwrap();
        assert!(!html.contains("href=\"https://evil") && !html.contains("<script>"), "{q}");
    }
    let json = citizen.get(app.url("/api/personal-data/list")).send().await.unwrap().text().await.unwrap();
    for private in ["storage", "sha256", "owner", "applicant", "token\""] {
        assert!(!json.contains(private), "{private} in {json}");
    }
}
