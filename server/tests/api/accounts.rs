use crate::support::*;

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

#[tokio::test]
async fn a_duplicate_citizen_id_gets_a_clear_message() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        app.citizen("Lê Thị Hoa", "045300000111", "0901234567").await;
        let c = app.client();
        let res = app
            .form(
                &c,
                "/api/account/register",
                "/dang-ky",
                &[
                    ("full_name", "Người Khác"),
                    ("cccd", "045 300 000 111"),
                    ("phone", "0901234568"),
                    ("email", ""),
                    ("password", "matkhau2026"),
                ],
            )
            .await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("cccd".into(), "error-cccd-taken".into())],
            "{backend:?}"
        );
        assert_eq!(app.count("select count(*) from users where cccd = '045300000111'").await, 1);
    }
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
