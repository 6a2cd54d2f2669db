use crate::support::*;
use app::api::catalogue::ProcedureQuery;

fn q(text: &str) -> ProcedureQuery {
    ProcedureQuery { q: Some(text.to_string()), ..Default::default() }
}

#[tokio::test]
async fn search_ignores_diacritics_and_case_on_every_database() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let plain = app.db.search_procedures(&q("giay phep xay dung")).await.unwrap();
        let upper = app.db.search_procedures(&q("GIAY PHEP XAY DUNG")).await.unwrap();
        let marked = app.db.search_procedures(&q("giấy phép xây dựng")).await.unwrap();
        assert!(plain.total >= 2, "{backend:?}: building permits found");
        assert_eq!(plain, upper, "{backend:?}");
        assert_eq!(plain, marked, "{backend:?}");
        assert!(
            plain.items.iter().all(|p| app::domain::text::fold(&p.name.vi).contains("giay phep xay dung")),
            "{backend:?}: names rank first"
        );
        // "đ" matches "d"
        let d = app.db.search_procedures(&q("dang ky khai sinh")).await.unwrap();
        assert_eq!(d.items[0].code, "1.001193", "{backend:?}");
    }
}

#[tokio::test]
async fn names_rank_before_other_text() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // "giấy chứng sinh" is a component of birth registration, not a procedure name.
        let page = app.db.search_procedures(&q("khai sinh")).await.unwrap();
        let first_non_name = page.items.iter().position(|p| !app::domain::text::fold(&p.name.vi).contains("khai sinh"));
        let last_name = page.items.iter().rposition(|p| app::domain::text::fold(&p.name.vi).contains("khai sinh"));
        if let (Some(a), Some(b)) = (first_non_name, last_name) {
            assert!(b < a, "{backend:?}: every name match comes before other matches");
        }
    }
}

