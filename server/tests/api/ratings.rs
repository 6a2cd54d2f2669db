//! Satisfaction ratings (issue 14): the applicant rates once the dossier is refused or returned,
//! once, with the overall rating; signed in or with the lookup token; the desk records a walk-in
//! applicant's paper rating. Every refusal is a message and leaves nothing behind.

use crate::support::*;

const DONG_HA_RECEPTION: &str = "045185000101";
const PASSWORD: &str = "canbo2026";
const DONG_HA_LEADER: &str = "045080000104";
const OTHER_LEADER: &str = "045078000204";

#[tokio::test]
async fn the_applicant_rates_a_refused_dossier_once_and_nobody_else_can() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Lê Thị Đánh Giá", "045201000061", "0911000061").await;
        let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
        let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
        let page = format!("/ho-so/{code}");
        let rate = |overall: &'static str, comment: &'static str| {
            vec![
                ("code", code.clone()),
                ("overall", overall.to_string()),
                ("on_time", "unsatisfied".to_string()),
                ("comment", comment.to_string()),
            ]
        };
        let post = |c: &reqwest::Client, fields: Vec<(&'static str, String)>, referer: String| {
            let fields: Vec<(&str, String)> = fields;
            let req = c
                .post(app.url("/api/ratings/submit"))
                .header("Accept", "text/html,application/xhtml+xml")
                .header("Referer", app.url(&referer))
                .form(&fields);
            async move { req.send().await.unwrap() }
        };
        let count_sql =
            format!("select count(*) from ratings r join dossiers d on d.id = r.dossier_id where d.code = '{code}'");
        let rated = || app.count(&count_sql);
        // Before the result: not yet, nothing saved.
        let res = post(&citizen, rate("satisfied", ""), page.clone()).await;
        assert_eq!(
            redirected_error(&res),
            app::error::AppError::Conflict("error-rating-not-yet".into()),
            "{backend:?}"
        );
        assert_eq!(rated().await, 0);
        // The desk refuses it at reception.
        let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let res = app
            .form(
                &desk,
                "/api/desk/refuse",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("reason", "Không thuộc thẩm quyền giải quyết của cơ quan")],
            )
            .await;
        assert!(location(&res).contains("/phieu/03"), "{backend:?} {}", location(&res));
        // The overall rating missing: a message at its field.
        let res = post(&citizen, vec![("code", code.clone()), ("ease", "satisfied".into())], page.clone()).await;
        assert_eq!(
            field_keys(&redirected_error(&res)),
            vec![("overall".to_string(), "error-rating-overall-required".to_string())],
            "{backend:?}"
        );
        // Someone else's dossier: as if it did not exist.
        let stranger = app.citizen("Người Lạ", "045201000062", "0911000062").await;
        let res = post(&stranger, rate("unsatisfied", ""), "/ho-so".into()).await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        // A wrong token: not found either.
        let anonymous = app.client();
        let mut with_token = rate("satisfied", "");
        with_token.push(("t", "not-the-token".into()));
        let res = post(&anonymous, with_token, "/tra-cuu".into()).await;
        assert_eq!(redirected_error(&res), app::error::AppError::NotFound, "{backend:?}");
        assert_eq!(rated().await, 0, "{backend:?}: nothing saved by any refusal");
        // The applicant rates: saved, in the history, back on the page with thanks.
        let res = post(&citizen, rate("satisfied", "  Nên báo trước lý do từ chối "), page.clone()).await;
        assert_eq!(location(&res), format!("/ho-so/{code}?danh_gia=1"), "{backend:?}");
        assert_eq!(rated().await, 1);
        let row = texts(
            &app,
            "select r.overall || '|' || r.on_time || '|' || r.comment || '|' || r.channel || '|' || r.unsatisfied \
             from ratings r join dossiers d on d.id = r.dossier_id where d.code = $1",
            &code,
        )
        .await;
        assert_eq!(row, vec!["satisfied|unsatisfied|Nên báo trước lý do từ chối|online|1".to_string()], "{backend:?}");
        let (events, n, last) = app.db.history(&code).await.unwrap();
        assert_eq!(app::domain::history::verify(&events, n, &last), Ok(()));
        assert_eq!(events.last().map(|e| (e.action.as_str(), e.to_status)), Some(("rate", 3)), "{backend:?}");
        let html = citizen.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
        assert!(
            html.contains("data-testid=\"rating-given\"") && !html.contains("data-testid=\"rating-form\""),
            "{backend:?}"
        );
        // Twice: refused, still one rating — also with the token, also at the desk.
        let res = post(&citizen, rate("very-satisfied", ""), page.clone()).await;
        assert_eq!(redirected_error(&res), app::error::AppError::Conflict("error-rating-once".into()), "{backend:?}");
        let token = texts(&app, "select lookup_token from dossiers where code = $1", &code).await.remove(0);
        let mut with_token = rate("very-satisfied", "");
        with_token.push(("t", token.clone()));
        let res = post(&anonymous, with_token, format!("/tra-cuu?ma={code}&t={token}")).await;
        assert_eq!(redirected_error(&res), app::error::AppError::Conflict("error-rating-once".into()), "{backend:?}");
        let res = app
            .form(
                &desk,
                "/api/desk/rate",
                &format!("/mot-cua/ho-so/{code}"),
                &[("code", &code), ("channel", "paper"), ("overall", "satisfied")],
            )
            .await;
        assert_eq!(redirected_error(&res), app::error::AppError::Conflict("error-rating-once".into()), "{backend:?}");
        assert_eq!(rated().await, 1, "{backend:?}");
        answer_the_rating(&app, backend, &code, &citizen, &desk).await;
    }
}

