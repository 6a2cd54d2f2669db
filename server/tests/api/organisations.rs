//! Organisations' accounts and dossiers submitted for someone else (issue 12): the legal
//! representative creates the account and names who acts for it; a dossier is submitted for an
//! organisation one acts for, or for a person under an authorisation with its document; the
//! dossier, the desk, the receipt, the lookup and the e-mail say who applied for whom.

use crate::support::*;
use reqwest::multipart::Part;
use reqwest::Client;
use sqlx::Row;

const TAX: &str = "0100109106";

fn error_key(res: &reqwest::Response) -> (String, String) {
    let e = redirected_error(res);
    field_keys(&e).first().cloned().unwrap_or_else(|| (String::new(), e.key().to_string()))
}

async fn create(app: &TestApp, c: &Client, tax: &str, name: &str, kind: &str) -> reqwest::Response {
    app.form(
        c,
        "/api/organisations/create",
        "/to-chuc",
        &[("tax_code", tax), ("name", name), ("kind", kind), ("address", "12 Lê Duẩn, Đông Hà")],
    )
    .await
}

/// Where a redirect leads, as a URL.
fn follow(app: &TestApp, res: &reqwest::Response) -> String {
    let loc = location(res);
    if loc.starts_with("http") {
        loc
    } else {
        app.url(&loc)
    }
}

