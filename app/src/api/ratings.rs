//! Satisfaction ratings (TT 32/2017 Đ12): the applicant rates a returned or refused dossier once —
//! signed in, or with the dossier's lookup token from the lookup page or a notice — and the
//! receiving desk records a walk-in applicant's paper or tablet rating. Both go through the
//! planner (`Command::Rate`): one rating per dossier, an event in its history.

use crate::error::AppError;
use leptos::prelude::*;

/// The applicant's rating: `overall` is required, the three criteria and the comment are not
/// (a radio group left empty is absent). With `t` (the dossier's lookup token) it needs no
/// session.
#[server(prefix = "/api", endpoint = "ratings/submit")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "ratings/submit", skip_all))]
pub async fn submit_rating(
    code: String,
    overall: Option<String>,
    ease: Option<String>,
    on_time: Option<String>,
    attitude: Option<String>,
    comment: Option<String>,
    t: Option<String>,
) -> Result<(), AppError> {
    let input = crate::domain::rating::RatingInput::posted([overall, ease, on_time, attitude, comment]);
    ssr::submit(&code, input, t.unwrap_or_default()).await
}

/// The receiving desk records the rating a walk-in applicant gave on paper or on the counter's
/// tablet (`channel`).
#[server(prefix = "/api", endpoint = "desk/rate")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/rate", skip_all))]
pub async fn desk_record_rating(
    code: String,
    channel: Option<String>,
    overall: Option<String>,
    ease: Option<String>,
    on_time: Option<String>,
    attitude: Option<String>,
    comment: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::rating::{RatingChannel, RatingInput};
    let channel = channel.as_deref().and_then(RatingChannel::parse).filter(|c| *c != RatingChannel::Online);
    let Some(channel) = channel else {
        return Err(AppError::field("channel", "error-rating-channel"));
    };
    let input = RatingInput::posted([overall, ease, on_time, attitude, comment]);
    let cmd = crate::handling::Command::Rate { input, channel };
    crate::api::handling::ssr::act(&code, cmd, crate::handling::Backfill::default()).await
}

/// The receiving agency's leader answers a rating that called for it (trách nhiệm giải trình);
/// the answer goes into the history and back to the applicant.
#[server(prefix = "/api", endpoint = "desk/answer-rating")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/answer-rating", skip_all))]
pub async fn desk_answer_rating(code: String, answer: Option<String>) -> Result<(), AppError> {
    let cmd = crate::handling::Command::AnswerRating { answer: answer.unwrap_or_default() };
    crate::api::handling::ssr::act(&code, cmd, crate::handling::Backfill::default()).await
}

/// The year's ratings per agency and per procedure, for everyone (never per officer): a year
/// that is not one of the last five reads as this year.
#[server(prefix = "/api", endpoint = "ratings/public", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "ratings/public", skip_all))]
pub async fn public_ratings(nam: Option<String>) -> Result<crate::read::ratings::RatingsView, AppError> {
    use crate::api::ctx;
    use crate::domain::clock::at;
    let this_year = crate::domain::vn_time::local(ctx::now_ms()).year;
    let years: Vec<i32> = (this_year - 4..=this_year).rev().collect();
    let year = nam.and_then(|y| y.trim().parse::<i32>().ok()).filter(|y| years.contains(y)).unwrap_or(this_year);
    let (from, to) = (at(year, 1, 1, 0, 0), at(year + 1, 1, 1, 0, 0));
    let store = ctx::services()?.store;
    let (total, agencies) = crate::read::ratings::fold(&store.rating_counts(from, to).await?);
    let (satisfaction, reuse) = store.index766_counts(from, to).await?;
    let (index_total, index) = crate::read::ratings::fold_index(&satisfaction, &reuse);
    Ok(crate::read::ratings::RatingsView { year, years, total, agencies, index, index_total })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::domain::rating::{RatingChannel, RatingInput};
    use crate::error::AppError;
    use crate::handling::{self, Backfill, Command};
    use crate::ports::CurrentUser;

    /// The applicant's rating, online: signed in, or with the dossier's lookup token (printed on
    /// the receipt and in its QR code), whose holder acts as the applicant for this rating only.
    pub async fn submit(code: &str, input: RatingInput, token: String) -> Result<(), AppError> {
        let services = ctx::services()?;
        let store = services.store.as_ref();
        let cmd = Command::Rate { input, channel: RatingChannel::Online };
        let (now, token) = (ctx::now_ms(), token.trim().to_string());
        let done = if token.is_empty() {
            handling::execute(store, &ctx::require_user()?, code, cmd, &Backfill::default(), now).await?
        } else {
            crate::api::lookup::ssr::count_a_try(&services)?;
            let code = crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?;
            let code = code.to_string();
            if !crate::api::lookup::ssr::token_matches(&services, &code, &token).await? {
                return Err(AppError::NotFound);
            }
            let state = store.dossier_state(&code).await?.ok_or(AppError::NotFound)?;
            let applicant = CurrentUser::citizen(state.applicant_id, String::new());
            handling::execute_on(store, &applicant, state, cmd, &Backfill::default(), now).await?
        };
        match token.is_empty() {
            true => leptos_axum::redirect(&format!("/ho-so/{}?danh_gia=1", done.code)),
            false => leptos_axum::redirect(&format!("/tra-cuu?ma={}&t={token}&danh_gia=1", done.code)),
        }
        Ok(())
    }
}
