//! Public statistics (`/thong-ke?from=&to=&agency=`): for a period (this year to date unless
//! asked), the province's or one agency's dossiers — carried over and new, how they were
//! resolved, what is still open — each agency's in a chart and its table, and each procedure's
//! online figures with satisfaction per criterion (TT 32/2017 Đ11.3). Works without JavaScript:
//! a GET form, server-drawn SVG, tables, CSV downloads.

use crate::api::statistics::public_statistics;
use crate::components::field::{error_for, ErrorSummary};
use crate::components::layout::Layout;
use crate::domain::rating::{Criterion, Tally};
use crate::domain::statistics::{Figures, Outcome};
use crate::domain::vn_time::iso_day_vn as day;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::ratings::{decimal, share};
use crate::pages::{loaded, query, ErrorPage};
use crate::read::statistics::{AgencyChoice, StatisticsView};
use leptos::prelude::*;

fn permille(i18n: I18n, pm: Option<i64>) -> String {
    pm.map(|pm| format!("{} %", share(i18n, pm))).unwrap_or_else(|| "—".into())
}

fn days(i18n: I18n, tenths: Option<i64>) -> String {
    tenths
        .map(|t| i18n.t_args("stats-days", &[("n", decimal(i18n, format!("{}.{}", t / 10, t % 10)))]))
        .unwrap_or_else(|| "—".into())
}

/// The query string of the period and agency shown, for links that keep them.
fn period_query(v: &StatisticsView) -> String {
    let mut q = format!("from={}&to={}", v.from, v.to);
    if let Some(a) = &v.agency {
        q.push_str(&format!("&agency={}", a.code));
    }
    q
}

