//! Public statistics (`/api/thong-ke?from=YYYY-MM-DD&to=YYYY-MM-DD&agency=<code>`): a period's
//! figures for the province or one agency, each agency's and each procedure's, with the
//! satisfaction ratings given in it. Definitions: `docs/statistics.md`.

use crate::error::AppError;
use crate::read::statistics::StatisticsView;
use leptos::prelude::*;

/// The period `from`–`to` (both days counted; by default this year to today) for `agency` (by
/// default the province). A day that is not a date, a period that ends before it starts or
/// spans more than ten years, or an agency that does not exist, is refused at its field.
#[server(prefix = "/api", endpoint = "thong-ke", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "thong-ke", skip_all))]
pub async fn public_statistics(
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
) -> Result<StatisticsView, AppError> {
    ssr::statistics(from, to, agency).await
}

/// A period as asked: its first and last days, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedPeriod {
    pub from: String,
    pub to: String,
    /// `[start, end)` in milliseconds.
    pub start_ms: i64,
    pub end_ms: i64,
}

/// The longest period asked for at once.
pub const MAX_DAYS: i64 = 3_660;

/// Reads `from` and `to` (`YYYY-MM-DD`, both counted; empty: 1 January of `now`'s year and
/// `now`'s day), every problem at its field.
pub fn asked_period(from: Option<&str>, to: Option<&str>, now_ms: i64) -> Result<AskedPeriod, AppError> {
    use crate::domain::vn_time::{day_bounds, iso_date};
    use crate::domain::FieldError;
    let today = iso_date(now_ms);
    let from = from
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}-01-01", &today[..4]));
    let to = to.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).unwrap_or(today);
    let (a, b) = (day_bounds(&from), day_bounds(&to));
    let mut errors = Vec::new();
    if a.is_none() {
        errors.push(FieldError::new("from", "error-stats-date"));
    }
    if b.is_none() {
        errors.push(FieldError::new("to", "error-stats-date"));
    }
    if let (Some((start, _)), Some((_, end))) = (a, b) {
        if end <= start {
            errors.push(FieldError::new("to", "error-stats-order"));
        } else if end - start > MAX_DAYS * 86_400_000 {
            errors.push(FieldError::new("to", "error-stats-too-long"));
        }
    }
    match (errors.is_empty(), a, b) {
        (true, Some((start_ms, _)), Some((_, end_ms))) => Ok(AskedPeriod { from, to, start_ms, end_ms }),
        _ => Err(AppError::fields(errors)),
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::asked_period;
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::read::statistics::{fold, AgencyChoice, StatisticsView};

    pub async fn statistics(
        from: Option<String>,
        to: Option<String>,
        agency: Option<String>,
    ) -> Result<StatisticsView, AppError> {
        statistics_in(ctx::services()?.store.as_ref(), ctx::now_ms(), from, to, agency).await
    }

    /// The agency asked for: none for the province; any agency of the tree (the province's own
    /// office included) by its code; anything else refused at the field `agency`.
    pub async fn asked_agency(
        store: &dyn crate::ports::Store,
        code: Option<&str>,
    ) -> Result<Option<AgencyChoice>, AppError> {
        match code.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(code) if code.len() <= 64 => match store.agency(code).await? {
                Some(a) => Ok(Some(AgencyChoice { code: a.code, name: a.name })),
                None => Err(AppError::field("agency", "error-stats-agency")),
            },
            Some(_) => Err(AppError::field("agency", "error-stats-agency")),
        }
    }

    /// [`statistics`] read from `store` at `now` (the CSV download calls it outside a page).
    pub async fn statistics_in(
        store: &dyn crate::ports::Store,
        now: i64,
        from: Option<String>,
        to: Option<String>,
        agency: Option<String>,
    ) -> Result<StatisticsView, AppError> {
        let period = asked_period(from.as_deref(), to.as_deref(), now)?;
        let choices: Vec<AgencyChoice> =
            store.agencies().await?.into_iter().map(|a| AgencyChoice { code: a.code, name: a.name }).collect();
        let agency = asked_agency(store, agency.as_deref()).await?;
        let only = agency.as_ref().map(|a| a.code.as_str());
        let end = crate::domain::statistics::Period { from: period.start_ms, to: period.end_ms }.end(now);
        let counts = store.statistics_counts(period.start_ms, period.end_ms, end, only).await?;
        let ratings = store.rating_counts(period.start_ms, period.end_ms).await?;
        let (figures, ratings, agencies) = fold(&counts, &ratings, only);
        Ok(StatisticsView { from: period.from, to: period.to, agency, figures, ratings, agencies, choices })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::at;

    #[test]
    fn a_period_defaults_to_this_year_and_says_what_is_wrong_at_its_field() {
        let now = at(2026, 12, 3, 9, 0);
        let p = asked_period(None, Some(""), now).unwrap();
        assert_eq!((p.from.as_str(), p.to.as_str()), ("2026-01-01", "2026-12-03"));
        assert_eq!((p.start_ms, p.end_ms), (at(2026, 1, 1, 0, 0), at(2026, 12, 4, 0, 0)));
        let keys = |e: AppError| e.field_errors().iter().map(|f| (f.field.clone(), f.key.clone())).collect::<Vec<_>>();
        assert_eq!(
            keys(asked_period(Some("2026-02-30"), Some("hôm nay"), now).unwrap_err()),
            [("from".into(), "error-stats-date".into()), ("to".into(), "error-stats-date".into())]
        );
        assert_eq!(
            keys(asked_period(Some("2026-05-01"), Some("2026-04-30"), now).unwrap_err()),
            [("to".to_string(), "error-stats-order".to_string())]
        );
        assert_eq!(
            keys(asked_period(Some("2000-01-01"), Some("2026-01-01"), now).unwrap_err()),
            [("to".to_string(), "error-stats-too-long".to_string())]
        );
        // One day is a period.
        assert!(asked_period(Some("2026-05-01"), Some("2026-05-01"), now).is_ok());
    }
}
