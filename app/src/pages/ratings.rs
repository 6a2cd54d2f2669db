//! The public satisfaction ratings (`/danh-gia?nam=`): for a year, each agency's and each of its
//! procedures' ratings per criterion (TT 32/2017 Đ11.3.đ, Đ12), never an officer's.

use crate::api::ratings::public_ratings;
use crate::components::layout::Layout;
use crate::domain::rating::{Criterion, Tally};
use crate::i18n::{use_i18n, I18n};
use crate::pages::{page_data, query};
use leptos::prelude::*;

/// The share satisfied (very satisfied or satisfied) of those who rated `c`, and how many did.
fn cell(i18n: I18n, t: &Tally, c: Criterion) -> String {
    let ci = Criterion::ALL.iter().position(|x| *x == c).unwrap_or(0);
    let n: i64 = t.levels[ci].iter().sum();
    match t.satisfied_permille(c) {
        Some(pm) => i18n.t_args("ratings-cell", &[("share", share(i18n, pm)), ("n", n.to_string())]),
        None => "—".to_string(),
    }
}

/// A share in tenths of a percent, with the decimal mark of the reader's language.
pub(crate) fn share(i18n: I18n, permille: i64) -> String {
    decimal(i18n, format!("{}.{}", permille / 10, permille % 10))
}

/// A decimal number written with a point, as the reader's language writes it (a comma in
/// Vietnamese).
pub(crate) fn decimal(i18n: I18n, n: String) -> String {
    if i18n.lang == crate::i18n::Lang::En {
        n
    } else {
        n.replace('.', ",")
    }
}

fn head(i18n: I18n, first: &str) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col">{i18n.t(first)}</th>
                <th scope="col" class="num">{i18n.t("ratings-rated")}</th>
                {Criterion::ALL.into_iter().map(|c| view! {
                    <th scope="col" class="num">{i18n.t(&c.short_key())}</th>
                }).collect_view()}
            </tr>
        </thead>
    }
}

fn cells(i18n: I18n, t: &Tally) -> impl IntoView {
    let t = t.clone();
    view! {
        <td class="num">{t.rated}</td>
        {Criterion::ALL.into_iter().map(|c| view! { <td class="num">{cell(i18n, &t, c)}</td> }).collect_view()}
    }
}

/// A ratio as "share % (n/d)", or a dash without a denominator.
fn ratio(i18n: I18n, r: crate::domain::index766::Ratio) -> String {
    match r.permille() {
        Some(pm) => i18n.t_args(
            "index-ratio",
            &[("share", share(i18n, pm)), ("n", r.numerator.to_string()), ("d", r.denominator.to_string())],
        ),
        None => "—".to_string(),
    }
}

/// The QĐ 766 indicators the ratings and the personal data store feed, per agency and for the
/// province: satisfaction in receiving and handling (a dossier counts against it when rated
/// unsatisfied, when it drew feedback, or when it was late) and the reuse of digitised data.
fn index_table(i18n: I18n, v: &crate::read::ratings::RatingsView) -> impl IntoView {
    use crate::domain::index766::{format_points, receiving_satisfaction_points, reuse_points};
    let row = move |name: String, a: &crate::read::ratings::AgencyIndex, total: bool| {
        view! {
            <tr class:total=total>
                <th scope="row">{name}</th>
                <td class="num">{ratio(i18n, a.satisfaction)}</td>
                <td class="num">{decimal(i18n, format_points(receiving_satisfaction_points(a.satisfaction)))}</td>
                <td class="num">{ratio(i18n, a.reuse)}</td>
                <td class="num">{decimal(i18n, format_points(reuse_points(a.reuse)))}</td>
            </tr>
        }
    };
    (!v.index.is_empty()).then(|| {
        view! {
            <section aria-labelledby="index-title">
                <h2 id="index-title">{i18n.t("index-title")}</h2>
                <p class="hint">{i18n.t("index-lead")}</p>
                <div class="table-scroll">
                    <table class="table" data-testid="index-766">
                        <caption class="visually-hidden">{i18n.t("index-title")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{i18n.t("ratings-agency")}</th>
                                <th scope="col" class="num">{i18n.t("index-satisfaction")}</th>
                                <th scope="col" class="num">{i18n.t("index-points-6")}</th>
                                <th scope="col" class="num">{i18n.t("index-reuse")}</th>
                                <th scope="col" class="num">{i18n.t("index-points-2")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.index.iter().map(|a| row(i18n.name(&a.name), a, false)).collect_view()}
                            {row(i18n.t("ratings-total"), &v.index_total, true)}
                        </tbody>
                    </table>
                </div>
            </section>
        }
    })
}

#[component]
pub fn RatingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Layout title=i18n.t("ratings-title")>
            {page_data(public_ratings(query("nam")), move |v| {
                let year = v.year;
                view! {
                    <h1>{i18n.t_args("ratings-heading", &[("year", year.to_string())])}</h1>
                    <p>{i18n.t("ratings-lead")}</p>
                    <form method="get" action="/danh-gia" class="inline-form">
                        <label for="nam">{i18n.t("ratings-year")}</label>
                        <select id="nam" name="nam">
                            {v.years.iter().map(|y| view! { <option value=y.to_string() selected=*y == year>{y.to_string()}</option> }).collect_view()}
                        </select>
                        <button type="submit">{i18n.t("ratings-show")}</button>
                    </form>
                    {index_table(i18n, &v)}
                    {(v.total.rated == 0).then(|| view! { <p data-testid="ratings-none">{i18n.t("ratings-none")}</p> })}
                    {(v.total.rated > 0).then(|| view! {
                        <div class="table-scroll">
                            <table class="table" data-testid="ratings-agencies">
                                <caption>{i18n.t("ratings-by-agency")}</caption>
                                {head(i18n, "ratings-agency")}
                                <tbody>
                                    {v.agencies.iter().map(|a| view! {
                                        <tr><th scope="row">{i18n.name(&a.name)}</th>{cells(i18n, &a.tally)}</tr>
                                    }).collect_view()}
                                    <tr class="total"><th scope="row">{i18n.t("ratings-total")}</th>{cells(i18n, &v.total)}</tr>
                                </tbody>
                            </table>
                        </div>
                        {v.agencies.iter().map(|a| view! {
                            <details class="ratings-agency">
                                <summary>{i18n.t_args("ratings-by-procedure", &[("agency", i18n.name(&a.name))])}</summary>
                                <div class="table-scroll">
                                    <table class="table">
                                        {head(i18n, "ratings-procedure")}
                                        <tbody>
                                            {a.procedures.iter().map(|p| view! {
                                                <tr><th scope="row"><a href=format!("/thu-tuc/{}", p.code)>{i18n.name(&p.name)}</a></th>{cells(i18n, &p.tally)}</tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </details>
                        }).collect_view()}
                    })}
                }
            })}
        </Layout>
    }
}
