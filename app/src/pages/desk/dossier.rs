//! One dossier at the desk: its facts and deadline, form, files, workflow and steps,
//! consultations, supplements and history, with the actions the officer may take now.

use super::actions::{answer_consultation_form, ACTION_PATHS};
use crate::api::desk::{desk_dossier, DeskDossierView};
use crate::api::handling::working_time_text;
use crate::components::field::ErrorSummary;
use crate::components::layout::Layout;
use crate::components::{allowance_text, format_bytes, table_head, FormValues, History, StatusBadge, SupplementBox};
use crate::desk_app::use_desk;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::desk::inbox::{next_in_inbox, InboxPane};
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The workspace: the inbox's rows beside the open dossier. The dossier follows the URL; after an
/// action (`?xong=1`, with `&phieu=NN` when a slip is due) a confirmation offers the slip and the
/// next dossier.
#[component]
pub fn DeskDossierPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let pane_code = Signal::derive(code);
    let dossier = desk_data(
        move || (code(), query.read().get("xong"), query.read().get("phieu")),
        // In the app, a dossier that offers forms arrives with their code loaded, so the page is
        // drawn whole at once (and takes the focus as one).
        |(code, _, _)| async move {
            let d = desk_dossier(code).await;
            #[cfg(feature = "desk")]
            if d.as_ref().is_ok_and(|d| super::actions::any_form(&d.actions)) {
                forms::load_code().await;
            }
            d
        },
        move |d| {
            let error = ACTION_PATHS.into_iter().find_map(posted_error);
            let q = query.get_untracked();
            let done = q.get("xong").is_some().then(|| q.get("phieu").filter(|f| SLIPS.contains(&f.as_str())));
            view! { <Layout title=d.dossier.code.clone()>{done.map(|slip| done_banner(i18n, &d.dossier.code, slip))}{desk_view(i18n, d, error)}</Layout> }
        },
    );
    view! {
        <div class="workspace">
            {move || view! { <InboxPane code=pane_code.get() /> }}
            <div class="dossier-pane">{dossier}</div>
        </div>
    }
}

/// The slips a dossier's page may offer after an action.
const SLIPS: [&str; 5] = ["01", "02", "03", "04", "05"];

/// "Done": what the officer does next — print the slip the action issued, go to the next
/// dossier of the inbox, or back to the inbox.
fn done_banner(i18n: I18n, code: &str, slip: Option<String>) -> impl IntoView {
    // Its own small reactive part: the inbox changes under it without drawing the page again.
    let here = code.to_string();
    let desk = use_desk();
    let next = move || desk.and_then(|d| d.inbox_codes.with(|codes| next_in_inbox(codes, &here)));
    view! {
        <div class="done-banner" role="status" tabindex="-1" data-testid="done">
            <strong>{i18n.t("desk-done")}</strong>
            {slip.map(|f| view! {
                <a class="button" target="_blank" accesskey="p" href=format!("/mot-cua/ho-so/{code}/phieu/{f}")>{i18n.t(&format!("slip-{f}-print"))}</a>
            })}
            {move || next().map(|n| view! { <a class="button secondary" accesskey="m" href=format!("/mot-cua/ho-so/{n}")>{i18n.t("desk-next-dossier")}</a> })}
            <a href="/mot-cua">{i18n.t("desk-back-to-inbox")}</a>
        </div>
    }
}