async fn organisations(app: &TestApp, c: &Client) -> serde_json::Value {
    c.get(app.url("/api/organisations/mine")).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn the_representative_creates_the_organisation_and_says_who_acts_for_it_on_the_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let rep = app.citizen("Lê Văn Hải", "045088100001", "0912100001").await;
        let agent = app.citizen("Đỗ Thị Mai", "045189100002", "0912100002").await;

        // Bad input: a wrong check digit, a missing kind and name; nothing is written.
        let res = create(&app, &rep, "0100109107", "", "").await;
        let e = redirected_error(&res);
        let keys = field_keys(&e);
        assert!(keys.contains(&("tax_code".into(), "error-tax-code-check".into())), "{backend:?}: {keys:?}");
        assert!(keys.contains(&("name".into(), "error-required".into())), "{backend:?}: {keys:?}");
        assert!(keys.contains(&("kind".into(), "error-required".into())), "{backend:?}: {keys:?}");
        assert_eq!(e.value("tax_code"), None, "typed values stay out of the URL");
        let again = rep.get(follow(&app, &res)).send().await.unwrap().text().await.unwrap();
        assert!(again.contains("value=\"0100109107\""), "{backend:?}: what was typed comes back");
        assert_eq!(app.count("select count(*) from organisations").await, 0, "{backend:?}");

        let res = create(&app, &rep, "0100 109 106", "Công ty TNHH Hải Đăng", "business").await;
        assert_eq!(location(&res), "/to-chuc?tao=1", "{backend:?}");
        // The same tax code again, by anyone: refused at the field, with what to do.
        let res = create(&app, &agent, TAX, "Hải Đăng giả", "business").await;
        assert_eq!(error_key(&res), ("tax_code".into(), "error-org-taken".into()), "{backend:?}");
        assert_eq!(app.count("select count(*) from organisations").await, 1, "{backend:?}");

        let mine = organisations(&app, &rep).await;
        let org = &mine[0];
        let id = org["id"].as_i64().unwrap();
        assert_eq!((org["tax_code"].as_str(), org["my_role"].as_str()), (Some(TAX), Some("Representative")));
        assert_eq!(org["representative_name"], "Lê Văn Hải");
        assert_eq!(organisations(&app, &agent).await.as_array().unwrap().len(), 0, "{backend:?}");

        // The representative adds people with a proven account, once each.
        let add = |c: &Client, cccd: &str| {
            let id = id.to_string();
            let cccd = cccd.to_string();
            let c = c.clone();
            let app = &app;
            async move {
                app.form(&c, "/api/organisations/add-agent", "/to-chuc", &[("organisation", &id), ("cccd", &cccd)])
                    .await
            }
        };
        assert_eq!(error_key(&add(&rep, "0450").await), ("cccd".into(), "error-cccd-format".into()), "{backend:?}");
        assert_eq!(error_key(&add(&rep, "045090999999").await), ("cccd".into(), "error-org-no-account".into()));
        assert_eq!(location(&add(&rep, "045189100002").await), "/to-chuc?them=1", "{backend:?}");
        assert_eq!(error_key(&add(&rep, "045189100002").await), ("cccd".into(), "error-org-already-member".into()));
        let theirs = organisations(&app, &agent).await;
        assert_eq!((theirs[0]["id"].as_i64(), theirs[0]["my_role"].as_str()), (Some(id), Some("Agent")), "{backend:?}");
        // An agent does not say who else acts for it, nor does a stranger.
        let stranger = app.citizen("Phan Thị Hồng", "045190100003", "0912100003").await;
        assert_eq!(error_key(&add(&agent, "045190100003").await).1, "error-not-found", "{backend:?}");
        assert_eq!(error_key(&add(&stranger, "045190100003").await).1, "error-not-found", "{backend:?}");
        assert_eq!(app.count("select count(*) from organisation_members").await, 2, "{backend:?}");

        // Withdrawn, on the record.
        let member = theirs[0]["members"].as_array().unwrap().iter().find(|m| m["role"] == "Agent").unwrap()["user_id"]
            .as_i64()
            .unwrap()
            .to_string();
        let res = app
            .form(
                &rep,
                "/api/organisations/remove-agent",
                "/to-chuc",
                &[("organisation", &id.to_string()), ("member", &member)],
            )
            .await;
        assert_eq!(location(&res), "/to-chuc?bo=1", "{backend:?}");
        assert_eq!(organisations(&app, &agent).await.as_array().unwrap().len(), 0, "{backend:?}");
        let record: Vec<String> = organisations(&app, &rep).await[0]["record"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {} {}",
                    e["actor"].as_str().unwrap(),
                    e["kind"].as_str().unwrap(),
                    e["subject"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            record,
            [
                "Lê Văn Hải agent-removed Đỗ Thị Mai",
                "Lê Văn Hải agent-added Đỗ Thị Mai",
                "Lê Văn Hải created Công ty TNHH Hải Đăng"
            ],
            "{backend:?}"
        );
        let page = rep.get(app.url("/to-chuc")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Công ty TNHH Hải Đăng") && page.contains(TAX), "{backend:?}");

        // An account that proved nothing does not create one.
        sqlx::query("update users set phone_verified_at = null, verified_by = '' where cccd = '045190100003'")
            .execute(&app.db.pool)
            .await
            .unwrap();
        let res = create(&app, &stranger, "0300588569", "Hồng Phát", "household").await;
        assert_eq!(error_key(&res), ("tax_code".into(), "error-org-unverified".into()), "{backend:?}");
        assert_eq!(app.count("select count(*) from organisations").await, 1, "{backend:?}");
    }
}

/// The public lookup of `code` with its token, as its QR code opens it.
async fn looked_up(app: &TestApp, code: &str) -> serde_json::Value {
    let token = texts(app, "select lookup_token from dossiers where code = $1", code).await.remove(0);
    let url = app.url(&format!("/api/lookup?ma={code}&t={token}"));
    app.client().get(url).send().await.unwrap().json().await.unwrap()
}

async fn submitted(app: &TestApp, key: &str) -> Option<String> {
    texts(app, "select coalesce(code, '') from dossiers where idempotency_key = $1 and status <> 0", key).await.pop()
}

#[tokio::test]
async fn a_dossier_for_an_organisation_or_under_an_authorisation_says_who_applied_for_whom() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let rep = app.citizen("Lê Văn Hải", "045088100001", "0912100001").await;
        let outsider = app.citizen("Đỗ Thị Mai", "045189100002", "0912100002").await;
        create(&app, &rep, TAX, "Công ty TNHH Hải Đăng", "business").await;
        let id = organisations(&app, &rep).await[0]["id"].as_i64().unwrap();
        let p = birth(&app).await;

        // Someone who does not act for it cannot submit for it: nothing is submitted.
        let key = new_key();
        let res =
            post_dossier(&app, &outsider, &p, dossier_form(&p, &key, "submit").text("for", format!("org-{id}"))).await;
        assert_eq!(error_key(&res), ("for".into(), "error-for-unknown".into()), "{backend:?}");
        assert_eq!(submitted(&app, &key).await, None, "{backend:?}");

        // For the organisation.
        let key = new_key();
        let res = post_dossier(&app, &rep, &p, dossier_form(&p, &key, "submit").text("for", format!("org-{id}"))).await;
        let code = submitted(&app, &key).await.unwrap_or_else(|| panic!("{backend:?}: submitted, {}", location(&res)));
        let mine: serde_json::Value =
            rep.get(app.url(&format!("/api/dossiers/get?code={code}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(mine["applied_for"]["Organisation"]["tax_code"], TAX, "{backend:?}");
        let page = rep.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Công ty TNHH Hải Đăng — mã số thuế 0100109106"), "{backend:?}");
        let public = looked_up(&app, &code).await;
        assert_eq!(public["applied_for_masked"], "Công ty TNHH Hải Đăng", "{backend:?}");
        let public: serde_json::Value =
            app.client().get(app.url(&format!("/api/lookup?ma={code}"))).send().await.unwrap().json().await.unwrap();
        assert!(public["applied_for_masked"].is_null(), "{backend:?}: not without the dossier's token");
        let officer = app.login("045185000101", "canbo2026").await;
        let desk = officer.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(desk.contains("data-testid=\"applied-for\"") && desk.contains("mã số thuế 0100109106"), "{backend:?}");

        // The organisation's people follow it: an agent reads it, its files and the list, not
        // the representative's other dossiers; withdrawn, they read nothing of it.
        app.form(
            &rep,
            "/api/organisations/add-agent",
            "/to-chuc",
            &[("organisation", &id.to_string()), ("cccd", "045189100002")],
        )
        .await;
        let org_file = texts(
            &app,
            "select f.id from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1",
            &code,
        )
        .await
        .remove(0);
        let reads = |c: Client, code: String, file: String| {
            let app = &app;
            async move {
                let detail =
                    c.get(app.url(&format!("/api/dossiers/get?code={code}"))).send().await.unwrap().status().as_u16();
                let page = c.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().status().as_u16();
                let file = c.get(app.url(&format!("/tep/{file}"))).send().await.unwrap().status().as_u16();
                let listed = c.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap().contains(&code);
                (detail, page, file, listed)
            }
        };
        assert_eq!(reads(outsider.clone(), code.clone(), org_file.clone()).await, (200, 200, 200, true), "{backend:?}");
        let res = app
            .form(
                &outsider,
                "/api/dossiers/withdraw",
                &format!("/ho-so/{code}"),
                &[("code", &code), ("reason", "Không cần nữa")],
            )
            .await;
        assert_ne!(location(&res), format!("/ho-so/{code}"), "{backend:?}: an agent reads, the applicant acts");
        assert_eq!(
            texts(&app, "select cast(status as text) from dossiers where code = $1", &code).await,
            ["1"],
            "{backend:?}"
        );
        let agent_id =
            texts(&app, "select cast(id as text) from users where cccd = $1", "045189100002").await.remove(0);
        app.form(
            &rep,
            "/api/organisations/remove-agent",
            "/to-chuc",
            &[("organisation", &id.to_string()), ("member", &agent_id)],
        )
        .await;
        assert_eq!(
            reads(outsider.clone(), code.clone(), org_file.clone()).await,
            (404, 404, 404, false),
            "{backend:?}"
        );

        // For a person: their name and CCCD, not one's own, and the authorisation document.
        let key = new_key();
        let person = |form: reqwest::multipart::Form, cccd: &str| {
            form.text("for", "person").text("for_name", "Trần Văn Cường").text("for_cccd", cccd.to_string())
        };
        let res = post_dossier(&app, &rep, &p, person(dossier_form(&p, &key, "submit"), "045088100001")).await;
        assert_eq!(error_key(&res), ("for_cccd".into(), "error-for-self".into()), "{backend:?}");
        // Birth registration lists the authorisation among its components: it goes there.
        let slot = p.components.iter().find(|c| c.name.starts_with("Văn bản ủy quyền")).expect("1.001193 lists it").id;
        let res = post_dossier(&app, &rep, &p, person(dossier_form(&p, &key, "submit"), "045090001999")).await;
        let e = redirected_error(&res);
        assert_eq!(
            field_keys(&e),
            [(format!("file_{slot}"), "error-authorisation-required".to_string())],
            "{backend:?}"
        );
        let again = rep.get(follow(&app, &res)).send().await.unwrap().text().await.unwrap();
        assert!(again.contains("value=\"Trần Văn Cường\""), "{backend:?}: the choice comes back");
        assert!(
            again.contains("id=\"for-person\" name=\"for\" value=\"person\" checked"),
            "{backend:?}: the choice comes back"
        );
        assert_eq!(submitted(&app, &key).await, None, "{backend:?}");
        let letter = Part::bytes(pdf("Giấy ủy quyền")).file_name("uy-quyen.pdf").mime_str("application/pdf").unwrap();
        let form = person(dossier_form(&p, &key, "submit"), "045090001999").part(format!("file_{slot}"), letter);
        let res = post_dossier(&app, &rep, &p, form).await;
        let code = submitted(&app, &key).await.unwrap_or_else(|| panic!("{backend:?}: submitted, {}", location(&res)));
        let r = sqlx::query(
            "select d.for_kind, d.for_name, d.for_number, (select count(*) from dossier_files f where f.dossier_id = d.id and f.component_id = $2) as letters \
             from dossiers d where d.code = $1",
        )
        .bind(&code)
        .bind(slot)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(
            (r.get::<String, _>(0), r.get::<String, _>(1), r.get::<String, _>(2), r.get::<i64, _>(3)),
            ("person".into(), "Trần Văn Cường".into(), "045090001999".into(), 1),
            "{backend:?}"
        );
        let desk = officer.get(app.url(&format!("/mot-cua/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(
            desk.contains("Trần Văn Cường — theo văn bản ủy quyền") && desk.contains("045090001999"),
            "{backend:?}"
        );
        assert!(desk.contains("uy-quyen.pdf"), "{backend:?}: the desk opens the authorisation");
        let public = looked_up(&app, &code).await;
        assert_eq!(public["applied_for_masked"], "Trần V*** C", "{backend:?}: a person's name is masked");
        // The applicant downloads the authorisation they sent.
        let letter_id = texts(
            &app,
            "select f.id from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1 and f.file_name = 'uy-quyen.pdf'",
            &code,
        )
        .await
        .remove(0);
        assert_eq!(rep.get(app.url(&format!("/tep/{letter_id}"))).send().await.unwrap().status(), 200, "{backend:?}");
        assert_eq!(outsider.get(app.url(&format!("/tep/{letter_id}"))).send().await.unwrap().status(), 404);
    }
}

#[tokio::test]
async fn a_procedure_that_does_not_list_the_authorisation_takes_it_beside_its_components() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.citizen("Lê Văn Hải", "045088100001", "0912100001").await;
        // A procedure received at Đông Hà whose components say nothing of an authorisation.
        let codes =
            texts(&app, "select code from procedures where receiving_agency = $1 order by code", "000.20.01.H45").await;
        let mut chosen = None;
        for code in codes {
            let p = app.db.procedure(&code).await.unwrap().unwrap();
            if p.online_full && !p.components.iter().any(|c| app::domain::text::fold(&c.name).contains("uy quyen")) {
                chosen = Some(p);
                break;
            }
        }
        let p = chosen.expect("the demo catalogue has such a procedure at Đông Hà");
        let key = new_key();
        let person = |form: reqwest::multipart::Form| {
            form.text("for", "person").text("for_name", "Trần Văn Cường").text("for_cccd", "045090001999")
        };
        let res = post_dossier(&app, &c, &p, person(dossier_form(&p, &key, "submit"))).await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            [("file_-1".to_string(), "error-authorisation-required".to_string())],
            "{backend:?}: {}",
            p.code
        );
        let letter = Part::bytes(pdf("Giấy ủy quyền")).file_name("uy-quyen.pdf").mime_str("application/pdf").unwrap();
        let res = post_dossier(&app, &c, &p, person(dossier_form(&p, &key, "submit")).part("file_-1", letter)).await;
        let code = submitted(&app, &key).await.unwrap_or_else(|| panic!("{backend:?}: submitted, {}", location(&res)));
        // Kept under no component of the procedure; the applicant opens it from the dossier.
        let ids = texts(
            &app,
            "select f.id from dossier_files f join dossiers d on d.id = f.dossier_id where d.code = $1 and f.component_id is null",
            &code,
        )
        .await;
        assert_eq!(ids.len(), 1, "{backend:?}");
        assert_eq!(c.get(app.url(&format!("/tep/{}", ids[0]))).send().await.unwrap().status(), 200, "{backend:?}");
        let page = c.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("uy-quyen.pdf"), "{backend:?}");
        // A dossier for oneself takes no authorisation: one posted anyway is not kept.
        let key = new_key();
        let letter = Part::bytes(pdf("Giấy ủy quyền")).file_name("thua.pdf").mime_str("application/pdf").unwrap();
        post_dossier(&app, &c, &p, dossier_form(&p, &key, "submit").part("file_-1", letter)).await;
        assert!(submitted(&app, &key).await.is_some(), "{backend:?}");
        assert_eq!(
            app.count("select count(*) from dossier_files where file_name = 'thua.pdf'").await,
            0,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn crafted_requests_to_the_organisation_endpoints_and_the_for_whom_fields_write_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let rep = app.citizen("Lê Văn Hải", "045088100001", "0912100001").await;
        let other = app.citizen("Đỗ Thị Mai", "045189100002", "0912100002").await;
        create(&app, &rep, TAX, "Công ty TNHH Hải Đăng", "business").await;
        let id = organisations(&app, &rep).await[0]["id"].as_i64().unwrap().to_string();
        let written = || async {
            (
                app.count("select count(*) from organisations").await,
                app.count("select count(*) from organisation_members").await,
                app.count("select count(*) from organisation_events").await,
            )
        };
        let before = written().await;

        // No session: 401 for every endpoint.
        let anonymous = app.client();
        assert_eq!(anonymous.get(app.url("/api/organisations/mine")).send().await.unwrap().status(), 401);
        for (path, fields) in [
            (
                "/api/organisations/create",
                vec![("tax_code", "0300588569"), ("name", "X"), ("kind", "business"), ("address", "Y")],
            ),
            ("/api/organisations/add-agent", vec![("organisation", id.as_str()), ("cccd", "045189100002")]),
            ("/api/organisations/remove-agent", vec![("organisation", id.as_str()), ("member", "1")]),
        ] {
            let res = anonymous.post(app.url(path)).form(&fields).send().await.unwrap();
            assert_eq!(res.status(), 401, "{backend:?} {path}");
        }
        // Another citizen acts on someone else's organisation; an officer opens one.
        let res = app
            .form(
                &other,
                "/api/organisations/add-agent",
                "/to-chuc",
                &[("organisation", &id), ("cccd", "045189100002")],
            )
            .await;
        assert_eq!(error_key(&res).1, "error-not-found", "{backend:?}");
        let res = app
            .form(&other, "/api/organisations/remove-agent", "/to-chuc", &[("organisation", &id), ("member", "1")])
            .await;
        assert_eq!(error_key(&res).1, "error-not-found", "{backend:?}");
        let officer = app.login("045185000101", "canbo2026").await;
        let res = create(&app, &officer, "0300588569", "Cơ quan", "business").await;
        assert_eq!(error_key(&res).1, "error-forbidden", "{backend:?}");
        // Wrong shapes, repeated and huge fields, control characters.
        for body in [
            "organisation=abc&cccd=045189100002".to_string(),
            format!("organisation={id}&organisation={id}&cccd=045189100002"),
            format!("organisation={id}&cccd={}", "9".repeat(3 * 1024 * 1024)),
        ] {
            let res = rep
                .post(app.url("/api/organisations/add-agent"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_client_error(), "{backend:?} {}", res.status());
        }
        let res = create(&app, &rep, "0300588569", "Hồng\u{0007}Phát", "club").await;
        let keys = field_keys(&redirected_error(&res));
        assert!(keys.contains(&("name".into(), "error-text-control".into())), "{backend:?} {keys:?}");
        assert!(keys.contains(&("kind".into(), "error-required".into())), "{backend:?} {keys:?}");
        assert_eq!(written().await, before, "{backend:?}: nothing written");

        // The e-form: a crafted choice, a name with control characters, a thousand file parts.
        let p = birth(&app).await;
        let key = new_key();
        let res = post_dossier(&app, &rep, &p, dossier_form(&p, &key, "submit").text("for", "org-1 or 1=1")).await;
        assert_eq!(error_key(&res), ("for".into(), "error-for-unknown".into()), "{backend:?}");
        let res = post_dossier(
            &app,
            &rep,
            &p,
            dossier_form(&p, &key, "submit")
                .text("for", "person")
                .text("for_name", "Cường\u{0000}")
                .text("for_cccd", "045090001999"),
        )
        .await;
        assert!(field_keys(&redirected_error(&res)).iter().any(|(f, _)| f == "for_name"), "{backend:?}");
        let mut form = dossier_text(&p, &key, "submit").text("for", "person");
        for i in 0..1000 {
            form = form.part("file_-1", Part::bytes(vec![b'%'; 8]).file_name(format!("{i}.pdf")));
        }
        let res = post_dossier(&app, &rep, &p, form).await;
        assert!(res.status().is_redirection() || res.status().is_client_error(), "{backend:?} {}", res.status());
        assert_eq!(submitted(&app, &key).await, None, "{backend:?}: nothing submitted");
        assert_eq!(app.count("select count(*) from dossiers where for_kind is not null").await, 0, "{backend:?}");
        // What the organisation's JSON carries: names and roles, never a CCCD or phone.
        let shown = organisations(&app, &rep).await.to_string();
        assert!(!shown.contains("045088100001") && !shown.contains("0912100001"), "{backend:?}: {shown}");
    }
}