/// The rating above was unsatisfied with a comment: it calls for the Đông Hà leader's answer
/// within three working days; only they answer, once, and the answer reaches the applicant.
async fn answer_the_rating(
    app: &TestApp,
    backend: Backend,
    code: &str,
    citizen: &reqwest::Client,
    desk: &reqwest::Client,
) {
    let owed = format!(
        "select count(*) from ratings r join dossiers d on d.id = r.dossier_id where d.code = '{code}' \
         and r.answer_due_at > r.rated_at and r.answered_at is null"
    );
    assert_eq!(app.count(&owed).await, 1, "{backend:?}: an answer is owed, with its deadline");
    let html = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("data-testid=\"rating-answer\""), "{backend:?}");
    let dossier = format!("/mot-cua/ho-so/{code}");
    let answer = |c: &'static str| vec![("code", code.to_string()), ("answer", c.to_string())];
    let post = |who: &reqwest::Client, fields: Vec<(&'static str, String)>| {
        let req = who
            .post(app.url("/api/desk/answer-rating"))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", app.url(&dossier))
            .form(&fields);
        async move { req.send().await.unwrap() }
    };
    // QĐ 766 counts the refused dossier, rated unsatisfied with a comment, against satisfaction.
    let v: app::read::ratings::RatingsView =
        app.client().get(app.url("/api/ratings/public")).send().await.unwrap().json().await.unwrap();
    let s = v.index_total.satisfaction;
    assert!(s.denominator >= 1 && s.numerator < s.denominator, "{backend:?}: {s:?}");
    // The desk that received it, another agency's leader, the applicant: nobody else answers.
    let res = post(desk, answer("Cán bộ một cửa trả lời")).await;
    assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");
    let other = app.login(OTHER_LEADER, PASSWORD).await;
    let res = post(&other, answer("Lãnh đạo cơ quan khác trả lời")).await;
    assert_eq!(redirected_error(&res), app::error::AppError::Forbidden, "{backend:?}");
    let res = post(citizen, answer("Tự trả lời")).await;
    assert!(matches!(redirected_error(&res), app::error::AppError::Forbidden | app::error::AppError::NotFound));
    // The leader's list of ratings to answer holds it.
    let leader = app.login(DONG_HA_LEADER, PASSWORD).await;
    let inbox = leader.get(app.url("/mot-cua?tab=answer")).send().await.unwrap().text().await.unwrap();
    assert!(inbox.contains(code), "{backend:?}: the dossier is in the leader's list to answer");
    // The dossier's page shows the deadline (read on the server: the desk's bundle carries no
    // payloads).
    let due = app
        .count(&format!(
            "select r.answer_due_at from ratings r join dossiers d on d.id = r.dossier_id where d.code = '{code}'"
        ))
        .await;
    let page = leader.get(app.url(&dossier)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&app::domain::vn_time::format_vn(due)), "{backend:?}: the answer's deadline is shown");
    // An empty answer: a message at its field, nothing saved.
    let res = post(&leader, answer("   ")).await;
    assert_eq!(
        field_keys(&redirected_error(&res)),
        vec![("rating_answer".to_string(), "error-required".to_string())],
        "{backend:?}"
    );
    assert_eq!(app.count(&owed).await, 1, "{backend:?}");
    // The answer: recorded beside the rating, in the history, and sent to the applicant.
    let res = post(&leader, answer("  Cơ quan đã rà soát, nhắc nhở cán bộ và sẽ ghi rõ lý do từ chối. ")).await;
    assert_eq!(location(&res), format!("{dossier}?xong=1"), "{backend:?}");
    assert_eq!(app.count(&owed).await, 0, "{backend:?}");
    let stored =
        texts(app, "select r.answer from ratings r join dossiers d on d.id = r.dossier_id where d.code = $1", code)
            .await;
    assert_eq!(stored, vec!["Cơ quan đã rà soát, nhắc nhở cán bộ và sẽ ghi rõ lý do từ chối.".to_string()]);
    let (events, n, last) = app.db.history(code).await.unwrap();
    assert_eq!(app::domain::history::verify(&events, n, &last), Ok(()));
    assert_eq!(events.last().map(|e| e.action.as_str()), Some("answer-rating"), "{backend:?}");
    let sms = texts(
        app,
        "select o.body from outbox o join dossiers d on d.id = o.dossier_id \
         where d.code = $1 and o.channel = 'sms' order by o.id desc",
        code,
    )
    .await;
    assert!(sms[0].contains("tra loi y kien danh gia"), "{backend:?}: {sms:?}");
    assert!(!sms[0].contains("nhắc nhở") && !sms[0].contains("nhac nho"), "{backend:?}: the SMS carries no content");
    let html = citizen.get(app.url(&format!("/ho-so/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("data-testid=\"rating-answer\"") && html.contains("nhắc nhở cán bộ"),
        "{backend:?}: the applicant reads the answer on the dossier's page"
    );
    let inbox = leader.get(app.url("/mot-cua?tab=answer")).send().await.unwrap().text().await.unwrap();
    assert!(!inbox.contains(code), "{backend:?}: answered, off the list");
    // Twice: refused, the first answer stands.
    let res = post(&leader, answer("Trả lời lần hai")).await;
    assert_eq!(
        redirected_error(&res),
        app::error::AppError::Conflict("error-rating-no-answer-owed".into()),
        "{backend:?}"
    );
    let n = app
        .count(&format!(
            "select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id \
         where d.code = '{code}' and e.action = 'answer-rating'"
        ))
        .await;
    assert_eq!(n, 1, "{backend:?}");
}

