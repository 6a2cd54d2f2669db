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
    // A signed-in person's notices follow the language they chose.
    if let (Some(user), Ok(services)) = (crate::api::ctx::current_user(), crate::api::ctx::services()) {
        services.store.set_notice_language(user.id, lang.code()).await?;
    }
    leptos_axum::redirect(&crate::domain::redirect::redirect_target(next.as_deref(), "/"));
    Ok(())
}
