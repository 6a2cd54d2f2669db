//! Switching the interface language; a plain link, so it works without JavaScript.

use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "lang", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "lang", skip_all))]
pub async fn set_lang(l: String, next: Option<String>) -> Result<(), AppError> {
    use crate::i18n::Lang;
    let lang = Lang::parse(&l).unwrap_or_default();
    let cookie = format!("lang={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.code());
    if let (Some(res), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(http::header::SET_COOKIE, v);
    }
    let next = next.unwrap_or_else(|| "/".into());
    let safe = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    leptos_axum::redirect(if safe { &next } else { "/" });
    Ok(())
}
