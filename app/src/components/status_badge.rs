//! A dossier status as a coloured pill.

use crate::domain::status::DossierStatus;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// A status name in a coloured pill; the colour is decoration, the text carries the meaning.
#[component]
pub fn StatusBadge(status: DossierStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge badge-{}", tone(status))>{i18n.t(&status.key())}</span> }
}

/// The pill's colour: a draft, on its way, waiting for the applicant, closed without a result,
/// or done.
fn tone(status: DossierStatus) -> &'static str {
    use DossierStatus as S;
    match status {
        S::Draft => "draft",
        S::Submitted | S::Accepted | S::InHandling | S::PaymentRequested => "progress",
        S::SupplementRequested => "attention",
        S::Refused | S::Withdrawn | S::Stopped => "closed",
        S::ResultReady | S::Delivered => "done",
    }
}