/// The form that chooses the period and the agency (a GET: the page is a link).
fn period_form(
    i18n: I18n,
    from: String,
    to: String,
    agency: Option<String>,
    choices: &[AgencyChoice],
    error: Option<AppError>,
) -> impl IntoView {
    let labels = vec![
        ("from".to_string(), i18n.t("stats-from")),
        ("to".to_string(), i18n.t("stats-to")),
        ("agency".to_string(), i18n.t("stats-agency")),
    ];
    let field = move |name: &'static str, value: String, error: Option<String>| {
        let id = format!("stats-{name}");
        let err_id = format!("stats-{name}-error");
        view! {
            <div class="field" class:field-invalid=error.is_some()>
                <label for=id.clone()>{i18n.t(&format!("stats-{name}"))}</label>
                {error.clone().map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
                <input type="date" id=id name=name value=value required
                    aria-invalid=error.is_some().then_some("true")
                    aria-describedby=error.is_some().then_some(err_id.clone()) />
            </div>
        }
    };
    let agency_error = error_for(&error, "agency");
    view! {
        <ErrorSummary error=error.clone() labels=labels />
        <form method="get" action="/thong-ke" class="stats-form">
            {field("from", from, error_for(&error, "from"))}
            {field("to", to, error_for(&error, "to"))}
            <div class="field" class:field-invalid=agency_error.is_some()>
                <label for="stats-agency">{i18n.t("stats-agency")}</label>
                {agency_error.clone().map(|e| view! { <p class="field-error" id="stats-agency-error">{e}</p> })}
                <select id="stats-agency" name="agency" aria-invalid=agency_error.is_some().then_some("true")
                    aria-describedby=agency_error.is_some().then_some("stats-agency-error")>
                    <option value="" selected=agency.is_none()>{i18n.t("stats-province")}</option>
                    {choices.iter().map(|c| view! {
                        <option value=c.code.clone() selected=agency.as_deref() == Some(c.code.as_str())>{i18n.name(&c.name)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">{i18n.t("stats-show")}</button>
        </form>
    }
}

/// The identity, read down: what the period saw and where it went.
fn summary(i18n: I18n, f: &Figures) -> impl IntoView {
    let row = move |key: &str, n: i64, class: &'static str| {
        view! { <tr class=class><th scope="row">{i18n.t(key)}</th><td class="num">{n}</td></tr> }
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.t("stats-summary")>
            <table class="table fit-table" data-testid="stats-summary">
                <caption>{i18n.t("stats-summary")}</caption>
                <tbody>
                    {row("stats-carried-over", f.carried_over, "")}
                    {row("stats-received-new", f.received_new, "")}
                    {row("stats-received-online", f.received_online, "sub")}
                    {row("stats-received-counter", f.received_counter, "sub")}
                    {row("stats-received-postal", f.received_postal, "sub")}
                    {row("stats-total", f.total(), "total")}
                    {Outcome::ALL.into_iter().map(|o| row(&o.key(), f.outcome(o), "")).collect_view()}
                    {row("stats-waiting-for-citizen", f.waiting_for_citizen, "sub")}
                    <tr class="total"><th scope="row">{i18n.t("stats-accounted")}</th><td class="num">{f.accounted()}</td></tr>
                    <tr><th scope="row">{i18n.t("stats-on-time-share")}</th><td class="num">{permille(i18n, f.on_time_permille())}</td></tr>
                    <tr><th scope="row">{i18n.t("stats-average")}</th><td class="num">{days(i18n, f.average_tenths_of_days())}</td></tr>
                </tbody>
            </table>
        </div>
    }
}

/// Each agency's dossiers as one bar of its outcomes, drawn on the server; the table after it
/// gives the same figures (the chart is described as an image, the table is for reading).
fn chart(i18n: I18n, v: &StatisticsView) -> impl IntoView {
    const ROW: usize = 44;
    const WIDTH: f64 = 400.0;
    let max = v.agencies.iter().map(|a| a.figures.total()).max().unwrap_or(0).max(1) as f64;
    let height = ROW * v.agencies.len() + 8;
    let rows = v
        .agencies
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let y = (i * ROW) as f64;
            let mut x = 0.0;
            let segments = Outcome::ALL
                .into_iter()
                .filter_map(|o| {
                    let n = a.figures.outcome(o);
                    (n > 0).then(|| {
                        let w = n as f64 / max * WIDTH;
                        let seg = view! {
                            <rect x=format!("{x:.1}") y=format!("{:.1}", y + 20.0) width=format!("{w:.1}") height="16"
                                class=format!("seg seg-{}", o.code())>
                                <title>{format!("{}: {n}", i18n.t(&o.key()))}</title>
                            </rect>
                        };
                        x += w;
                        seg
                    })
                })
                .collect_view();
            view! {
                <g>
                    <text x="0" y=format!("{:.1}", y + 14.0) class="chart-label">
                        {format!("{} — {}", i18n.name(&a.name), a.figures.total())}
                    </text>
                    {segments}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="stats-chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby="stats-chart-title"
                preserveAspectRatio="xMinYMin meet" width="100%">
                <title id="stats-chart-title">{i18n.t("stats-chart-title")}</title>
                {rows}
            </svg>
            <figcaption>
                <ul class="chart-legend">
                    {Outcome::ALL.into_iter().map(|o| view! {
                        <li><span class=format!("swatch seg-{}", o.code()) aria-hidden="true"></span>{i18n.t(&o.key())}</li>
                    }).collect_view()}
                </ul>
                <p class="hint">{i18n.t("stats-chart-table")}</p>
            </figcaption>
        </figure>
    }
}

fn agency_table(i18n: I18n, v: &StatisticsView) -> impl IntoView {
    let cells = move |f: &Figures| {
        let f = *f;
        view! {
            <td class="num">{f.carried_over}</td>
            <td class="num">{f.received_new}</td>
            {Outcome::ALL.into_iter().map(|o| view! { <td class="num">{f.outcome(o)}</td> }).collect_view()}
            <td class="num">{permille(i18n, f.on_time_permille())}</td>
        }
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.t("stats-by-agency")>
            <table class="table wide-table" data-testid="stats-agencies">
                <caption class="visually-hidden">{i18n.t("stats-by-agency")}</caption>
                <thead><tr>
                    <th scope="col">{i18n.t("ratings-agency")}</th>
                    <th scope="col" class="num">{i18n.t("stats-carried-over")}</th>
                    <th scope="col" class="num">{i18n.t("stats-received-new")}</th>
                    {Outcome::ALL.into_iter().map(|o| view! { <th scope="col" class="num">{i18n.t(&o.key())}</th> }).collect_view()}
                    <th scope="col" class="num">{i18n.t("stats-on-time-share")}</th>
                </tr></thead>
                <tbody>
                    {v.agencies.iter().map(|a| view! {
                        <tr><th scope="row"><a href=format!("/thong-ke?from={}&to={}&agency={}", v.from, v.to, a.code)>{i18n.name(&a.name)}</a></th>{cells(&a.figures)}</tr>
                    }).collect_view()}
                    <tr class="total"><th scope="row">{i18n.t("stats-all")}</th>{cells(&v.figures)}</tr>
                </tbody>
            </table>
        </div>
    }
}

/// TT 32/2017 Đ11.3 per service: online received and handled, the share handled on time, all
/// received, satisfaction per criterion.
fn service_table(i18n: I18n, v: &StatisticsView) -> impl IntoView {
    let satisfied = move |t: &Tally, c: Criterion| permille(i18n, t.satisfied_permille(c));
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.t("stats-by-service")>
            <table class="table wide-table" data-testid="stats-services">
                <caption class="visually-hidden">{i18n.t("stats-by-service")}</caption>
                <thead><tr>
                    <th scope="col">{i18n.t("ratings-procedure")}</th>
                    <th scope="col" class="num">{i18n.t("stats-online-received")}</th>
                    <th scope="col" class="num">{i18n.t("stats-online-handled")}</th>
                    <th scope="col" class="num">{i18n.t("stats-online-on-time")}</th>
                    <th scope="col" class="num">{i18n.t("stats-all-received")}</th>
                    {Criterion::ALL.into_iter().map(|c| view! { <th scope="col" class="num">{i18n.t(&c.short_key())}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {v.agencies.iter().flat_map(|a| a.procedures.iter().map(move |p| (a, p))).map(|(a, p)| {
                        let f = p.figures;
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/thu-tuc/{}", p.code)>{i18n.name(&p.name)}</a>
                                    <br/><small>{i18n.name(&a.name)}</small></th>
                                <td class="num">{f.received_online}</td>
                                <td class="num">{f.online_handled}</td>
                                <td class="num">{permille(i18n, f.online_on_time_permille())}</td>
                                <td class="num">{f.received_new}</td>
                                {Criterion::ALL.into_iter().map(|c| view! { <td class="num">{satisfied(&p.ratings, c)}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn statistics_view(i18n: I18n, v: StatisticsView) -> impl IntoView {
    let q = period_query(&v);
    let scope = v.agency.as_ref().map(|a| i18n.name(&a.name)).unwrap_or_else(|| i18n.t("stats-province"));
    let heading = i18n.t_args("stats-heading", &[("scope", scope)]);
    let period = i18n.t_args("stats-period", &[("from", day(&v.from)), ("to", day(&v.to))]);
    let empty = v.figures.total() == 0;
    view! {
        <h1>{heading}</h1>
        <p class="lead">{period}</p>
        {period_form(i18n, v.from.clone(), v.to.clone(), v.agency.as_ref().map(|a| a.code.clone()), &v.choices, None)}
        <p class="hint">{i18n.t("stats-lead")}</p>
        {empty.then(|| view! { <p data-testid="stats-none">{i18n.t("stats-none")}</p> })}
        {(!empty).then(|| view! {
            {summary(i18n, &v.figures)}
            <section>
                <h2 id="stats-by-agency-title">{i18n.t("stats-by-agency")}</h2>
                {chart(i18n, &v)}
                {agency_table(i18n, &v)}
                <p><a href=format!("/thong-ke/tai-ve?bang=co-quan&{q}") download>{i18n.t("stats-csv-agencies")}</a></p>
            </section>
            <section>
                <h2 id="stats-by-service-title">{i18n.t("stats-by-service")}</h2>
                {service_table(i18n, &v)}
                <p><a href=format!("/thong-ke/tai-ve?bang=dich-vu&{q}") download>{i18n.t("stats-csv-services")}</a></p>
            </section>
            <p class="hint">{i18n.t("stats-json")}" "<a href=format!("/api/thong-ke?{q}")><code>{format!("/api/thong-ke?{q}")}</code></a></p>
        })}
    }
}

#[component]
pub fn StatisticsPage() -> impl IntoView {
    let i18n = use_i18n();
    let (from, to, agency) = (query("from"), query("to"), query("agency"));
    let asked = (from.clone(), to.clone(), agency.clone());
    view! {
        <Layout title=i18n.t("stats-title")>
            {loaded(async move {
                match public_statistics(from, to, agency).await {
                    Ok(v) => statistics_view(i18n, v).into_any(),
                    Err(e @ AppError::Invalid { .. }) => {
                        // The period as typed, with what is wrong at its field.
                        let choices: Vec<AgencyChoice> = crate::api::catalogue::list_agencies()
                            .await
                            .unwrap_or_default()
                            .into_iter()
                            .map(|a| AgencyChoice { code: a.code, name: a.name })
                            .collect();
                        view! {
                            <h1>{i18n.t("stats-title")}</h1>
                            {period_form(i18n, asked.0.unwrap_or_default(), asked.1.unwrap_or_default(), asked.2, &choices, Some(e))}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Layout>
    }
}
