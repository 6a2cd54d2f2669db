//! Administration (issue 11): agencies and units, officers with one-time password links, who may
//! manage whom, deactivation, and the record of every change.

use crate::support::*;

const PROVINCE_ADMIN: &str = "045192000205";
const AGENCY_ADMIN: &str = "045090000105";
const RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";

fn agency_fields<'a>(code: &'a str, kind: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("parent", "000.00.00.H45"),
        ("code", code),
        ("name_vi", "Sở Nội vụ"),
        ("name_en", "Department of Home Affairs"),
        ("kind", kind),
        ("address", "Số 1 Hùng Vương, Đông Hà"),
        ("phone", phone),
        ("opening_hours", "Thứ Hai–Thứ Sáu 7:30–17:00"),
        ("bank_account", "3711 0000 1234, Kho bạc Nhà nước Quảng Trị"),
    ]
}

fn officer_fields<'a>(agency: &'a str, cccd: &'a str, role: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("agency", agency),
        ("full_name", "Trần Văn Nam"),
        ("cccd", cccd),
        ("phone", "0905111222"),
        ("email", ""),
        ("role", role),
        ("unit", unit),
    ]
}

/// The kept link shown after creating an officer or issuing a new link.
async fn shown_link(app: &TestApp, c: &reqwest::Client, location: &str) -> String {
    let url = reqwest::Url::parse(&format!("http://x{location}")).unwrap();
    let get = |k: &str| url.query_pairs().find(|(x, _)| x == k).map(|(_, v)| v.to_string()).unwrap_or_default();
    let res = c
        .get(app.url(&format!("/api/admin/officers?agency={}&link={}", get("co-quan"), get("lien-ket"))))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().await.unwrap();
    v["link"][1].as_str().unwrap_or_else(|| panic!("a link in {v}")).to_string()
}