fn desk_view(i18n: I18n, d: DeskDossierView, error: Option<AppError>) -> impl IntoView {
    let d = std::sync::Arc::new(d);
    let code = d.dossier.code.clone();
    let has = |action: &str| d.dossier.events.iter().any(|e| e.action == action);
    let slips: Vec<(&str, bool)> = vec![
        ("01", has("accept")),
        ("02", d.dossier.supplements.iter().any(|s| s.sent_at_ms.is_some())),
        ("03", has("refuse")),
        ("04", has("apologise")),
        ("05", has("accept")),
    ];
    let location = d
        .steps
        .last()
        .filter(|_| d.position.is_some())
        .map(|s| i18n.unit_and_agency(&s.unit, &s.agency))
        .unwrap_or_else(|| i18n.name(&d.dossier.location));
    let clock = d.clock.clone();
    view! {
        <h1>{i18n.t("dossier-title")}" "<span class="code">{code.clone()}</span></h1>
        <div class="desk-grid">
            <section>
                <dl class="facts">
                    <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.dossier.status /></dd>
                    <dt>{i18n.t("dossier-procedure")}</dt><dd>{i18n.name(&d.dossier.procedure)}<br/><small>{allowance_text(&d.allowance)}</small></dd>
                    <dt>{i18n.t("dossier-applicant")}</dt><dd>{d.dossier.applicant_name.clone()}<br/><small>{i18n.t("field-cccd")}": "{d.applicant_cccd.clone()}" · "{d.applicant_phone.clone()}</small>
                        <br/><small data-testid="applicant-account">{i18n.t(&format!("account-{}", d.applicant_account))}</small></dd>
                    {crate::components::applied_for::applied_for_facts(i18n, d.dossier.applied_for.as_ref(), &d.dossier.components, &d.dossier.files, true)}
                    <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.dossier.submitted_at_ms)}" · "{i18n.t(&format!("channel-{}", d.dossier.channel))}</dd>
                    <dt>{i18n.t("dossier-location")}</dt><dd data-testid="location">{location}</dd>
                    {d.due_at_ms.map(|due| view! {
                        <dt>{i18n.t("desk-due")}</dt>
                        <dd>
                            <strong data-testid="due">{format_vn(due)}</strong>
                            {(d.original_due_at_ms != Some(due)).then(|| view! { <br/><small>{i18n.t("desk-original-due")}": "{d.original_due_at_ms.map(format_vn).unwrap_or_default()}</small> })}
                            {clock.left_minutes.map(|left| view! {
                                <br/><span class=if left < 0 { "late-label" } else { "time-left" }>
                                    {if left < 0 { i18n.t_args("desk-overdue-by", &[("time", working_time_text(&i18n, left, clock.day_minutes))]) } else { i18n.t_args("desk-time-left", &[("time", working_time_text(&i18n, left, clock.day_minutes))]) }}
                                </span>
                            })}
                            {clock.timeliness.clone().map(|t| view! { <br/><span class="timeliness">{i18n.t(&t)}</span> })}
                        </dd>
                    })}
                </dl>
                <h2>{i18n.t("submit-form-section")}</h2>
                <FormValues fields=d.dossier.form_fields.clone() values=d.dossier.form.clone() />
                <h2>{i18n.t("submit-files-section")}</h2>
                {files_view(i18n, &d)}
                {work_files_view(i18n, &d)}
                {results_view(i18n, &d)}
                {crate::components::fees::fees_section(i18n, &d.dossier.code, &d.dossier.obligations, &d.dossier.payments, ().into_any())}
            </section>
            <section class="actions-panel" aria-labelledby="actions-title">
                <h2 id="actions-title">{i18n.t("desk-actions")}</h2>
                <p class="slip-links">
                    {slips.into_iter().filter(|(_, ok)| *ok).map(|(form, _)| view! {
                        <a class="button secondary" target="_blank" href=format!("/mot-cua/ho-so/{code}/phieu/{form}")>{i18n.t(&format!("slip-{form}-print"))}</a>" "
                    }).collect_view()}
                </p>
                {super::actions::new_claim_code_form(i18n, &d)}
                <ErrorSummary error=error.clone() labels=vec![("reason".to_string(), i18n.t("field-reason"))] />
                {forms::view(i18n, &d, &error)}
            </section>
        </div>
        {steps_view(i18n, &d)}
        {consultations_view(i18n, &d, &error)}
        {d.dossier.supplements.iter().rev().map(|s| view! { <SupplementBox s=s.clone() /> }).collect_view()}
        <History events=d.dossier.events.clone() />
    }
}