#[tokio::test]
async fn the_token_holder_rates_on_the_lookup_page_and_the_desk_records_a_paper_rating() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let p = birth(&app).await;
        let citizen = app.citizen("Trần Văn Tra", "045201000063", "0911000063").await;
        let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
        let public = || async {
            let v: serde_json::Value =
                app.client().get(app.url("/api/ratings/public")).send().await.unwrap().json().await.unwrap();
            v
        };
        let before = public().await;
        let mut codes = Vec::new();
        for _ in 0..2 {
            let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
            let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
            let res = app
                .form(
                    &desk,
                    "/api/desk/refuse",
                    &format!("/mot-cua/ho-so/{code}"),
                    &[("code", &code), ("reason", "Hồ sơ không thuộc thẩm quyền của phường")],
                )
                .await;
            assert!(location(&res).contains("/phieu/03"), "{backend:?}");
            codes.push(code);
        }
        // The lookup page offers the form only with the token.
        let token = texts(&app, "select lookup_token from dossiers where code = $1", &codes[0]).await.remove(0);
        let anonymous = app.client();
        let without =
            anonymous.get(app.url(&format!("/tra-cuu?ma={}", codes[0]))).send().await.unwrap().text().await.unwrap();
        assert!(!without.contains("rating-form"), "{backend:?}");
        let with = format!("/tra-cuu?ma={}&t={token}", codes[0]);
        let html = anonymous.get(app.url(&with)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"rating-form\""), "{backend:?}");
        let res = app
            .form(
                &anonymous,
                "/api/ratings/submit",
                &with,
                &[("code", &codes[0]), ("t", &token), ("overall", "very-satisfied"), ("attitude", "very-satisfied")],
            )
            .await;
        assert_eq!(location(&res), format!("/tra-cuu?ma={}&t={token}&danh_gia=1", codes[0]), "{backend:?}");
        // The desk: no channel or the online one is a message at the field; a paper rating is
        // recorded with its channel and the officer.
        let page = format!("/mot-cua/ho-so/{}", codes[1]);
        let html = desk.get(app.url(&page)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("/api/desk/rate"), "{backend:?}: the desk is offered the form");
        for channel in ["", "online"] {
            let res = app
                .form(
                    &desk,
                    "/api/desk/rate",
                    &page,
                    &[("code", &codes[1]), ("channel", channel), ("overall", "satisfied")],
                )
                .await;
            assert_eq!(
                field_keys(&redirected_error(&res)),
                vec![("channel".to_string(), "error-rating-channel".to_string())]
            );
        }
        let res = app
            .form(
                &desk,
                "/api/desk/rate",
                &page,
                &[("code", &codes[1]), ("channel", "paper"), ("overall", "unsatisfied")],
            )
            .await;
        assert_eq!(location(&res), format!("{page}?xong=1"), "{backend:?} {:?}", location(&res));
        let channels = texts(
            &app,
            "select r.channel from ratings r join dossiers d on d.id = r.dossier_id where d.code = $1",
            &codes[0],
        )
        .await;
        assert_eq!(channels, vec!["online".to_string()], "{backend:?}");
        let paper: i64 = app
            .count(&format!(
                "select count(*) from ratings r join dossiers d on d.id = r.dossier_id join users u on u.id = r.recorded_by \
                 where d.code = '{}' and r.channel = 'paper' and u.role = 'reception' and r.unsatisfied = 1",
                codes[1]
            ))
            .await;
        assert_eq!(paper, 1, "{backend:?}");
        // Both count in public, for the agency and its procedure, and no officer is named.
        let after = public().await;
        let rated = |v: &serde_json::Value| v["total"]["rated"].as_i64().unwrap();
        assert_eq!(rated(&after) - rated(&before), 2, "{backend:?}");
        let agency = |v: &serde_json::Value| {
            v["agencies"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["code"] == "000.20.01.H45")
                .map(|a| a["tally"]["rated"].as_i64().unwrap())
                .unwrap_or(0)
        };
        assert_eq!(agency(&after) - agency(&before), 2, "{backend:?}");
        let text = after.to_string();
        assert!(!text.contains("Lê Thị Thu Hà") && !text.contains("recorded_by"), "{backend:?}");
        let html = app.client().get(app.url("/danh-gia")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"ratings-agencies\""), "{backend:?}");
    }
}

