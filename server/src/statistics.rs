//! The statistics tables as CSV (`/thong-ke/tai-ve?bang=co-quan|dich-vu&from=&to=&agency=`): the
//! public page's figures, read by the same function as `/api/thong-ke`, for spreadsheets.

use crate::AppState;
use app::error::AppError;
use app::i18n::Lang;
use app::read::statistics::{csv, Table};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};

#[derive(serde::Deserialize)]
pub struct Asked {
    bang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
}

pub async fn download(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<Asked>) -> Response {
    let lang =
        headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header).unwrap_or_default();
    let i18n = app::i18n::I18n { lang };
    let t = |key: &str| i18n.t(key);
    let Some(table) = q.bang.as_deref().and_then(Table::parse) else {
        return (StatusCode::BAD_REQUEST, t("error-stats-table")).into_response();
    };
    let now = app::api::ctx::now_ms();
    let view = match app::api::statistics::ssr::statistics_in(
        state.services.store.as_ref(),
        now,
        q.from,
        q.to,
        q.agency,
    )
    .await
    {
        Ok(v) => v,
        Err(e @ AppError::Invalid { .. }) => {
            let text: Vec<String> = e.field_errors().iter().map(|f| t(&f.key)).collect();
            return (StatusCode::BAD_REQUEST, text.join("\n")).into_response();
        }
        Err(e) => {
            tracing::error!("statistics download: {e:?}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let name = |n: &app::read::Name| i18n.name(n);
    let body = csv(&view, table, &t, &name);
    let file = match &view.agency {
        Some(a) => format!("thong-ke-{}-{}-{}-{}.csv", table.slug(), a.code, view.from, view.to),
        None => format!("thong-ke-{}-{}-{}.csv", table.slug(), view.from, view.to),
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
