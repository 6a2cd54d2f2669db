//! The QĐ 766 index, published (`/chi-so-766?period=&agency=`): the month's (or quarter's, or
//! year's) total out of 100 and its five group scores for the province or one agency, every
//! indicator with what it counted, and the ranking of agencies. Server-rendered, a GET form.

use crate::api::index766::public_index766;
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::domain::index766::{Indicator, GROUP_MAX};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::ratings::{decimal, share};
use crate::pages::{loaded, query, ErrorPage};
use crate::read::index766::Index766View;
use leptos::prelude::*;

fn points(i18n: I18n, p: f64) -> String {
    decimal(i18n, format!("{p:.2}"))
}

fn ratio(i18n: I18n, n: i64, d: i64) -> String {
    if d == 0 {
        "—".into()
    } else {
        i18n.t_args("index-ratio", &[("share", share(i18n, n * 1000 / d)), ("n", n.to_string()), ("d", d.to_string())])
    }
}

fn form(
    i18n: I18n,
    period: String,
    agency: Option<String>,
    choices: &[(String, String)],
    error: Option<AppError>,
) -> impl IntoView {
    let labels =
        vec![("period".to_string(), i18n.t("index766-period")), ("agency".to_string(), i18n.t("stats-agency"))];
    let period_error = error_for(&error, "period");
    let agency_error = error_for(&error, "agency");
    view! {
        <ErrorSummary error=error.clone() labels=labels />
        <form method="get" action="/chi-so-766" class="stats-form">
            <div class="field" class:field-invalid=period_error.is_some()>
                <label for="index-period">{i18n.t("index766-period")}</label>
                <p class="hint" id="index-period-hint">{i18n.t("index766-period-hint")}</p>
                {period_error.clone().map(|e| view! { <p class="field-error" id="index-period-error">{e}</p> })}
                <input type="text" id="index-period" name="period" value=period size="8" autocomplete="off"
                    aria-invalid=period_error.is_some().then_some("true")
                    aria-describedby=if period_error.is_some() { "index-period-error index-period-hint" } else { "index-period-hint" } />
            </div>
            <div class="field" class:field-invalid=agency_error.is_some()>
                <label for="index-agency">{i18n.t("stats-agency")}</label>
                {agency_error.clone().map(|e| view! { <p class="field-error" id="index-agency-error">{e}</p> })}
                <select id="index-agency" name="agency" aria-invalid=agency_error.is_some().then_some("true")
                    aria-describedby=agency_error.is_some().then_some("index-agency-error")>
                    <option value="" selected=agency.is_none()>{i18n.t("stats-province")}</option>
                    {choices.iter().map(|(code, name)| view! {
                        <option value=code.clone() selected=agency.as_deref() == Some(code.as_str())>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">{i18n.t("stats-show")}</button>
        </form>
    }
}

fn indicator_row(i18n: I18n, i: &Indicator) -> impl IntoView {
    // What was counted goes in the figures' column; a missing source is said under the name, so
    // that the narrow column of a phone never holds a sentence.
    let what = match (&i.missing, i.value) {
        (Some(_), _) => "—".to_string(),
        (None, Some(v)) => i18n.t_args("stats-days", &[("n", decimal(i18n, format!("{v:.1}")))]),
        (None, None) => ratio(i18n, i.numerator, i.denominator),
    };
    let parts = i.parts.clone();
    view! {
        <tr class:missing=i.missing.is_some()>
            <th scope="row">{i18n.t(&format!("index766-{}", i.code.to_lowercase().replace('_', "-")))}<br/><small><code>{i.code.clone()}</code></small>
                {i.missing.map(|m| view! { <br/><small class="hint">{i18n.t(m.key())}</small> })}
                {(!parts.is_empty()).then(|| view! {
                    <ul class="index-parts">
                        {parts.iter().map(|p| view! {
                            <li>{i18n.t(&format!("index766-part-{}", p.name.replace('_', "-")))}": "
                                {match p.missing { Some(m) => i18n.t(m.key()), None => ratio(i18n, p.numerator, p.denominator) }}
                                " → "{points(i18n, p.points)}"/"{points(i18n, p.max)}</li>
                        }).collect_view()}
                    </ul>
                })}
            </th>
            <td class="num">{what}</td>
            <td class="num">{if i.max > 0.0 { format!("{}/{}", points(i18n, i.points), points(i18n, i.max)) } else { i18n.t("index766-info") }}</td>
        </tr>
    }
}

fn index_view(i18n: I18n, v: Index766View, choices: Vec<(String, String)>) -> impl IntoView {
    let scope = v.agency.as_ref().map(|a| i18n.name(&a.name)).unwrap_or_else(|| i18n.t("stats-province"));
    let heading = i18n.t_args("index766-heading", &[("scope", scope), ("period", v.period.clone())]);
    view! {
        <h1>{heading}</h1>
        {form(i18n, v.period.clone(), v.agency.as_ref().map(|a| a.code.clone()), &choices, None)}
        <p class="lead" data-testid="index-total">{i18n.t_args("index766-total", &[("points", points(i18n, v.total))])}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.t("index766-groups")>
            <table class="table fit-table" data-testid="index-groups">
                <caption>{i18n.t("index766-groups")}</caption>
                <tbody>
                    {v.groups.iter().zip(GROUP_MAX).enumerate().map(|(g, (p, m))| view! {
                        <tr><th scope="row">{i18n.t(&format!("index766-group-{}", g + 1))}</th>
                            <td class="num">{format!("{}/{}", points(i18n, *p), points(i18n, m))}</td></tr>
                    }).collect_view()}
                    <tr class="total"><th scope="row">{i18n.t("stats-all")}</th><td class="num">{format!("{}/100", points(i18n, v.total))}</td></tr>
                </tbody>
            </table>
        </div>
        {(1..=5u8).map(|g| {
            let rows: Vec<Indicator> = v.indicators.iter().filter(|i| i.group == g).cloned().collect();
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.t(&format!("index766-group-{g}"))>
                    <table class="table" data-testid=format!("index-group-{g}")>
                        <caption>{i18n.t(&format!("index766-group-{g}"))}</caption>
                        <thead><tr>
                            <th scope="col">{i18n.t("index766-indicator")}</th>
                            <th scope="col" class="num">{i18n.t("index766-counted")}</th>
                            <th scope="col" class="num">{i18n.t("index766-points")}</th>
                        </tr></thead>
                        <tbody>{rows.iter().map(|i| indicator_row(i18n, i)).collect_view()}</tbody>
                    </table>
                </div>
            }
        }).collect_view()}
        {(!v.ranking.is_empty()).then(|| view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.t("index766-ranking")>
                <table class="table wide-table" data-testid="index-ranking">
                    <caption>{i18n.t("index766-ranking")}</caption>
                    <thead><tr>
                        <th scope="col" class="num">{i18n.t("index766-rank")}</th>
                        <th scope="col">{i18n.t("ratings-agency")}</th>
                        {(1..=5).map(|g| view! { <th scope="col" class="num">{i18n.t(&format!("index766-group-short-{g}"))}</th> }).collect_view()}
                        <th scope="col" class="num">{i18n.t("stats-all")}</th>
                    </tr></thead>
                    <tbody>
                        {v.ranking.iter().enumerate().map(|(n, a)| view! {
                            <tr>
                                <td class="num">{n + 1}</td>
                                <th scope="row"><a href=format!("/chi-so-766?period={}&agency={}", v.period, a.code)>{i18n.name(&a.name)}</a></th>
                                {a.groups.iter().map(|p| view! { <td class="num">{points(i18n, *p)}</td> }).collect_view()}
                                <td class="num">{points(i18n, a.total)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <p class="hint">{i18n.t("index766-lead")}" "<a href=format!("/api/chi-so-766?period={}", v.period)><code>"/api/chi-so-766"</code></a></p>
    }
}

#[component]
pub fn Index766Page() -> impl IntoView {
    let i18n = use_i18n();
    let (period, agency) = (query("period"), query("agency"));
    view! {
        <Layout title=i18n.t("index766-title")>
            {loaded(async move {
                let choices: Vec<(String, String)> = crate::api::catalogue::list_agencies()
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| (a.code, i18n.name(&a.name)))
                    .collect();
                match public_index766(period.clone(), agency.clone()).await {
                    Ok(v) => index_view(i18n, v, choices).into_any(),
                    Err(e @ AppError::Invalid { .. }) => view! {
                        <h1>{i18n.t("index766-title")}</h1>
                        {form(i18n, period.unwrap_or_default(), agency, &choices, Some(e))}
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Layout>
    }
}