#[tokio::test]
async fn a_province_administrator_adds_an_agency_a_unit_and_an_officer_who_sets_a_password() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        let agencies_before = app.count("select count(*) from agencies").await;

        // Bad input: each reason at its field; nothing saved.
        let res = app
            .form(
                &admin,
                "/api/admin/agency-add",
                "/mot-cua/co-quan",
                &agency_fields("Sở Nội vụ", "ministry", "0233<script>"),
            )
            .await;
        let keys = field_keys(&redirected_error(&res));
        for (f, k) in [("code", "error-agency-code-format"), ("kind", "error-select"), ("phone", "error-phone-line")] {
            assert!(keys.contains(&(f.into(), k.into())), "{backend:?}: {f} {k} in {keys:?}");
        }
        assert_eq!(app.count("select count(*) from agencies").await, agencies_before, "{backend:?}");

        let res = app
            .form(
                &admin,
                "/api/admin/agency-add",
                "/mot-cua/co-quan",
                &agency_fields("000.09.00.H45", "department", "0233 3 852 000"),
            )
            .await;
        assert_eq!(location(&res), "/mot-cua/co-quan?xong=1", "{backend:?}");
        assert_eq!(app.count("select count(*) from agencies where code = '000.09.00.H45' and parent_code = '000.00.00.H45' and opening_hours <> '' and bank_account <> ''").await, 1);
        let res = app
            .form(
                &admin,
                "/api/admin/agency-add",
                "/mot-cua/co-quan",
                &agency_fields("000.09.00.H45", "department", ""),
            )
            .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("code".into(), "error-agency-code-taken".into())],
            "{backend:?}"
        );

        // A unit of it.
        let unit = |code: &'static str| {
            vec![
                ("agency", "000.09.00.H45"),
                ("unit_code", code),
                ("unit_name_vi", "Phòng Tổ chức"),
                ("unit_name_en", ""),
            ]
        };
        let res = app.form(&admin, "/api/admin/unit-add", "/mot-cua/co-quan", &unit("Phòng 1")).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("unit_code".into(), "error-unit-code-format".into())]);
        let res = app.form(&admin, "/api/admin/unit-add", "/mot-cua/co-quan", &unit("tc")).await;
        assert_eq!(location(&res), "/mot-cua/co-quan?xong=1", "{backend:?}");
        let res = app.form(&admin, "/api/admin/unit-add", "/mot-cua/co-quan", &unit("TC")).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("unit_code".into(), "error-unit-code-taken".into())]);

        // An officer: a specialist needs a unit; then a one-time link, shown to the administrator.
        let page = "/mot-cua/can-bo?co-quan=000.09.00.H45";
        let res = app
            .form(
                &admin,
                "/api/admin/officer-add",
                page,
                &officer_fields("000.09.00.H45", "045087009001", "specialist", ""),
            )
            .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("unit".into(), "error-unit-required".into())],
            "{backend:?}"
        );
        let res = app
            .form(
                &admin,
                "/api/admin/officer-add",
                page,
                &officer_fields("000.09.00.H45", "045087009001", "specialist", "TC"),
            )
            .await;
        let loc = location(&res);
        assert!(loc.starts_with("/mot-cua/can-bo?co-quan=000.09.00.H45&lien-ket="), "{backend:?}: {loc}");
        assert!(!loc.contains("045087009001"), "{backend:?}: no CCCD in the URL");
        let link = shown_link(&app, &admin, &loc).await;
        // Another administrator's session does not see it.
        let other = app.login(PROVINCE_ADMIN, PASSWORD).await;
        let id = loc.rsplit_once("lien-ket=").unwrap().1;
        let v: serde_json::Value = other
            .get(app.url(&format!("/api/admin/officers?agency=000.09.00.H45&link={id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(v["link"].is_null(), "{backend:?}: the link is this session's only");
        assert_eq!(v["officers"][0]["has_password"], false, "{backend:?}");
        let res = app
            .form(
                &admin,
                "/api/admin/officer-add",
                page,
                &officer_fields("000.09.00.H45", "045087009001", "reception", ""),
            )
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("cccd".into(), "error-cccd-has-account".into())]);

        let officer = app.client();
        let t = link.rsplit_once("t=").unwrap().1;
        let res = app
            .form(&officer, "/api/setup/password", "/dat-mat-khau", &[("t", t), ("password", "nam-matkhau-2026")])
            .await;
        assert_eq!(location(&res), "/dang-nhap?mat-khau=1&next=%2Fmot-cua", "{backend:?}");
        app.login("045087009001", "nam-matkhau-2026").await;
        let v: serde_json::Value =
            admin.get(app.url("/api/admin/officers?agency=000.09.00.H45")).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["officers"][0]["sign_ins"].as_array().unwrap().len(), 1, "{backend:?}: the sign-in is shown");
        // Every change is on the record, with who made it.
        let record = app.count("select count(*) from admin_events where agency = '000.09.00.H45' and actor_name in ('Mai Thị Cúc', 'Trần Văn Nam')").await;
        assert_eq!(record, 5, "{backend:?}: agency, unit, officer, its link, its password");
    }
}

#[tokio::test]
async fn an_agency_administrator_manages_only_their_own_agency() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(AGENCY_ADMIN, PASSWORD).await;
        let res = app
            .form(
                &admin,
                "/api/admin/agency-add",
                "/mot-cua/co-quan",
                &agency_fields("000.09.00.H45", "department", ""),
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");
        let res = admin.get(app.url("/api/admin/officers?agency=000.00.01.H45")).send().await.unwrap();
        assert_eq!(res.status(), 403, "{backend:?}: another agency's officers");
        let page = "/mot-cua/can-bo";
        let res = app
            .form(
                &admin,
                "/api/admin/officer-add",
                page,
                &officer_fields("000.00.01.H45", "045087009002", "reception", ""),
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");
        let res = app
            .form(
                &admin,
                "/api/admin/officer-add",
                page,
                &officer_fields("000.20.01.H45", "045087009002", "province-admin", ""),
            )
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("role".into(), "error-select".into())], "{backend:?}");
        let res = app
            .form(
                &admin,
                "/api/admin/officer-add",
                page,
                &officer_fields("000.20.01.H45", "045087009002", "reception", ""),
            )
            .await;
        assert!(location(&res).starts_with("/mot-cua/can-bo?co-quan=000.20.01.H45&lien-ket="), "{backend:?}");
        let v: serde_json::Value =
            admin.get(app.url("/api/admin/agencies")).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["tree"].as_array().unwrap().len(), 1, "{backend:?}: their own agency only");

        // Officers and citizens have no administration.
        let desk = app.login(RECEPTION, PASSWORD).await;
        assert_eq!(desk.get(app.url("/api/admin/agencies")).send().await.unwrap().status(), 403);
        let citizen = app.citizen("Hoàng Thị Mai", "045195009003", "0912000003").await;
        assert_eq!(citizen.get(app.url("/api/admin/officers")).send().await.unwrap().status(), 403);
    }
}

