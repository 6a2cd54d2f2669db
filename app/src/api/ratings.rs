//! Satisfaction ratings (TT 32/2017 Đ12): the applicant rates a returned or refused dossier once —
//! signed in, or with the dossier's lookup token from the lookup page or a notice — and the
//! receiving desk records a walk-in applicant's paper or tablet rating. Both go through the
//! planner (`Command::Rate`): one rating per dossier, an event in its history.

use crate::error::AppError;
use leptos::prelude::*;

/// The applicant's rating: `overall` is required, the three criteria and the comment are not.
/// With `t` (the dossier's lookup token) it needs no session.
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
    let fields = ssr::Fields { overall, ease, on_time, attitude, comment };
    ssr::submit(&code, fields, t).await
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
    use crate::domain::rating::RatingChannel;
    let channel = channel.as_deref().and_then(RatingChannel::parse).filter(|c| *c != RatingChannel::Online);
    let Some(channel) = channel else {
        return Err(AppError::field("channel", "error-rating-channel"));
    };
    let fields = ssr::Fields { overall, ease, on_time, attitude, comment };
    crate::api::handling::ssr::act(&code, fields.command(channel), crate::handling::Backfill::default()).await
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
    let counts = ctx::services()?.store.rating_counts(at(year, 1, 1, 0, 0), at(year + 1, 1, 1, 0, 0)).await?;
    let (total, agencies) = crate::read::ratings::fold(&counts);
    Ok(crate::read::ratings::RatingsView { year, years, total, agencies })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::domain::rating::RatingChannel;
    use crate::domain::secret::constant_time_eq;
    use crate::error::AppError;
    use crate::handling::{self, Backfill, Command};
    use crate::ports::CurrentUser;

    /// The rating form's fields as posted (a radio group left empty is absent).
    pub struct Fields {
        pub overall: Option<String>,
        pub ease: Option<String>,
        pub on_time: Option<String>,
        pub attitude: Option<String>,
        pub comment: Option<String>,
    }

    impl Fields {
        pub fn command(self, channel: RatingChannel) -> Command {
            Command::Rate {
                overall: self.overall.unwrap_or_default(),
                ease: self.ease.unwrap_or_default(),
                on_time: self.on_time.unwrap_or_default(),
                attitude: self.attitude.unwrap_or_default(),
                comment: self.comment.unwrap_or_default(),
                channel,
            }
        }
    }

    /// Who rates: the signed-in applicant, or whoever holds the dossier's lookup token (printed
    /// on the receipt, in the notices), who acts as its applicant for this rating only.
    async fn rater(code: &str, token: Option<String>) -> Result<CurrentUser, AppError> {
        let services = ctx::services()?;
        let given = token.unwrap_or_default();
        if given.trim().is_empty() {
            return ctx::require_user();
        }
        // Tried like the lookup (its limit per address), so tokens cannot be guessed here either.
        let per_address =
            crate::domain::rate_limit::Limit { max: services.config.lookup_per_minute, window_ms: 60_000 };
        {
            let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
            if !limiter.hit(&format!("lookup:{}", ctx::client_addr()), per_address, ctx::now_ms()) {
                return Err(AppError::RateLimited);
            }
        }
        let code =
            crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?.to_string();
        let token = services.store.lookup_token(&code).await?.unwrap_or_default();
        if token.is_empty() || !constant_time_eq(given.trim().as_bytes(), token.as_bytes()) {
            return Err(AppError::NotFound);
        }
        let state = services.store.dossier_state(&code).await?.ok_or(AppError::NotFound)?;
        Ok(CurrentUser::citizen(state.applicant_id, String::new()))
    }

    pub async fn submit(code: &str, fields: Fields, token: Option<String>) -> Result<(), AppError> {
        let by_token = token.as_deref().is_some_and(|t| !t.trim().is_empty());
        let user = rater(code, token.clone()).await?;
        let store = ctx::services()?.store;
        let cmd = fields.command(RatingChannel::Online);
        let done = handling::execute(store.as_ref(), &user, code, cmd, &Backfill::default(), ctx::now_ms()).await?;
        if by_token {
            let t = token.unwrap_or_default();
            leptos_axum::redirect(&format!("/tra-cuu?ma={}&t={}&danh_gia=1", done.code, t.trim()));
        } else {
            leptos_axum::redirect(&format!("/ho-so/{}?danh_gia=1", done.code));
        }
        Ok(())
    }
}
