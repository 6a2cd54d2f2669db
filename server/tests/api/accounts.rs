use crate::support::*;
use sqlx::Row;

#[tokio::test]
async fn registration_validates_every_field_and_saves_nothing_on_error() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.client();
        let before = app.count("select count(*) from users").await;
        let res = app
            .form(
                &c,
                "/api/account/register",
                "/dang-ky",
                &[
                    ("full_name", ""),
                    ("cccd", "12345"),
                    ("phone", "0233385212"),
                    ("email", "a@b"),
                    ("password", "12345678"),
                    ("next", "/ho-so"),
                ],
            )
            .await;
        assert_eq!(res.status(), 302, "{backend:?}: browser form goes back to the page");
        let e = redirected_error(&res);
        assert_eq!(
            field_keys(&e),
            vec![
                ("full_name".into(), "error-required".into()),
                ("cccd".into(), "error-cccd-format".into()),
                ("phone".into(), "error-phone-format".into()),
                ("email".into(), "error-email-format".into()),
                ("password".into(), "error-password-weak".into()),
            ]
        );
        assert_eq!(e.value("cccd"), None, "typed values stay out of the URL");
        assert_eq!(app.count("select count(*) from users").await, before, "{backend:?}: nothing saved");

        // The page shows the message next to the field.
        let html = c.get(location(&res)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Số định danh phải gồm đúng 12 chữ số."));
        assert!(html.contains("value=\"12345\""), "typed values come back from the server");
        assert!(!html.contains("12345678"), "passwords never come back");
        assert!(html.contains("error-summary"));

        // A JSON client gets a 400 with the field errors.
        let api = app
            .client()
            .post(app.url("/api/account/register"))
            .form(&[("full_name", "A"), ("cccd", "x"), ("phone", "x"), ("email", ""), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 400);
    }
}

/// What an observer of one registration sees: status, where it leads, the cookies it sets (their
/// random values blanked out), and the body with the CCCD blanked out.
async fn observe(res: reqwest::Response, cccd: &str) -> (u16, String, Vec<String>, String) {
    let status = res.status().as_u16();
    let loc = location(&res);
    let cookies = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let v = v.to_str().unwrap();
            let (name, rest) = v.split_once('=').unwrap();
            format!("{name}=<random>{}", &rest[rest.find(';').unwrap_or(rest.len())..])
        })
        .collect();
    let body = res.text().await.unwrap().replace(cccd, "<cccd>");
    (status, loc, cookies, body)
}

#[tokio::test]
async fn registering_a_cccd_that_has_an_account_looks_exactly_like_a_new_registration() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        app.citizen("Lê Thị Hoa", "045300000111", "0901234567").await;
        // Free, taken online, taken by a demo citizen, taken by an officer: one answer.
        let cases = ["045300000222", "045300000111", "045195004321", "045185000101"];
        let mut browser = Vec::new();
        let mut clients = Vec::new();
        let mut api = Vec::new();
        for (i, cccd) in cases.iter().enumerate() {
            let phone = format!("09012345{i}8");
            let c = app.client();
            let res = app.register(&c, "Người Khác", cccd, &phone, "matkhau2026").await;
            browser.push(observe(res, cccd).await);
            clients.push((c, phone));
            let res = app
                .client()
                .post(app.url("/api/account/register"))
                .form(&[
                    ("full_name", "Người Khác"),
                    ("cccd", cccd),
                    ("phone", &format!("09012346{i}8")),
                    ("email", ""),
                    ("password", "matkhau2026"),
                ])
                .send()
                .await
                .unwrap();
            api.push(observe(res, cccd).await);
        }
        assert_eq!(browser[0].0, 302, "{backend:?}: {:?}", browser[0]);
        assert_eq!(browser[0].1, SIGNUP_CODE, "{backend:?}: on to the code");
        assert_eq!(browser[0].2.len(), 1, "{backend:?}: one cookie: {:?}", browser[0].2);
        assert!(
            browser[0].2[0].starts_with("signup=<random>") && browser[0].2[0].contains("HttpOnly"),
            "{backend:?}: the sign-up's ticket, not a session: {:?}",
            browser[0].2
        );
        for (i, cccd) in cases.iter().enumerate().skip(1) {
            assert_eq!(browser[i], browser[0], "{backend:?}: a browser cannot tell {cccd} apart");
            assert_eq!(api[i], api[0], "{backend:?}: nor an API client");
        }
        // Nothing exists nor changed before the code is given.
        assert_eq!(app.count("select count(*) from users where cccd = '045300000222'").await, 0, "{backend:?}");
        assert_eq!(app.count("select count(*) from users where cccd = '045300000111'").await, 1);
        let res = app
            .form(
                &app.client(),
                "/api/account/login",
                "/dang-nhap",
                &[("cccd", "045300000111"), ("password", "matkhau2026")],
            )
            .await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}: the owner's password still works");

        // The code proves the phone: the free CCCD gets its account, signed in and verified.
        let (c, phone) = &clients[0];
        let res = app.confirm_signup(c, phone).await;
        assert_eq!(location(&res), "/ho-so", "{backend:?}: signed in");
        let verified: String = sqlx::query("select verified_by from users where cccd = '045300000222'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .get(0);
        assert_eq!(verified, "phone", "{backend:?}: the phone is proven");
        // A CCCD whose holder proved a phone, or was checked at a desk, is not taken over by
        // whoever proves another phone: the page says to go to a desk.
        for (c, phone) in &clients[1..] {
            let res = app.confirm_signup(c, phone).await;
            let e = redirected_error(&res);
            assert_eq!(e.key(), "error-signup-taken", "{backend:?}: {phone}");
        }
        assert_eq!(app.count("select count(*) from users where full_name = 'Người Khác'").await, 1, "{backend:?}");
        assert_eq!(
            app.count("select count(*) from users where cccd = '045195004321' and contested_at is null").await,
            1,
            "{backend:?}: the desk-checked account is untouched"
        );
    }
}

