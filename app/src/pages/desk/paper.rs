//! What the desk enters from paper or decides on a drafted request: the unit leader sends the
//! specialist's drafted supplement request; the desk enters a supplement handed in on paper and a
//! withdrawal asked for in writing at the counter.

use crate::api::desk::DeskDossierView;
use crate::api::supplements::{DeskWithdraw, SendSupplement};
use crate::components::field::error_for;
use crate::error::AppError;
use crate::i18n::I18n;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

pub fn paper_forms(i18n: I18n, d: &DeskDossierView, error: &Option<AppError>) -> impl IntoView {
    let code = d.dossier.code.clone();
    let a = d.actions.clone();
    let error = error.clone();
    let draft = d.dossier.supplements.last().filter(|s| s.sent_at_ms.is_none() && s.answered_at_ms.is_none()).cloned();
    view! {
        {(a.send_supplement).then(|| view! {
            <form method="post" action=SendSupplement::PATH class="stack">
                <input type="hidden" name="code" value=code.clone() />
                <p>{i18n.t("supplement-draft-by")}" "{draft.as_ref().map(|s| s.officer.clone()).unwrap_or_default()}</p>
                <button type="submit" class="button-primary">{i18n.t("desk-send-supplement")}</button>
            </form>
        })}
        {a.answer_supplement.then(|| view! {
            <details class="paper-supplement" open=error.is_some()>
                <summary>{i18n.t("desk-paper-supplement")}</summary>
                {crate::pages::dossiers::detail::supplement_answer(i18n, &d.dossier, error.clone(), true)}
            </details>
        })}
        {a.withdraw.then(|| view! {
            <details class="withdraw" open=error_for(&error, "withdraw_reason").is_some()>
                <summary>{i18n.t("desk-withdraw")}</summary>
                <form method="post" action=DeskWithdraw::PATH class="stack">
                    <input type="hidden" name="code" value=code.clone() />
                    <super::actions::ReasonField id="withdraw_reason" name="withdraw_reason" label=i18n.t("desk-withdraw-reason") error=error.clone() required=true />
                    <button type="submit">{i18n.t("desk-withdraw")}</button>
                </form>
            </details>
        })}
    }
}
