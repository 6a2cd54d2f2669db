//! The e-form's inputs, shared by the citizen's form, the supplement answer and the counter
//! intake: one input per form field and one file input per dossier component, each with its
//! label, hint and error.

use crate::components::field::error_for;
use crate::components::format_bytes;
use crate::domain::form::{FieldKind, FormField};
use crate::domain::upload::{MAX_DOSSIER_BYTES, MAX_FILE_BYTES};
use crate::error::AppError;
use crate::i18n::{use_i18n, I18n};
use leptos::prelude::*;

/// "Each file up to …, the whole dossier up to …".
pub fn upload_limits(i18n: I18n) -> String {
    i18n.t_args(
        "upload-limits",
        &[("file", format_bytes(MAX_FILE_BYTES as i64)), ("total", format_bytes(MAX_DOSSIER_BYTES as i64))],
    )
}

/// One e-form field: a select or a typed input.
#[component]
pub fn FormInput(field: FormField, value: String, error: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let name = field.input_name();
    let label = i18n.lang.pick(&field.label_vi, &field.label_en).to_string();
    let err_id = format!("{name}-error");
    let invalid = error.is_some();
    let described = invalid.then(|| err_id.clone());
    let help = match (i18n.lang, &field.help_vi, &field.help_en) {
        (crate::i18n::Lang::En, _, Some(en)) if !en.is_empty() => Some(en.clone()),
        (_, Some(vi), _) if !vi.is_empty() => Some(vi.clone()),
        _ => None,
    };
    let hint = help.or_else(|| match field.kind {
        FieldKind::Cccd => Some(i18n.t("hint-cccd")),
        FieldKind::Phone => Some(i18n.t("hint-phone")),
        FieldKind::Date => Some(i18n.t("hint-date")),
        _ => None,
    });
    let hint_id = format!("{name}-hint");
    let described = [hint.as_ref().map(|_| hint_id.clone()), described].into_iter().flatten().collect::<Vec<_>>();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let control = match field.kind {
        FieldKind::Select => view! {
            <select id=name.clone() name=name.clone() required=field.required aria-invalid=invalid.then_some("true") aria-describedby=described.clone()>
                <option value="">{i18n.t("select-choose")}</option>
                {field.options.iter().map(|o| view! {
                    <option value=o.value.clone() selected=o.value == value>{i18n.lang.pick(&o.label_vi, &o.label_en).to_string()}</option>
                }).collect_view()}
            </select>
        }.into_any(),
        FieldKind::Checkbox => view! {
            <input id=name.clone() name=name.clone() type="checkbox" value="1" checked=value == "1" required=field.required
                aria-invalid=invalid.then_some("true") aria-describedby=described.clone() />
        }.into_any(),
        kind => {
            // Personal data (WCAG 1.3.5): the e-form is often about someone else (a child, a
            // spouse), so names and numbers are not filled from the citizen's own profile.
            let autocomplete = match kind {
                FieldKind::Phone => "tel",
                FieldKind::Address => "street-address",
                _ => "off",
            };
            let (input_type, inputmode, pattern, maxlength) = match kind {
                FieldKind::Date => ("date", None, None, 10),
                FieldKind::Number => ("text", Some("decimal"), Some("[0-9]+([.,][0-9]+)?"), 20),
                FieldKind::Cccd => ("text", Some("numeric"), Some("[0-9 ]{12,15}"), 15),
                FieldKind::Phone => ("tel", Some("tel"), None, 16),
                _ => ("text", None, None, 500),
            };
            view! {
                <input id=name.clone() name=name.clone() type=input_type value=value.clone() required=field.required
                    inputmode=inputmode pattern=pattern maxlength=maxlength autocomplete=autocomplete
                    aria-invalid=invalid.then_some("true") aria-describedby=described.clone() />
            }.into_any()
        }
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=name.clone()>{label}{field.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
            {control}
        </div>
    }
}

/// The labels of a procedure's fields and components, for the error summary.
pub fn form_labels(i18n: I18n, p: &crate::api::catalogue::ProcedureDetail) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> =
        p.form_fields.iter().map(|f| (f.input_name(), i18n.lang.pick(&f.label_vi, &f.label_en).to_string())).collect();
    labels.extend(p.components.iter().map(|c| (format!("file_{}", c.id), c.name.clone())));
    labels.push(("files".into(), i18n.t("dossier-files")));
    labels
}