#[tokio::test]
async fn crafted_rating_requests_are_refused_and_write_nothing() {
    let backend = Backend::Sqlite;
    let app = TestApp::spawn(backend).await;
    let p = birth(&app).await;
    let citizen = app.citizen("Hà Thị Thử", "045201000064", "0911000064").await;
    let res = post_dossier(&app, &citizen, &p, dossier_form(&p, &new_key(), "submit")).await;
    let code = location(&res).trim_start_matches("/ho-so/").trim_end_matches("/xac-nhan").to_string();
    let desk = app.login(DONG_HA_RECEPTION, PASSWORD).await;
    let page = format!("/mot-cua/ho-so/{code}");
    let res = app
        .form(
            &desk,
            "/api/desk/refuse",
            &page,
            &[("code", &code), ("reason", "Không thuộc thẩm quyền giải quyết của phường")],
        )
        .await;
    assert!(location(&res).contains("/phieu/03"));
    let count_sql = "select count(*) from ratings";
    let before = app.count(count_sql).await;
    let events = app
        .count(&format!(
            "select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = '{code}'"
        ))
        .await;
    let submit = |c: reqwest::Client, body: String| {
        let req = c
            .post(app.url("/api/ratings/submit"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body);
        async move { req.send().await.unwrap() }
    };
    let status = |code: u16| assert!((400..500).contains(&code), "answered {code}");
    // No session, no token.
    status(submit(app.client(), format!("code={code}&overall=satisfied")).await.status().as_u16());
    // Another agency's desk and the wrong role at the desk's endpoint.
    for who in ["045190000201", "045085000102"] {
        let officer = app.login(who, PASSWORD).await;
        let res = officer
            .post(app.url("/api/desk/rate"))
            .header("Accept", "application/json")
            .form(&[("code", code.as_str()), ("channel", "paper"), ("overall", "satisfied")])
            .send()
            .await
            .unwrap();
        status(res.status().as_u16());
    }
    // A 3 MB token, a malformed or 3 MB code, a token with control characters.
    let big = "x".repeat(3 * 1024 * 1024);
    for body in [
        format!("code={code}&overall=satisfied&t={big}"),
        format!("code={big}&overall=satisfied&t=abc"),
        "code=..%2F..%2Fetc&overall=satisfied&t=abc".to_string(),
        format!("code={code}&overall=satisfied&t=%00%07%1b"),
    ] {
        status(submit(app.client(), body).await.status().as_u16());
    }
    // The applicant's own posts: a comment with control characters or bidi controls, a huge
    // comment, a repeated field, a thousand fields, a level that is not one — each refused.
    for body in [
        format!("code={code}&overall=satisfied&comment=a%07b"),
        format!("code={code}&overall=satisfied&comment=a%E2%80%AEb"),
        format!("code={code}&overall=satisfied&comment={}", "y".repeat(2001)),
        format!("code={code}&overall=satisfied&overall=unsatisfied"),
        format!("code={code}&overall=5"),
        format!("code={code}&overall=satisfied&comment={big}"),
    ] {
        let res = submit(citizen.clone(), body).await;
        status(res.status().as_u16());
    }
    assert_eq!(app.count(count_sql).await, before, "nothing rated");
    let after = app
        .count(&format!(
            "select count(*) from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = '{code}'"
        ))
        .await;
    assert_eq!(after, events, "nothing in the history");
    // A thousand stray fields beside a good rating: no 5xx (they are ignored or refused). The
    // public counts then carry no comment and no officer.
    let extra = (0..1000).map(|i| format!("f{i}=x")).collect::<Vec<_>>().join("&");
    let body = format!(
        "code={code}&overall=unsatisfied&comment=S%E1%BB%91+%C4%91i%E1%BB%87n+tho%E1%BA%A1i+ri%C3%AAng&{extra}"
    );
    let res = submit(citizen.clone(), body).await;
    assert!(res.status().as_u16() < 500, "{}", res.status());
    let public = app.client().get(app.url("/api/ratings/public")).send().await.unwrap().text().await.unwrap();
    assert!(!public.contains("Số điện thoại riêng") && !public.contains("comment") && !public.contains("recorded_by"));
    let res = app.client().get(app.url("/api/ratings/public?nam=%00%FF")).send().await.unwrap();
    assert_eq!(res.status(), 200, "a bad year reads as this year");
    let res = app.client().get(app.url(&format!("/danh-gia?nam={}", "9".repeat(5000)))).send().await.unwrap();
    assert_eq!(res.status(), 200);
}