/// The opinions asked: who was asked what, by when, and the answer with its timeliness; the form
/// for the officer whose unit is asked.
fn consultations_view(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let answerable = d.actions.answer.first().copied();
    (!d.consultations.is_empty()).then(|| view! {
        <section class="consultations" aria-labelledby="consultations-title">
            <h2 id="consultations-title">{i18n.t("desk-consultations")}</h2>
            <table class="table">
                {table_head(i18n, &["slip-05-agency", "desk-consult-question", "desk-consult-due", "desk-consult-answer"])}
                <tbody>
                    {d.consultations.iter().map(|c| {
                        let timeliness = c.answered_at_ms.map(|t| crate::domain::clock::timeliness(c.due_at_ms, t).key().to_string());
                        view! {
                            <tr>
                                <td>{i18n.unit_and_agency(&c.unit, &c.agency)}</td>
                                <td>{c.question.clone()}<br/><small>{i18n.t_args("desk-consult-asked", &[("who", c.asked_by.clone()), ("at", format_vn(c.asked_at_ms))])}</small></td>
                                <td>{format_vn(c.due_at_ms)}</td>
                                <td>{match (&c.answer, c.answered_at_ms) {
                                    (Some(a), Some(t)) => view! {
                                        {a.clone()}<br/><small>{c.answered_by.clone().unwrap_or_default()}" · "{format_vn(t)}" · "{timeliness.map(|k| i18n.t(&k))}</small>
                                    }.into_any(),
                                    _ => view! { <em>{i18n.t("desk-consult-waiting")}</em> }.into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {answerable.map(|id| answer_consultation_form(i18n, d, id, error))}
        </section>
    })
}

/// Each component's file, with an inline preview of PDFs and images.
fn files_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    view! {
        <ul class="files">
            {d.dossier.components.iter().map(|c| {
                let file = d.dossier.files.iter().find(|f| f.component_id == c.id).cloned();
                view! { <li>{c.name.clone()}{(!c.required).then(|| format!(" {}", i18n.t("component-optional")))}": "{match file {
                    Some(f) => {
                        let src = format!("/tep/{}", f.id);
                        let preview = if f.content_type == "application/pdf" {
                            view! { <iframe class="preview" src=src.clone() title=f.file_name.clone()></iframe> }.into_any()
                        } else if f.content_type.starts_with("image/") {
                            view! { <img class="preview" src=src.clone() alt=f.file_name.clone() loading="lazy" /> }.into_any()
                        } else {
                            ().into_any()
                        };
                        view! {
                            <a href=src.clone() target="_blank">{f.file_name.clone()}</a>" ("{format_bytes(f.size_bytes)}")"
                            {f.digitised.then(|| view! { " "<span class="tag">{i18n.t("file-digitised")}</span> })}
                            {f.reused.clone().map(|r| view! {
                                " "<span class="tag" data-testid="file-reused">
                                    {i18n.t_args("reuse-from", &[("source", crate::components::form_inputs::reuse_source(i18n, &r))])}
                                    " ("{crate::domain::vn_time::format_vn(r.at_ms)}")"
                                </span>
                            })}
                            <details class="preview-box"><summary>{i18n.t("desk-preview")}</summary>{preview}</details>
                        }.into_any()
                    }
                    None => view! { <em>{i18n.t("file-none")}</em> }.into_any(),
                }}</li> }
            }).collect_view()}
        </ul>
    }
}

/// The results issued (the newest first): number, date, whether still in force, the signed
/// document and its public verification page.
fn results_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    (!d.dossier.results.is_empty()).then(|| view! {
        <h2>{i18n.t("desk-results")}</h2>
        <ul class="files" data-testid="desk-results">
            {d.dossier.results.iter().rev().map(|r| view! {
                <li>
                    <strong>{r.number.clone()}</strong>" — "{format_vn(r.issued_at_ms)}" — "
                    {if r.standing == crate::domain::result::Standing::Valid { i18n.t("desk-result-in-force") } else { i18n.t("desk-result-withdrawn") }}
                    " · "<a href=format!("/xac-thuc/{}/tai-ve", r.token) target="_blank">"PDF"</a>
                    " · "<a href=format!("/xac-thuc/{}", r.token) target="_blank">{i18n.t("desk-result-verify")}</a>
                </li>
            }).collect_view()}
        </ul>
    })
}

fn work_files_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    (!d.work_files.is_empty()).then(|| view! {
        <h2>{i18n.t("desk-work-files")}</h2>
        <ul class="files">
            {d.work_files.iter().map(|f| view! {
                <li>
                    <strong>{i18n.t(&format!("work-file-{}", f.kind))}</strong>": "
                    <a href=format!("/tep/{}", f.id) target="_blank">{f.file_name.clone()}</a>" ("{format_bytes(f.size_bytes)}") — "
                    {f.created_by.clone()}", "{format_vn(f.created_at_ms)}
                </li>
            }).collect_view()}
        </ul>
    })
}

/// The workflow: each step with its unit, allowance, spend and timeliness (the control sheet's data).
fn steps_view(i18n: I18n, d: &DeskDossierView) -> impl IntoView {
    (!d.workflow.is_empty()).then(|| view! {
        <section class="workflow" aria-labelledby="workflow-title">
            <h2 id="workflow-title">{i18n.t("desk-workflow")}</h2>
            <ol class="workflow-plan">
                {d.workflow.iter().enumerate().map(|(i, w)| {
                    let current = d.position == Some(i as i64);
                    view! {
                        <li class:current=current aria-current=current.then_some("step")>
                            <strong>{i18n.t(&format!("step-{}", w.kind))}</strong>" — "
                            {i18n.unit_and_agency(&w.unit, &w.agency)}
                            " · "{allowance_text(&w.allowance)}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {(!d.steps.is_empty()).then(|| view! {
                <table class="table steps-table">
                    <caption>{i18n.t("desk-steps")}</caption>
                    <thead><tr>
                        <th scope="col">{i18n.t("desk-step")}</th>
                        <th scope="col">{i18n.t("desk-step-holder")}</th>
                        <th scope="col">{i18n.t("desk-step-start")}</th>
                        <th scope="col">{i18n.t("desk-step-due")}</th>
                        <th scope="col">{i18n.t("desk-step-end")}</th>
                        <th scope="col">{i18n.t("desk-step-spent")}</th>
                        <th scope="col">{i18n.t("desk-step-result")}</th>
                    </tr></thead>
                    <tbody>
                        {d.steps.iter().zip(d.clock.steps.iter().map(Some).chain(std::iter::repeat(None))).map(|(s, c)| view! {
                            <tr>
                                <td>{i18n.t(&format!("step-{}", s.kind))}</td>
                                <td>{i18n.unit_and_agency(&s.unit, &s.agency)}{s.assignee.clone().map(|a| view! { <br/><small>{a}</small> })}</td>
                                <td>{format_vn(s.started_at_ms)}</td>
                                <td>{format_vn(s.due_at_ms)}</td>
                                <td>{s.ended_at_ms.map(format_vn).unwrap_or_default()}{s.ended_by.clone().map(|b| view! { <br/><small>{b}</small> })}</td>
                                <td>{c.map(|c| format!("{} / {}", working_time_text(&i18n, c.spent_minutes, d.clock.day_minutes), working_time_text(&i18n, c.allowance_minutes, d.clock.day_minutes)))}</td>
                                <td>{c.and_then(|c| c.timeliness.clone()).map(|t| i18n.t(&t))}{s.outcome.clone().filter(|o| o != "done").map(|o| view! { <br/><small>{i18n.t(&format!("outcome-{o}"))}</small> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    })
}

/// The actions panel's forms: their code is loaded on demand in the desk's WASM
/// (`docs/decisions.md`, "The desk loads its rarer screens on demand"), the first time a dossier
/// shows one of them; the server renders them at once, and before the desk hydrates a page that
/// shows them it loads their code ([`preload`]).
pub mod forms {
    use crate::api::desk::DeskDossierView;
    use crate::error::AppError;
    use crate::i18n::I18n;
    use leptos::prelude::*;
    use std::sync::Arc;

    #[cfg_attr(any(feature = "ssr", feature = "desk"), lazy)]
    async fn actions(args: (I18n, Arc<DeskDossierView>, Option<AppError>)) -> AnyView {
        super::super::actions::all_forms(args.0, &args.1, &args.2)
    }

    /// The forms this dossier shows to this officer, in a mark the desk finds before hydrating.
    pub fn view(i18n: I18n, d: &Arc<DeskDossierView>, error: &Option<AppError>) -> impl IntoView {
        super::super::actions::any_form(&d.actions).then(|| {
            let forms = actions((i18n, d.clone(), error.clone()));
            view! { <div class="forms" data-forms="">{Suspend::new(forms)}</div> }
        })
    }

    /// Loads the forms' code (once; at once when it is there already). A future the page's
    /// resource can wait for: the loader's own is the browser's and stays on its thread.
    #[cfg(feature = "desk")]
    pub async fn load_code() {
        let (done, loaded) = futures::channel::oneshot::channel::<()>();
        leptos::task::spawn_local(async move {
            __preload_actions().await;
            let _ = done.send(());
        });
        let _ = loaded.await;
    }

    /// Loads the forms' code when the page in the document shows them (before it hydrates).
    #[cfg(feature = "desk")]
    pub async fn preload() {
        let marked = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-forms]").ok().flatten())
            .is_some();
        if marked {
            __preload_actions().await;
        }
    }
}
