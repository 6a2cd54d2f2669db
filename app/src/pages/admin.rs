//! The administrators' screens inside the desk app: the agency tree with its units
//! (`/mot-cua/co-quan`) and an agency's officers (`/mot-cua/can-bo?co-quan=`), each with the
//! record of who changed what.

use crate::api::admin::{
    admin_agencies, admin_officers, AddAgency, AddOfficer, AddUnit, AdminEventView, AgenciesView, AgencyNode,
    ChangeOfficerRole, ChangeUnit, EditAgency, NewOfficerLink, OfficersView, ResetOfficerSecondFactor, SetAgencyActive,
    SetOfficerActive, AGENCY_KINDS,
};
use crate::components::field::{error_for, ErrorSummary, TextField};
use crate::components::layout::Layout;
use crate::domain::vn_time::format_vn;
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use crate::pages::{desk_data, posted_error};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn value(error: &Option<AppError>, name: &str) -> String {
    error.as_ref().and_then(|e| e.value(name)).unwrap_or_default()
}

/// A labelled `<select>` with its error next to it; `id` is unique on the page. In a table's row
/// the column says what it is: the label is then for screen readers only (`quiet`).
pub(crate) fn select_field(
    id: String,
    name: &'static str,
    label: String,
    options: Vec<(String, String)>,
    selected: String,
    error: Option<String>,
    quiet: bool,
) -> impl IntoView {
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for=id.clone() class:visually-hidden=quiet>{label}</label>
            {error.clone().map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
            <select id=id name=name aria-invalid=error.is_some().then_some("true") aria-describedby=error.is_some().then_some(err_id)>
                {options.into_iter().map(|(v, l)| {
                    let chosen = v == selected;
                    view! { <option value=v selected=chosen>{l}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A text field of a form, as data: the fields of a form are drawn by one loop (one copy of the
/// field's code in the desk's WASM, not one per field).
struct Text {
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    kind: &'static str,
    required: bool,
    max: u32,
}

const fn text(name: &'static str, label: &'static str, hint: Option<&'static str>, required: bool, max: u32) -> Text {
    Text { name, label, hint, kind: "text", required, max }
}

fn text_fields(i18n: I18n, error: &Option<AppError>, fields: &'static [Text]) -> impl IntoView {
    filled_fields(i18n, error, fields, &|_| String::new())
}

/// The fields filled in with `current` (what is stored), or with what was typed when the post
/// failed.
fn filled_fields(
    i18n: I18n,
    error: &Option<AppError>,
    fields: &'static [Text],
    current: &dyn Fn(&str) -> String,
) -> impl IntoView {
    fields
        .iter()
        .map(|f| {
            let shown = if error.is_some() { value(error, f.name) } else { current(f.name) };
            view! {
                <TextField name=f.name label=i18n.t(f.label) hint=f.hint.map(|h| i18n.t(h)) kind=f.kind value=shown
                    error=error_for(error, f.name) required=f.required autocomplete="off" maxlength=f.max />
            }
        })
        .collect_view()
}

const AGENCY_NAMES: [Text; 3] = [
    text("code", "admin-agency-code", Some("hint-agency-code"), true, 35),
    text("name_vi", "admin-name-vi", None, true, 200),
    text("name_en", "admin-name-en", None, false, 200),
];
const AGENCY_CONTACT: [Text; 4] = [
    text("address", "admin-address", None, false, 300),
    Text { kind: "tel", ..text("phone", "admin-phone", None, false, 40) },
    text("opening_hours", "admin-opening-hours", Some("hint-opening-hours"), false, 300),
    text("bank_account", "admin-bank-account", Some("hint-bank-account"), false, 300),
];
const UNIT_FIELDS: [Text; 3] = [
    text("unit_code", "admin-unit-code", Some("hint-unit-code"), true, 20),
    text("unit_name_vi", "admin-name-vi", None, true, 200),
    text("unit_name_en", "admin-name-en", None, false, 200),
];
const OFFICER_FIELDS: [Text; 4] = [
    text("full_name", "field-full-name", None, true, 100),
    text("cccd", "field-cccd", Some("hint-cccd-sign-in"), true, 15),
    Text { kind: "tel", ..text("phone", "field-phone", None, true, 16) },
    Text { kind: "email", ..text("email", "field-email-optional", None, false, 254) },
];

fn record_view(i18n: I18n, events: Vec<AdminEventView>) -> impl IntoView {
    view! {
        <h2>{i18n.t("admin-record")}</h2>
        {events.is_empty().then(|| view! { <p>{i18n.t("admin-record-empty")}</p> })}
        <ul class="calendar-changes" data-testid="admin-record">
            {events.into_iter().map(|e| view! {
                <li>{format_vn(e.at_ms)}" — "{e.actor_name}": "{i18n.t(&format!("admin-action-{}", e.action))}" "<code>{e.subject}</code>{(!e.detail.is_empty()).then(|| format!(" ({})", e.detail))}</li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn AgenciesPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || (q.read().get("xong").is_some(), q.read().get("sua")),
        |(_, edit)| admin_agencies(edit),
        move |v| {
            let done = q.read_untracked().get("xong").is_some();
            let error = posted_error(AddAgency::PATH).or_else(|| posted_error(EditAgency::PATH));
            let unit_error = posted_error(AddUnit::PATH)
                .or_else(|| posted_error(ChangeUnit::PATH))
                .or_else(|| posted_error(SetAgencyActive::PATH));
            view! { <Layout title=i18n.t("admin-agencies-title")>{agencies_view(i18n, v, error, unit_error, done)}</Layout> }
        },
    )
}

/// The tree's nodes in order, each with its depth.
fn in_tree_order(tree: &[AgencyNode]) -> Vec<(usize, AgencyNode)> {
    fn visit(tree: &[AgencyNode], parent: Option<&str>, depth: usize, out: &mut Vec<(usize, AgencyNode)>) {
        for a in tree.iter().filter(|a| a.parent.as_deref() == parent) {
            out.push((depth, a.clone()));
            visit(tree, Some(&a.code), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    // The roots: the province, or an agency whose parent this administrator does not see.
    for root in tree.iter().filter(|a| a.parent.as_ref().is_none_or(|p| !tree.iter().any(|b| &b.code == p))) {
        out.push((0, root.clone()));
        visit(tree, Some(&root.code), 1, &mut out);
    }
    out
}

const AGENCY_EDIT: [Text; 2] =
    [text("name_vi", "admin-name-vi", None, true, 200), text("name_en", "admin-name-en", None, false, 200)];

/// A text input in a table's row: its label is for screen readers (the column says what it is).
fn row_input(id: String, name: &'static str, label: String, value: String) -> impl IntoView {
    view! {
        <label for=id.clone() class="visually-hidden">{label}</label>
        <input id=id name=name type="text" value=value maxlength="200" autocomplete="off" />
    }
}

/// One agency's details, whether it is active, and its units: each changed on the record.
fn edit_view(
    i18n: I18n,
    a: AgencyNode,
    open: i64,
    province_admin: bool,
    error: Option<AppError>,
    labels: Vec<(String, String)>,
) -> impl IntoView {
    let current = {
        let a = a.clone();
        move |name: &str| match name {
            "name_vi" => a.name.vi.clone(),
            "name_en" => a.name.en.clone(),
            "address" => a.address.clone(),
            "phone" => a.phone.clone(),
            "opening_hours" => a.opening_hours.clone(),
            _ => a.bank_account.clone(),
        }
    };
    let code = a.code.clone();
    let can_deactivate = province_admin && a.kind != "province";
    view! {
        <section class="admin-edit" aria-labelledby="edit-heading" data-testid="agency-edit">
            <h2 id="edit-heading">{i18n.t_args("admin-editing", &[("name", i18n.name(&a.name))])}" "<code>{code.clone()}</code></h2>
            {(!a.active).then(|| view! { <p class="notice">{i18n.t("admin-agency-inactive-note")}</p> })}
            <ErrorSummary error=error.clone() labels=labels />
            <form method="post" action=EditAgency::PATH class="stack admin-form" novalidate=error.is_some()>
                <input type="hidden" name="agency" value=code.clone() />
                <div class="field-row">{filled_fields(i18n, &error, &AGENCY_EDIT, &current)}</div>
                <div class="field-row">{filled_fields(i18n, &error, &AGENCY_CONTACT, &current)}</div>
                <button type="submit" class="button-primary">{i18n.t("admin-change")}</button>
            </form>
            {can_deactivate.then(|| view! {
                <form method="post" action=SetAgencyActive::PATH class="stack">
                    <input type="hidden" name="agency" value=code.clone() />
                    <input type="hidden" name="active" value=if a.active { "0" } else { "1" } />
                    <p>{i18n.t_args(if a.active { "admin-deactivate-agency-note" } else { "admin-activate-agency-note" }, &[("n", open.to_string())])}</p>
                    <button type="submit" class="secondary">{if a.active { i18n.t("admin-deactivate-agency") } else { i18n.t("admin-activate-agency") }}</button>
                </form>
            })}
            <table class="table fit-table" data-testid="agency-units">
                <caption>{i18n.t("admin-units-caption")}</caption>
                <thead><tr>
                    <th scope="col">{i18n.t("admin-unit-code")}</th>
                    <th scope="col">{i18n.t("admin-name-vi")}</th>
                    <th scope="col">{i18n.t("desk-actions")}</th>
                </tr></thead>
                <tbody>
                    {a.units.into_iter().map(|u| {
                        let form_id = format!("unit-form-{}", u.code);
                        view! {
                            <tr class:inactive=!u.active>
                                <td><code>{u.code.clone()}</code>{(!u.active).then(|| view! { <br/><span class="badge">{i18n.t("admin-inactive")}</span> })}</td>
                                <td>
                                    <form method="post" action=ChangeUnit::PATH id=form_id.clone() class="admin-row-form">
                                        <input type="hidden" name="agency" value=code.clone() />
                                        <input type="hidden" name="unit" value=u.code.clone() />
                                        {row_input(format!("unit-vi-{}", u.code), "unit_name_vi", i18n.t_args("admin-unit-name-of", &[("code", u.code.clone())]), u.name.vi.clone())}
                                        {row_input(format!("unit-en-{}", u.code), "unit_name_en", i18n.t_args("admin-unit-name-en-of", &[("code", u.code.clone())]), u.name.en.clone())}
                                        <button type="submit" class="button-small">{i18n.t("admin-change")}</button>
                                    </form>
                                </td>
                                <td>
                                    <form method="post" action=ChangeUnit::PATH>
                                        <input type="hidden" name="agency" value=code.clone() />
                                        <input type="hidden" name="unit" value=u.code.clone() />
                                        <input type="hidden" name="active" value=if u.active { "0" } else { "1" } />
                                        <button type="submit" class="button-small secondary">{if u.active { i18n.t("admin-deactivate-unit") } else { i18n.t("admin-activate-unit") }}</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p><a href="/mot-cua/co-quan">{i18n.t("admin-edit-done")}</a></p>
        </section>
    }
}

fn agencies_view(
    i18n: I18n,
    v: AgenciesView,
    error: Option<AppError>,
    unit_error: Option<AppError>,
    done: bool,
) -> impl IntoView {
    let ordered = in_tree_order(&v.tree);
    let agency_options: Vec<(String, String)> = ordered
        .iter()
        .filter(|(_, a)| a.active)
        .map(|(d, a)| (a.code.clone(), format!("{}{}", "— ".repeat(*d), i18n.name(&a.name))))
        .collect();
    let labels = vec![
        ("parent".to_string(), i18n.t("admin-parent")),
        ("code".to_string(), i18n.t("admin-agency-code")),
        ("name_vi".to_string(), i18n.t("admin-name-vi")),
        ("name_en".to_string(), i18n.t("admin-name-en")),
        ("kind".to_string(), i18n.t("admin-kind")),
        ("address".to_string(), i18n.t("admin-address")),
        ("phone".to_string(), i18n.t("admin-phone")),
        ("opening_hours".to_string(), i18n.t("admin-opening-hours")),
        ("bank_account".to_string(), i18n.t("admin-bank-account")),
    ];
    let unit_labels = vec![
        ("agency".to_string(), i18n.t("admin-unit-agency")),
        ("unit_code".to_string(), i18n.t("admin-unit-code")),
        ("unit_name_vi".to_string(), i18n.t("admin-name-vi")),
        ("unit_name_en".to_string(), i18n.t("admin-name-en")),
    ];
    // A unit is added to the agency being edited, unless the post said otherwise.
    let unit_agency = match (unit_error.is_some(), &v.editing) {
        (false, Some((a, _))) => a.code.clone(),
        _ => value(&unit_error, "agency"),
    };
    let kinds: Vec<(String, String)> =
        AGENCY_KINDS.iter().map(|k| (k.to_string(), i18n.t(&format!("agency-kind-{k}")))).collect();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a></p>
        <h1>{i18n.t("admin-agencies-title")}</h1>
        {done.then(|| view! { <p class="notice" role="status">{i18n.t("admin-saved")}</p> })}
        <table class="table admin-tree" data-testid="agency-tree">
            <caption>{i18n.t("admin-agencies-caption")}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("admin-agency")}</th>
                <th scope="col">{i18n.t("admin-agency-code")}</th>
                <th scope="col">{i18n.t("admin-units")}</th>
                <th scope="col">{i18n.t("admin-officers")}</th>
            </tr></thead>
            <tbody>
                {ordered.iter().map(|(depth, a)| view! {
                    <tr class:inactive=!a.active>
                        <td><span class=format!("tree-depth-{}", (*depth).min(4))>{i18n.name(&a.name)}</span>
                            <br/><small>{i18n.t(&format!("agency-kind-{}", a.kind))}{(!a.phone.is_empty()).then(|| format!(" · {}", a.phone))}</small></td>
                        <td><code>{a.code.clone()}</code></td>
                        <td>{if a.units.is_empty() { "—".to_string() } else { a.units.iter().map(|u| format!("{} ({})", i18n.name(&u.name), u.code)).collect::<Vec<_>>().join(", ") }}</td>
                        <td><a href=format!("/mot-cua/can-bo?co-quan={}", a.code)>{i18n.t("admin-officers")}</a>
                            <br/><a href=format!("/mot-cua/co-quan?sua={}", a.code)>{i18n.t_args("admin-edit-agency", &[("code", a.code.clone())])}</a>
                            {(!a.active).then(|| view! { <br/><span class="badge">{i18n.t("admin-inactive-agency")}</span> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {v.editing.clone().map(|(node, open)| edit_view(i18n, node, open, v.province_admin, error.clone(), labels.clone()))}
        {(v.province_admin && v.editing.is_none()).then(|| view! {
            <ErrorSummary error=error.clone() labels=labels />
            <form method="post" action=AddAgency::PATH class="stack admin-form" novalidate=error.is_some()>
                <fieldset>
                    <legend>{i18n.t("admin-add-agency")}</legend>
                    {select_field("parent".into(), "parent", i18n.t("admin-parent"), agency_options.clone(), value(&error, "parent"), error_for(&error, "parent"), false)}
                    {select_field("kind".into(), "kind", i18n.t("admin-kind"), kinds.clone(), value(&error, "kind"), error_for(&error, "kind"), false)}
                    <div class="field-row">{text_fields(i18n, &error, &AGENCY_NAMES)}</div>
                    <div class="field-row">{text_fields(i18n, &error, &AGENCY_CONTACT)}</div>
                    <button type="submit" class="button-primary">{i18n.t("admin-add-agency-button")}</button>
                </fieldset>
            </form>
        })}
        <ErrorSummary error=unit_error.clone() labels=unit_labels />
        <form method="post" action=AddUnit::PATH class="stack admin-form" novalidate=unit_error.is_some()>
            <fieldset>
                <legend>{i18n.t("admin-add-unit")}</legend>
                {select_field("unit-agency".into(), "agency", i18n.t("admin-unit-agency"), agency_options, unit_agency, error_for(&unit_error, "agency"), false)}
                <div class="field-row">{text_fields(i18n, &unit_error, &UNIT_FIELDS)}</div>
                <button type="submit">{i18n.t("admin-add-unit-button")}</button>
            </fieldset>
        </form>
        {record_view(i18n, v.events)}
    }
}

#[component]
pub fn OfficersPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    desk_data(
        move || {
            (
                q.read().get("co-quan"),
                q.read().get("lien-ket"),
                q.read().get("xong").is_some(),
                q.read().get("hai-lop").is_some(),
            )
        },
        |(agency, link, _, _)| admin_officers(agency, link),
        move |v| {
            let done = q.read_untracked().get("xong").is_some();
            let reset = q.read_untracked().get("hai-lop").is_some();
            let error = posted_error(AddOfficer::PATH);
            let row_error = posted_error(ChangeOfficerRole::PATH)
                .or_else(|| posted_error(SetOfficerActive::PATH))
                .or_else(|| posted_error(NewOfficerLink::PATH))
                .or_else(|| posted_error(ResetOfficerSecondFactor::PATH));
            view! { <Layout title=i18n.t("admin-officers-title")>{officers_view(i18n, v, error, row_error, (done, reset))}</Layout> }
        },
    )
}

fn officers_view(
    i18n: I18n,
    v: OfficersView,
    error: Option<AppError>,
    row_error: Option<AppError>,
    (done, reset): (bool, bool),
) -> impl IntoView {
    let role_options: Vec<(String, String)> =
        v.roles.iter().map(|r| (r.name().to_string(), i18n.t(&r.key()))).collect();
    let unit_options: Vec<(String, String)> = std::iter::once((String::new(), i18n.t("admin-no-unit")))
        .chain(v.units.iter().map(|u| (u.code.clone(), format!("{} ({})", i18n.name(&u.name), u.code))))
        .collect();
    let labels = vec![
        ("full_name".to_string(), i18n.t("field-full-name")),
        ("cccd".to_string(), i18n.t("field-cccd")),
        ("phone".to_string(), i18n.t("field-phone")),
        ("email".to_string(), i18n.t("field-email")),
        ("role".to_string(), i18n.t("admin-role")),
        ("unit".to_string(), i18n.t("admin-unit")),
    ];
    let agency = v.agency.clone();
    view! {
        <p class="breadcrumb"><a href="/mot-cua">{i18n.t("desk-title")}</a>" › "<a href="/mot-cua/co-quan">{i18n.t("admin-agencies-title")}</a></p>
        <h1>{i18n.t("admin-officers-title")}</h1>
        <p class="lead">{i18n.name(&v.agency_name)}" · "<code>{v.agency.clone()}</code></p>
        {(!v.agencies.is_empty()).then(|| view! {
            <form method="get" action="/mot-cua/can-bo" class="inline-form admin-pick">
                {select_field("co-quan".into(), "co-quan", i18n.t("admin-pick-agency"), v.agencies.iter().map(|(c, n)| (c.clone(), i18n.name(n))).collect(), v.agency.clone(), None, false)}
                <button type="submit" class="button-small">{i18n.t("admin-show")}</button>
            </form>
        })}
        {v.link.clone().map(|(name, link)| view! {
            <div class="notice" role="status" data-testid="officer-link">
                <p>{i18n.t_args("admin-link-lead", &[("name", name)])}</p>
                <p><code class="one-time-link">{link}</code></p>
                <p><small>{i18n.t("admin-link-once")}</small></p>
            </div>
        })}
        {done.then(|| view! { <p class="notice" role="status">{i18n.t("admin-saved")}</p> })}
        {reset.then(|| view! { <p class="notice" role="status">{i18n.t("admin-second-factor-reset")}</p> })}
        <ErrorSummary error=row_error.clone() />
        <table class="table admin-officers" data-testid="officers">
            <caption>{i18n.t("admin-officers-caption")}</caption>
            <thead><tr>
                <th scope="col">{i18n.t("field-full-name")}</th>
                <th scope="col">{i18n.t("admin-role")}</th>
                <th scope="col">{i18n.t("admin-sign-ins")}</th>
                <th scope="col">{i18n.t("desk-actions")}</th>
            </tr></thead>
            <tbody>
                {v.officers.into_iter().map(|o| {
                    let id = o.id.to_string();
                    let role_id = format!("role-{id}");
                    let unit_id = format!("unit-{id}");
                    view! {
                        <tr class:inactive=!o.active>
                            <td>{o.full_name.clone()}<br/><small>{o.cccd.clone()}" · "{o.phone.clone()}</small>
                                {(!o.active).then(|| view! { <br/><span class="badge">{i18n.t("admin-inactive")}</span> })}
                                {(o.active && !o.has_password).then(|| view! { <br/><span class="badge">{i18n.t("admin-no-password")}</span> })}
                                <br/><small data-testid="second-factor">{i18n.t(if o.second_factor { "admin-second-factor-on" } else { "admin-second-factor-off" })}</small></td>
                            <td>
                                <form method="post" action=ChangeOfficerRole::PATH class="admin-row-form">
                                    <input type="hidden" name="agency" value=agency.clone() />
                                    <input type="hidden" name="officer" value=id.clone() />
                                    {select_field(role_id, "role", i18n.t("admin-role"), role_options.clone(), o.role.name().to_string(), None, true)}
                                    {select_field(unit_id, "unit", i18n.t("admin-unit"), unit_options.clone(), o.unit.clone(), None, true)}
                                    <button type="submit" class="button-small">{i18n.t("admin-change")}</button>
                                </form>
                            </td>
                            <td>{if o.sign_ins.is_empty() { i18n.t("admin-never-signed-in") } else { o.sign_ins.iter().map(|t| format_vn(*t)).collect::<Vec<_>>().join(", ") }}</td>
                            <td class="admin-actions">
                                {o.active.then(|| view! {
                                    <form method="post" action=NewOfficerLink::PATH>
                                        <input type="hidden" name="agency" value=agency.clone() />
                                        <input type="hidden" name="officer" value=id.clone() />
                                        <button type="submit" class="button-small">{i18n.t("admin-new-link")}</button>
                                    </form>
                                })}
                                {(o.active && o.second_factor).then(|| view! {
                                    <form method="post" action=ResetOfficerSecondFactor::PATH>
                                        <input type="hidden" name="agency" value=agency.clone() />
                                        <input type="hidden" name="officer" value=id.clone() />
                                        <button type="submit" class="button-small secondary">{i18n.t("admin-reset-second-factor")}</button>
                                    </form>
                                })}
                                <form method="post" action=SetOfficerActive::PATH>
                                    <input type="hidden" name="agency" value=agency.clone() />
                                    <input type="hidden" name="officer" value=id.clone() />
                                    <input type="hidden" name="active" value=if o.active { "0" } else { "1" } />
                                    <button type="submit" class="button-small secondary">{if o.active { i18n.t("admin-deactivate") } else { i18n.t("admin-activate") }}</button>
                                </form>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <ErrorSummary error=error.clone() labels=labels />
        <form method="post" action=AddOfficer::PATH class="stack admin-form" novalidate=error.is_some()>
            <input type="hidden" name="agency" value=v.agency.clone() />
            <fieldset>
                <legend>{i18n.t("admin-add-officer")}</legend>
                <div class="field-row">{text_fields(i18n, &error, &OFFICER_FIELDS)}</div>
                <div class="field-row">
                    {select_field("role".into(), "role", i18n.t("admin-role"), role_options, value(&error, "role"), error_for(&error, "role"), false)}
                    {select_field("unit".into(), "unit", i18n.t("admin-unit"), unit_options, value(&error, "unit"), error_for(&error, "unit"), false)}
                </div>
                <button type="submit" class="button-primary">{i18n.t("admin-add-officer-button")}</button>
            </fieldset>
        </form>
        {record_view(i18n, v.events)}
    }
}
