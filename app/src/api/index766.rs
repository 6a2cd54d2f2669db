//! The QĐ 766 index (`/api/chi-so-766?agency=<code>&period=YYYY-MM|YYYY-Qn|YYYY`): the eighteen
//! indicators of an agency or the province for a month, quarter or year, with each one's
//! numerator, denominator, points and maximum, the group scores, the total out of 100 and the
//! ranking of agencies.

use crate::error::AppError;
use crate::read::index766::Index766View;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "chi-so-766", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "chi-so-766", skip_all))]
pub async fn public_index766(period: Option<String>, agency: Option<String>) -> Result<Index766View, AppError> {
    ssr::index766(period, agency).await
}

/// A period of the index: its name and its first and last days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPeriod {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// `YYYY-MM` (a month), `YYYY-Qn` (a quarter) or `YYYY` (a year), from 2000 to next year; empty
/// is `now`'s month. Anything else is refused at the field `period`.
pub fn index_period(s: Option<&str>, now_ms: i64) -> Result<IndexPeriod, AppError> {
    let s = s.map(str::trim).filter(|s| !s.is_empty());
    let today = crate::domain::vn_time::local(now_ms);
    let name = s.map(str::to_string).unwrap_or_else(|| format!("{:04}-{:02}", today.year, today.month));
    let bad = || AppError::field("period", "error-index-period");
    let year: i32 = name
        .get(0..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse().ok())
        .ok_or_else(bad)?;
    if !(2000..=today.year + 1).contains(&year) {
        return Err(bad());
    }
    let (first, last) = match name.get(4..) {
        Some("") => (1u8, 12u8),
        Some(q) if q.len() == 3 && q.starts_with("-Q") => match q.as_bytes()[2] {
            b @ b'1'..=b'4' => {
                let n = b - b'0';
                (3 * n - 2, 3 * n)
            }
            _ => return Err(bad()),
        },
        Some(m) if m.len() == 3 && m.starts_with('-') => {
            let month: u8 = m[1..].parse().map_err(|_| bad())?;
            if !(1..=12).contains(&month) || !m[1..].bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            (month, month)
        }
        _ => return Err(bad()),
    };
    let days_in = |m: u8| {
        let next = if m == 12 {
            crate::domain::vn_time::days_from_civil(year + 1, 1, 1)
        } else {
            crate::domain::vn_time::days_from_civil(year, m + 1, 1)
        };
        (next - crate::domain::vn_time::days_from_civil(year, m, 1)) as u8
    };
    Ok(IndexPeriod {
        name,
        from: format!("{year:04}-{first:02}-01"),
        to: format!("{year:04}-{last:02}-{:02}", days_in(last)),
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::index_period;
    use crate::api::ctx;
    use crate::domain::index766::{group_points, indicators, IndexCounts};
    use crate::domain::statistics::{Figures, Period};
    use crate::error::AppError;
    use crate::read::index766::{ranking, sum, with_figures, Index766View};
    use crate::read::statistics::AgencyChoice;
    use std::collections::BTreeMap;

    pub async fn index766(period: Option<String>, agency: Option<String>) -> Result<Index766View, AppError> {
        index766_in(ctx::services()?.store.as_ref(), ctx::now_ms(), period, agency).await
    }

    pub async fn index766_in(
        store: &dyn crate::ports::Store,
        now: i64,
        period: Option<String>,
        agency: Option<String>,
    ) -> Result<Index766View, AppError> {
        let p = index_period(period.as_deref(), now)?;
        let agency = crate::api::statistics::ssr::asked_agency(store, agency.as_deref()).await?;
        let asked = crate::api::statistics::asked_period(Some(&p.from), Some(&p.to), now)?;
        let (start, end) = (asked.start_ms, asked.end_ms);
        let judged = Period { from: start, to: end }.end(now);
        let (_, _, figures) =
            crate::read::statistics::fold(&store.statistics_counts(start, end, judged, None).await?, &[], None);
        let (satisfaction, reuse) = store.index766_counts(start, end).await?;
        let (_, rated) = crate::read::ratings::fold_index(&satisfaction, &reuse);
        let mut all: BTreeMap<String, (AgencyChoice, IndexCounts, Figures)> = BTreeMap::new();
        for s in store.index766_sources(start, end).await? {
            let choice = AgencyChoice { code: s.agency_code.clone(), name: s.agency };
            all.insert(s.agency_code, (choice, s.counts, Figures::default()));
        }
        for f in &figures {
            if let Some((_, c, fig)) = all.get_mut(&f.code) {
                with_figures(c, &f.figures);
                *fig = f.figures;
            }
        }
        for r in &rated {
            if let Some((_, c, _)) = all.get_mut(&r.code) {
                c.satisfaction.add(r.satisfaction);
                c.reuse.add(r.reuse);
            }
        }
        for (_, c, fig) in all.values_mut() {
            c.average_tenths_of_days = fig.average_tenths_of_days();
        }
        // Agencies with nothing to count in the period are not ranked.
        let active: Vec<(AgencyChoice, IndexCounts)> = all
            .values()
            .filter(|(_, c, _)| c.ratios().iter().any(|r| r.denominator > 0))
            .map(|(a, c, _)| (a.clone(), c.clone()))
            .collect();
        let counts = match &agency {
            Some(a) => all.get(&a.code).map(|(_, c, _)| c.clone()).unwrap_or_default(),
            None => {
                let mut c = sum(&all.values().map(|(_, c, _)| c.clone()).collect::<Vec<_>>());
                let mut total = Figures::default();
                for (_, _, f) in all.values() {
                    total.add(f);
                }
                c.average_tenths_of_days = total.average_tenths_of_days();
                c
            }
        };
        let indicators = indicators(&counts);
        let (groups, total) = group_points(&indicators);
        Ok(Index766View {
            period: p.name,
            from: p.from,
            to: p.to,
            agency,
            indicators,
            groups,
            total,
            ranking: ranking(&active),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::at;

    #[test]
    fn a_period_is_a_month_a_quarter_or_a_year() {
        let now = at(2026, 12, 3, 9, 0);
        let p = |s: &str| index_period(Some(s), now).map(|p| (p.from, p.to));
        assert_eq!(p("2026-02"), Ok(("2026-02-01".into(), "2026-02-28".into())));
        assert_eq!(p("2024-02"), Ok(("2024-02-01".into(), "2024-02-29".into())));
        assert_eq!(p("2026-Q4"), Ok(("2026-10-01".into(), "2026-12-31".into())));
        assert_eq!(p("2025"), Ok(("2025-01-01".into(), "2025-12-31".into())));
        assert_eq!(index_period(None, now).unwrap().name, "2026-12");
        for bad in ["2026-13", "2026-Q5", "2026-00", "1999", "2030", "26-01", "2026-1", "2026-+1", "２０２６", "2026-Q"]
        {
            assert_eq!(index_period(Some(bad), now).unwrap_err().field_errors()[0].key, "error-index-period", "{bad}");
        }
    }
}
