//! The acknowledgement after submission (`/ho-so/{code}/xac-nhan`): the dossier code, its QR
//! code for the public lookup, and what happens next.

use crate::api::dossiers::acknowledgement;
use crate::components::layout::Layout;
use crate::components::StatusBadge;
use crate::domain::vn_time::format_vn;
use crate::i18n::use_i18n;
use crate::pages::{page_data, param};
use leptos::prelude::*;

#[component]
pub fn AcknowledgementPage() -> impl IntoView {
    let i18n = use_i18n();
    page_data(acknowledgement(param("code")), move |ack| {
        let d = ack.dossier;
        view! {
            <Layout title=i18n.t("ack-title")>
                <div class="ack printable">
                    <h1>{i18n.t("ack-title")}</h1>
                    <p>{i18n.t("ack-lead")}</p>
                    <p class="dossier-code">{i18n.t("dossier-code")}" "<strong data-testid="dossier-code">{d.code.clone()}</strong></p>
                    <figure class="qr">
                        <div role="img" aria-label=i18n.t("ack-qr-label") inner_html=ack.qr_svg.clone()></div>
                        <figcaption><a href=ack.lookup_url.clone()>{ack.lookup_url.clone()}</a></figcaption>
                    </figure>
                    <dl class="facts">
                        <dt>{i18n.t("dossier-procedure")}</dt><dd>{i18n.name(&d.procedure)}</dd>
                        <dt>{i18n.t("dossier-agency")}</dt><dd>{i18n.name(&d.receiving_agency)}</dd>
                        <dt>{i18n.t("dossier-submitted-at")}</dt><dd>{format_vn(d.submitted_at_ms)}</dd>
                        <dt>{i18n.t("dossier-status")}</dt><dd><StatusBadge status=d.status /></dd>
                    </dl>
                    <h2>{i18n.t("ack-next-title")}</h2>
                    <ol>
                        <li>{i18n.t("ack-next-1")}</li>
                        <li>{i18n.t("ack-next-2")}</li>
                        <li>{i18n.t("ack-next-3")}</li>
                    </ol>
                    <p class="no-print">{i18n.t("ack-print-hint")}</p>
                </div>
                <p class="no-print"><a href=format!("/ho-so/{}", d.code)>{i18n.t("ack-follow")}</a></p>
            </Layout>
        }
    })
}