#[tokio::test]
async fn filters_and_pagination_narrow_the_list() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let all = app.db.search_procedures(&ProcedureQuery::default()).await.unwrap();
        assert!(all.total >= 30, "{backend:?}: at least 30 procedures");
        assert_eq!(all.items.len(), 10);
        let commune = app
            .db
            .search_procedures(&ProcedureQuery { level: Some("commune".into()), ..Default::default() })
            .await
            .unwrap();
        let province = app
            .db
            .search_procedures(&ProcedureQuery { level: Some("province".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(commune.total + province.total, all.total);
        assert!(commune.items.iter().all(|p| p.level == "commune"));
        let page4 = app.db.search_procedures(&ProcedureQuery { page: Some(4), ..Default::default() }).await.unwrap();
        assert_eq!(page4.page, 4);
        assert!(!page4.items.iter().any(|p| all.items.contains(p)));
        let sectors = app.db.sectors().await.unwrap();
        assert!(sectors.len() >= 6);
        let one = &sectors[0];
        let by_sector = app
            .db
            .search_procedures(&ProcedureQuery { sector: Some(one.code.clone()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(by_sector.total, one.procedure_count);
        // SQL wildcards typed by a user never reach the pattern: punctuation is not searched.
        let pct = app.db.search_procedures(&q("%_%")).await.unwrap();
        assert_eq!(pct.total, all.total, "{backend:?}");
        let literal = app.db.search_procedures(&q("xay%dung")).await.unwrap();
        assert_eq!(literal, app.db.search_procedures(&q("xay dung")).await.unwrap(), "{backend:?}");
    }
}

#[tokio::test]
async fn pages_render_without_javascript_and_ship_no_wasm_except_the_form() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    for path in
        ["/", "/thu-tuc", "/thu-tuc?q=giay+phep+xay+dung", "/thu-tuc/1.001193", "/dang-ky", "/dang-nhap", "/tra-cuu"]
    {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("<html lang=\"vi\""), "{path} is Vietnamese by default");
        assert!(!html.contains("app_bg.wasm"), "{path} loads no WASM");
    }
    let html = c.get(app.url("/thu-tuc?q=GIAY+PHEP+XAY+DUNG")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Cấp giấy phép xây dựng"), "search results are server-rendered");
    let detail = c.get(app.url("/thu-tuc/1.001193")).send().await.unwrap().text().await.unwrap();
    for part in [
        "Trình tự thực hiện",
        "Thành phần hồ sơ",
        "Căn cứ pháp lý",
        "Phí, lệ phí",
        "/forms/to-khai-dang-ky-khai-sinh.pdf",
    ] {
        assert!(detail.contains(part), "detail shows {part}");
    }
    let missing = c.get(app.url("/thu-tuc/9.999999")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn switching_to_english_works_with_a_plain_link() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let c = app.client();
    let res = c.get(app.url("/api/lang?l=en&next=/thu-tuc")).header("Accept", "text/html").send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/thu-tuc");
    let html = c.get(app.url("/thu-tuc")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Administrative procedures"));
    let evil = c.get(app.url("/api/lang?l=vi&next=//evil.example")).header("Accept", "text/html").send().await.unwrap();
    assert_eq!(location(&evil), "/");
}

#[tokio::test]
async fn anonymous_catalogue_pages_are_kept_and_revalidated_with_304() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let c = app.client();
        let url = app.url("/thu-tuc/1.001193");
        let first = c.get(&url).send().await.unwrap();
        assert_eq!(first.status(), 200, "{backend:?}");
        let etag = first.headers().get("etag").expect("an ETag").to_str().unwrap().to_string();
        assert_eq!(first.headers().get("cache-control").unwrap(), "no-cache", "{backend:?}: kept, asked again");
        assert!(first.headers().get("content-security-policy").is_some(), "{backend:?}: edge headers still apply");
        let body = first.text().await.unwrap();
        assert!(body.contains("Đăng ký khai sinh"), "{backend:?}");

        // The second reader gets the same bytes from memory.
        let second = c.get(&url).send().await.unwrap();
        assert_eq!(second.headers().get("etag").unwrap().to_str().unwrap(), etag, "{backend:?}");
        assert_eq!(second.text().await.unwrap(), body, "{backend:?}");
        assert_eq!(app.pages.len(), 1, "{backend:?}");

        // A browser holding the page is told it has not changed.
        let cond = c.get(&url).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(cond.status(), 304, "{backend:?}");
        assert_eq!(cond.headers().get("etag").unwrap().to_str().unwrap(), etag);
        assert!(cond.bytes().await.unwrap().is_empty());

        // Each language is its own page.
        let en = c.get(&url).header("cookie", "lang=en").send().await.unwrap();
        assert_ne!(en.headers().get("etag").unwrap().to_str().unwrap(), etag, "{backend:?}");
        assert!(en.text().await.unwrap().contains("Birth registration"), "{backend:?}");

        // A signed-in reader never gets a kept page, nor leaves one.
        let signed = app.login("045095001234", "matkhau2026").await;
        let mine = signed.get(&url).send().await.unwrap();
        assert!(mine.headers().get("etag").is_none(), "{backend:?}");
        assert_eq!(mine.headers().get("cache-control").unwrap(), "no-store", "{backend:?}");
        assert_eq!(app.pages.len(), 2, "{backend:?}: the Vietnamese and English pages only");

        // Searches are kept under their query; pages that are not the catalogue's are not.
        c.get(app.url("/thu-tuc?q=khai+sinh")).send().await.unwrap();
        c.get(app.url("/tra-cuu")).send().await.unwrap();
        assert_eq!(app.pages.len(), 3, "{backend:?}");

        // A change of the catalogue drops every kept page: the old ETag no longer matches.
        app.pages.invalidate();
        let after = c.get(&url).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(after.status(), 200, "{backend:?}");
        assert_ne!(after.headers().get("etag").unwrap().to_str().unwrap(), etag, "{backend:?}");
    }
}
