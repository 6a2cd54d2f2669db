//! "Submitted for": the organisation or the person a dossier was submitted for, with the
//! authorisation document, on the citizen's page, the desk's and the receipt.

use crate::domain::principal::{authorisation_slot, AppliedFor};
use crate::domain::upload::StoredFile;
use crate::i18n::I18n;
use leptos::prelude::*;

/// The `<dt>`/`<dd>` pair, nothing for a dossier submitted for its applicant. `with_number`
/// adds the person's CCCD (the desk checks it against the authorisation; the applicant typed it).
pub fn applied_for_facts(
    i18n: I18n,
    applied_for: Option<&AppliedFor>,
    components: &[crate::read::catalogue::ComponentView],
    files: &[StoredFile],
    with_number: bool,
) -> Option<impl IntoView> {
    let who = applied_for?;
    let text = match who {
        AppliedFor::Organisation { name, tax_code, .. } => {
            i18n.t_args("applied-for-organisation", &[("name", name.clone()), ("tax", tax_code.clone())])
        }
        AppliedFor::Person { name, cccd } => {
            let mut t = i18n.t_args("applied-for-person", &[("name", name.clone())]);
            if with_number {
                t = format!("{t} · {} {cccd}", i18n.t("field-cccd"));
            }
            t
        }
    };
    let slot = authorisation_slot(components.iter().map(|c| (c.id, c.name.as_str())));
    let document = files.iter().find(|f| f.component_id == slot).cloned();
    Some(view! {
        <dt>{i18n.t("applied-for")}</dt>
        <dd data-testid="applied-for">{text}
            {document.map(|f| view! { <br/><small>{i18n.t("for-authorisation")}": "<a href=format!("/tep/{}", f.id)>{f.file_name}</a></small> })}
        </dd>
    })
}