#[tokio::test]
async fn registration_and_claiming_are_rate_limited_per_cccd_and_per_address() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let api = app.client();
    let attempt = |path: &'static str, cccd: String| {
        let (api, url) = (api.clone(), app.url(path));
        async move {
            // A weak password: refused (400) without hashing anything, but counted.
            let fields = [
                ("full_name", "Lê Văn Thử"),
                ("cccd", cccd.as_str()),
                ("phone", "0901234567"),
                ("email", ""),
                ("code", "ABCDE-FGHJK"),
                ("password", "1"),
            ];
            api.post(url).form(&fields).send().await.unwrap().status().as_u16()
        }
    };
    // Per CCCD: 5 attempts in 15 minutes, registration and claim together.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let path = if i % 2 == 0 { "/api/account/register" } else { "/api/account/claim" };
        statuses.push(attempt(path, "045300000333".into()).await);
    }
    assert_eq!(statuses, [400, 400, 400, 400, 400, 429], "the sixth attempt for one CCCD is refused");
    assert_eq!(attempt("/api/account/register", "045300000444".into()).await, 400, "another CCCD still passes");
    assert_eq!(attempt("/api/account/claim", "045095001234".into()).await, 400);
    // Per address: 20 in 15 minutes, whatever the CCCDs.
    let mut statuses = Vec::new();
    for i in 0..14 {
        statuses.push(attempt("/api/account/register", format!("0453000010{i:02}")).await);
    }
    assert!(statuses[..12].iter().all(|s| *s == 400), "{statuses:?}");
    assert_eq!(&statuses[12..], [429, 429], "the 21st attempt from one address is refused");
    assert_eq!(attempt("/api/account/claim", "045300009999".into()).await, 429, "claiming too");
}

#[tokio::test]
async fn sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.client();
        let res = app
            .form(
                &c,
                "/api/account/login",
                "/dang-nhap",
                &[("cccd", "045095001234"), ("password", "matkhau2026"), ("next", "/ho-so")],
            )
            .await;
        assert_eq!(res.status(), 302, "{backend:?}");
        assert_eq!(location(&res), "/ho-so");
        let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
            "{cookie}"
        );
        let mine = c.get(app.url("/ho-so")).send().await.unwrap().text().await.unwrap();
        assert!(mine.contains("Nguyễn Văn An"));
        app.form(&c, "/api/account/logout", "/ho-so", &[]).await;
        let after = c.get(app.url("/ho-so")).send().await.unwrap();
        assert_eq!(after.status(), 401);
        assert_eq!(app.count("select count(*) from sessions").await, 0);
    }
}

#[tokio::test]
async fn failed_sign_ins_do_not_reveal_accounts_and_are_rate_limited() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let wrong = app
        .form(&c, "/api/account/login", "/dang-nhap", &[("cccd", "045095001234"), ("password", "sai-mat-khau-1")])
        .await;
    let unknown = app
        .form(&c, "/api/account/login", "/dang-nhap", &[("cccd", "045999999999"), ("password", "sai-mat-khau-1")])
        .await;
    assert_eq!(field_keys(&redirected_error(&wrong)), field_keys(&redirected_error(&unknown)));
    for _ in 0..5 {
        app.form(&c, "/api/account/login", "/dang-nhap", &[("cccd", "045195004321"), ("password", "sai-mat-khau-1")])
            .await;
    }
    // Even the right password is refused from the address that guessed.
    let locked = app
        .client()
        .post(app.url("/api/account/login"))
        .form(&[("cccd", "045195004321"), ("password", "matkhau2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), 429);
}

#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let res = app
        .form(
            &c,
            "/api/account/login",
            "/dang-nhap",
            &[("cccd", "045095001234"), ("password", "matkhau2026"), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(location(&res), "/ho-so");
}
