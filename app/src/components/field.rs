//! Form fields with their label, hint and error, and the error summary of a failed form.

use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The translated error of `field`, if the failed post named it.
pub fn error_for(error: &Option<AppError>, field: &str) -> Option<String> {
    let i18n = use_i18n();
    error.as_ref()?.field_errors().iter().find(|e| e.field == field).map(|e| i18n.t(&e.key))
}

/// A list of every problem, linked to its field, shown at the top of a failed form.
#[component]
pub fn ErrorSummary(error: Option<AppError>, #[prop(optional)] labels: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    error.map(|e| {
        let fields: Vec<FieldError> = e.field_errors().to_vec();
        let title = i18n.t(e.key());
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="error-summary">
                <h2>{title}</h2>
                <ul>
                    {fields
                        .into_iter()
                        .map(|f| {
                            let label = labels.iter().find(|(n, _)| *n == f.field).map(|(_, l)| format!("{l}: ")).unwrap_or_default();
                            view! { <li><a href=format!("#{}", f.field)>{label}{i18n.t(&f.key)}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// A labelled text-like input with an optional hint and its error next to it.
#[component]
pub fn TextField(
    name: &'static str,
    label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(default = None, into)] hint: Option<String>,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] inputmode: Option<&'static str>,
    #[prop(optional, into)] pattern: Option<&'static str>,
    #[prop(optional, into)] maxlength: Option<u32>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let err_id = format!("{name}-error");
    let described = [hint.as_ref().map(|_| hint_id.clone()), error.as_ref().map(|_| err_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let invalid = error.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=name>{label}{required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
            <input
                id=name
                name=name
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                inputmode=inputmode
                pattern=pattern
                maxlength=maxlength
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
        </div>
    }
}