/// The e-form's inputs: the value posted back with an error, else the saved one.
pub fn form_inputs(
    fields: &[FormField],
    values: &std::collections::BTreeMap<String, String>,
    error: &Option<AppError>,
) -> impl IntoView {
    fields
        .iter()
        .map(|f| {
            let v = error
                .as_ref()
                .and_then(|e| e.value(&f.input_name()))
                .or_else(|| values.get(&f.name).cloned())
                .unwrap_or_default();
            let e = error_for(error, &f.input_name());
            view! { <FormInput field=f.clone() value=v error=e /> }
        })
        .collect_view()
}

/// A file input for each component of the dossier, with the file already attached (if any)
/// and the error next to it.
pub fn component_inputs(
    i18n: I18n,
    components: &[crate::api::catalogue::ComponentView],
    files: &[crate::api::dossiers::StoredFile],
    stored: &[crate::read::personal_data::PersonalDocument],
    error: &Option<AppError>,
) -> impl IntoView {
    components.iter().map(|c| {
        let name = format!("file_{}", c.id);
        let existing = files.iter().find(|f| f.component_id == c.id).cloned();
        let e = error_for(error, &name);
        let invalid = e.is_some();
        let err_id = format!("{name}-error");
        // With documents in the store, one may be chosen instead: the server checks that one
        // of the two is there.
        let required = c.required && existing.is_none() && stored.is_empty();
        let reuse = format!("reuse_{}", c.id);
        // Documents of the same kind first, then the newest.
        let mut choices: Vec<&crate::read::personal_data::PersonalDocument> = stored.iter().collect();
        choices.sort_by_key(|d| d.kind != c.name);
        choices.truncate(50);
        view! {
            <div class="field file-field" class:field-invalid=invalid>
                <label for=name.clone()><span lang=i18n.vi_only()>{c.name.clone()}</span>{c.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
                <p class="hint"><span lang=i18n.vi_only()>{c.copies.clone()}</span>{(!c.required).then(|| format!(" · {}", i18n.t("component-optional")))}</p>
                {existing.map(|f| view! {
                    <p class="existing-file">{i18n.t("file-attached")}" "<strong>{f.file_name}</strong>" ("{format_bytes(f.size_bytes)}")"
                        {f.reused.map(|r| view! { " · "<span class="reused">{i18n.t_args("reuse-from", &[("source", reuse_source(i18n, &r))])}</span> })}
                    </p>
                })}
                {e.map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
                <input id=name.clone() name=name.clone() type="file" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                    required=required aria-invalid=invalid.then_some("true")
                    aria-describedby=if invalid { err_id.clone() } else { "upload-limits".to_string() } />
                {(!choices.is_empty()).then(|| view! {
                    <label for=reuse.clone() class="reuse-label">{i18n.t("reuse-label")}</label>
                    <select id=reuse.clone() name=reuse.clone() class="reuse">
                        <option value="">{i18n.t("reuse-none")}</option>
                        {choices.into_iter().map(|d| {
                            let text = format!("{} · {} · {}", d.title(), if d.source.is_empty() { i18n.t(d.origin.key()) } else { d.source.clone() }, crate::domain::vn_time::format_vn_date(d.created_at_ms));
                            view! { <option value=d.key.clone()>{text}</option> }
                        }).collect_view()}
                    </select>
                })}
            </div>
        }
    }).collect_view()
}

/// Where a reused file came from, in words: the dossier's code, the result's number, the
/// uploaded document's label.
pub fn reuse_source(i18n: I18n, r: &crate::domain::personal_data::Reuse) -> String {
    format!("{} {}", i18n.t(r.from.key()), r.reference)
}