#[tokio::test]
async fn a_deactivated_officer_is_signed_out_and_cannot_sign_in_until_reactivated() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(AGENCY_ADMIN, PASSWORD).await;
        let officer = app.login(RECEPTION, PASSWORD).await;
        assert_eq!(officer.get(app.url("/api/admin/agencies")).send().await.unwrap().status(), 403, "signed in");
        let id = app.count(&format!("select id from users where cccd = '{RECEPTION}'")).await.to_string();
        let page = "/mot-cua/can-bo";
        let fields =
            |active: &'static str| vec![("agency", "000.20.01.H45"), ("officer", id.as_str()), ("active", active)];
        let res = app.form(&admin, "/api/admin/officer-active", page, &fields("0")).await;
        assert_eq!(location(&res), "/mot-cua/can-bo?co-quan=000.20.01.H45&xong=1", "{backend:?}");
        assert_eq!(
            officer.get(app.url("/api/admin/agencies")).send().await.unwrap().status(),
            401,
            "{backend:?}: signed out"
        );
        let res = app
            .form(
                &app.client(),
                "/api/account/login",
                "/dang-nhap",
                &[("cccd", RECEPTION), ("password", PASSWORD), ("next", "/")],
            )
            .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("password".into(), "error-login-failed".into())],
            "{backend:?}"
        );
        // Their dossiers' history keeps their name; a new link is refused while deactivated.
        let res = app
            .form(&admin, "/api/admin/officer-link", page, &[("agency", "000.20.01.H45"), ("officer", id.as_str())])
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Conflict("error-officer-inactive".into()));
        app.form(&admin, "/api/admin/officer-active", page, &fields("1")).await;
        app.login(RECEPTION, PASSWORD).await;
        // Nobody deactivates themselves; nobody reaches another agency's officer.
        let me = app.count(&format!("select id from users where cccd = '{AGENCY_ADMIN}'")).await.to_string();
        let res = app
            .form(
                &admin,
                "/api/admin/officer-active",
                page,
                &[("agency", "000.20.01.H45"), ("officer", me.as_str()), ("active", "0")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Conflict("error-deactivate-self".into()));
        let theirs = app.count("select id from users where cccd = '045190000201'").await.to_string();
        let res = app
            .form(
                &admin,
                "/api/admin/officer-active",
                page,
                &[("agency", "000.20.01.H45"), ("officer", theirs.as_str()), ("active", "0")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        assert_eq!(
            app.count("select count(*) from admin_events where action in ('officer-deactivate', 'officer-activate')")
                .await,
            2
        );
    }
}

#[tokio::test]
async fn crafted_requests_to_the_administration_and_the_links_are_refused_and_write_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let agencies = app.count("select count(*) from agencies").await;
        let users = app.count("select count(*) from users").await;
        // No session.
        let anon = app.client();
        assert_eq!(anon.get(app.url("/api/admin/officers")).send().await.unwrap().status(), 401, "{backend:?}");
        let res = app
            .form(&anon, "/api/admin/agency-add", "/mot-cua/co-quan", &agency_fields("000.09.00.H45", "department", ""))
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Unauthenticated, "{backend:?}");
        let res = app
            .form(
                &anon,
                "/api/admin/officer-add",
                "/mot-cua/can-bo",
                &officer_fields("000.20.01.H45", "045087009004", "reception", ""),
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Unauthenticated, "{backend:?}");

        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        // Control characters and oversized fields are told at their field.
        let mut fields = agency_fields("000.09.00.H45", "department", "");
        fields[5] = ("address", "Số 1\u{0}Hùng Vương");
        fields[7] = ("opening_hours", "x");
        let long = "ạ".repeat(301);
        fields[8] = ("bank_account", long.as_str());
        let res = app.form(&admin, "/api/admin/agency-add", "/mot-cua/co-quan", &fields).await;
        let keys = field_keys(&redirected_error(&res));
        assert!(keys.contains(&("address".into(), "error-text-control".into())), "{backend:?}: {keys:?}");
        assert!(keys.contains(&("bank_account".into(), "error-too-long".into())), "{backend:?}: {keys:?}");
        // A body far over the limit is refused before it is read; a repeated field is a bad request.
        let huge = "x".repeat(2 * 1024 * 1024);
        let mut fields = officer_fields("000.20.01.H45", "045087009004", "reception", "");
        fields[1] = ("full_name", huge.as_str());
        let res = app.form(&admin, "/api/admin/officer-add", "/mot-cua/can-bo", &fields).await;
        // A browser is sent back to the form with the reason (the API answers 413).
        assert_eq!(res.status(), 303, "{backend:?}");
        assert_eq!(
            redirected_error(&res),
            app::error::AppError::Conflict("error-form-too-large".into()),
            "{backend:?}"
        );
        let mut fields = officer_fields("000.20.01.H45", "045087009004", "reception", "");
        fields.push(("role", "province-admin"));
        let res = app.form(&admin, "/api/admin/officer-add", "/mot-cua/can-bo", &fields).await;
        assert!(
            res.status().is_client_error() || !location(&res).contains("lien-ket"),
            "{backend:?}: {}",
            res.status()
        );
        // An officer id that is not a number, or another agency's.
        let res = app
            .form(
                &admin,
                "/api/admin/officer-role",
                "/mot-cua/can-bo",
                &[("agency", "000.20.01.H45"), ("officer", "1 or 1=1"), ("role", "reception"), ("unit", "")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        // Links: a garbage purpose, a token of any length.
        let res = anon.get(app.url("/api/setup/link?t=x&purpose=root")).send().await.unwrap();
        assert_eq!(res.status(), 404, "{backend:?}");
        let res = anon
            .get(app.url(&format!("/api/setup/link?t={}&purpose=password", "A".repeat(4000))))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["live"], false);
        let res = app
            .form(&anon, "/api/setup/password", "/dat-mat-khau", &[("t", "\u{202e}AAAA"), ("password", "matkhau-2026")])
            .await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("t".into(), "error-link-dead".into())]);
        assert_eq!(app.count("select count(*) from agencies").await, agencies, "{backend:?}: nothing written");
        assert_eq!(app.count("select count(*) from users").await, users, "{backend:?}: nothing written");
    }
}

