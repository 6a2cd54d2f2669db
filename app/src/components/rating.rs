//! The rating form's fields (TT 32/2017 Đ12): the four criteria on their three levels and the
//! comment, with each field's error beside it and what was chosen kept after an error. The
//! applicant's page, the lookup page and the desk use the same fields.

use crate::components::field::error_for;
use crate::domain::rating::{Criterion, Level, COMMENT_MAX};
use crate::error::AppError;
use crate::i18n::I18n;
use leptos::prelude::*;

/// The labels of the fields, for the error summary.
pub fn rating_labels(i18n: I18n) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> =
        Criterion::ALL.into_iter().map(|c| (c.field().to_string(), i18n.t(&c.key()))).collect();
    labels.push(("comment".into(), i18n.t("field-rating-comment")));
    labels
}

/// The criteria's radio groups and the comment; `prefix` keeps the ids unique on a page.
pub fn rating_fields(i18n: I18n, prefix: &'static str, error: &Option<AppError>) -> impl IntoView {
    let kept = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
    let comment_error = error_for(error, "comment");
    let comment_id = format!("{prefix}-comment");
    view! {
        {Criterion::ALL.into_iter().map(|c| {
            let name = c.field();
            let chosen = kept(name);
            let e = error_for(error, name);
            let invalid = e.is_some();
            let group = format!("{prefix}-{name}");
            let required = c == Criterion::Overall;
            view! {
                <fieldset class="field rating-criterion" class:field-invalid=invalid id=group.clone()
                    aria-describedby=invalid.then(|| format!("{group}-error"))>
                    <legend>{i18n.t(&c.key())}</legend>
                    {e.map(|e| view! { <p class="field-error" id=format!("{group}-error")>{e}</p> })}
                    <div class="levels">
                        {Level::ALL.into_iter().map(|l| {
                            let id = format!("{group}-{}", l.name());
                            view! {
                                <div class="choice">
                                    <input type="radio" id=id.clone() name=name value=l.name() checked=chosen == l.name() required=required />
                                    <label for=id>{i18n.t(&l.key())}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }
        }).collect_view()}
        <div class="field" class:field-invalid=comment_error.is_some()>
            <label for=comment_id.clone()>{i18n.t("field-rating-comment")}</label>
            {comment_error.clone().map(|e| view! { <p class="field-error" id=format!("{comment_id}-error")>{e}</p> })}
            <textarea id=comment_id.clone() name="comment" rows="3" maxlength=COMMENT_MAX.to_string()
                aria-invalid=comment_error.is_some().then_some("true")
                aria-describedby=comment_error.is_some().then(|| format!("{comment_id}-error"))>{kept("comment")}</textarea>
        </div>
    }
}