fn details<'a>(agency: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("agency", agency),
        ("name_vi", "Ủy ban nhân dân phường Đông Hà"),
        ("name_en", "Dong Ha Ward People's Committee"),
        ("address", "Số 2 Trần Hưng Đạo, Đông Hà"),
        ("phone", phone),
        ("opening_hours", "Thứ Hai–Thứ Sáu 7:00–17:00"),
        ("bank_account", ""),
    ]
}

#[tokio::test]
async fn an_agency_is_edited_and_deactivated_without_breaking_the_dossiers_it_holds() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.login(PROVINCE_ADMIN, PASSWORD).await;
        let commune = "000.20.01.H45";
        // Details: bad input at its field; then saved, on the record.
        let res = app.form(&admin, "/api/admin/agency-edit", "/mot-cua/co-quan", &details(commune, "gọi 113")).await;
        assert_eq!(field_keys(&redirected_error(&res)), vec![("phone".into(), "error-phone-line".into())]);
        let res =
            app.form(&admin, "/api/admin/agency-edit", "/mot-cua/co-quan", &details(commune, "0233 3 852 111")).await;
        assert_eq!(location(&res), format!("/mot-cua/co-quan?sua={commune}&xong=1"), "{backend:?}");
        let a = app.db.agency(commune).await.unwrap();
        assert_eq!((a.name.vi.as_str(), a.phone.as_str()), ("Ủy ban nhân dân phường Đông Hà", "0233 3 852 111"));

        // Deactivated: it leaves the public lists and takes no new dossier; what it holds goes on.
        let open = app.db.open_dossiers_of(commune).await.unwrap();
        assert!(open > 0, "{backend:?}: the demo has dossiers at the commune");
        let res = app
            .form(&admin, "/api/admin/agency-active", "/mot-cua/co-quan", &[("agency", commune), ("active", "0")])
            .await;
        assert_eq!(location(&res), format!("/mot-cua/co-quan?sua={commune}&xong=1"), "{backend:?}");
        assert!(!app.db.agencies().await.unwrap().iter().any(|a| a.code == commune), "{backend:?}");
        let citizen = app.citizen("Lê Văn Tám", "045099012345", "0905123456").await;
        let p = birth(&app).await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        assert_eq!(
            redirected_error(&res),
            app::error::AppError::Conflict("error-agency-inactive".into()),
            "{backend:?}"
        );
        assert_eq!(app.db.open_dossiers_of(commune).await.unwrap(), open, "{backend:?}");
        let desk = app.login(RECEPTION, PASSWORD).await;
        let inbox = desk.get(app.url("/mot-cua")).send().await.unwrap();
        assert_eq!(inbox.status(), 200, "{backend:?}: its officers still work its dossiers");
        let view: serde_json::Value = admin
            .get(app.url(&format!("/api/admin/agencies?edit={commune}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(view["editing"][1], open, "{backend:?}");
        assert!(view["events"].to_string().contains("agency-deactivate"), "{backend:?}");
        // Back again: it receives.
        app.form(&admin, "/api/admin/agency-active", "/mot-cua/co-quan", &[("agency", commune), ("active", "1")]).await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        assert_eq!(res.status(), 302, "{backend:?}");
        assert!(!location(&res).contains("__err"), "{backend:?}: {}", location(&res));

        // The province is not deactivated; an agency's administrator deactivates nothing.
        let res = app
            .form(
                &admin,
                "/api/admin/agency-active",
                "/mot-cua/co-quan",
                &[("agency", "000.00.00.H45"), ("active", "0")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Conflict("error-deactivate-province".into()));
        let agency_admin = app.login(AGENCY_ADMIN, PASSWORD).await;
        let res = app
            .form(
                &agency_admin,
                "/api/admin/agency-active",
                "/mot-cua/co-quan",
                &[("agency", commune), ("active", "0")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");

        // A unit renamed, then deactivated: a catalogue file can no longer send work to it.
        let res = app
            .form(
                &agency_admin,
                "/api/admin/unit-change",
                "/mot-cua/co-quan",
                &[
                    ("agency", commune),
                    ("unit", "VHXH"),
                    ("unit_name_vi", "Phòng Văn hóa, Khoa học và Thông tin"),
                    ("unit_name_en", ""),
                ],
            )
            .await;
        assert_eq!(location(&res), format!("/mot-cua/co-quan?sua={commune}&xong=1"), "{backend:?}");
        app.form(
            &agency_admin,
            "/api/admin/unit-change",
            "/mot-cua/co-quan",
            &[("agency", commune), ("unit", "VHXH"), ("active", "0")],
        )
        .await;
        let known = app.db.catalogue_known().await.unwrap();
        assert!(!known.units.contains_key(&(commune.to_string(), "VHXH".to_string())), "{backend:?}");
        assert!(known.units.contains_key(&(commune.to_string(), "VP".to_string())), "{backend:?}");
        let res = app
            .form(
                &agency_admin,
                "/api/admin/unit-change",
                "/mot-cua/co-quan",
                &[("agency", "000.00.12.H45"), ("unit", "QLXD"), ("active", "0")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}: not their agency");
    }
}
