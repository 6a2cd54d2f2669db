//! Server functions for fees (issue 13): the applicant starts an online payment of what the
//! dossier owes now and is sent to the gateway's payer page; the receiving desk records a
//! payment made at the counter, by transfer or through the post. The gateway's notification,
//! not the payer's return, marks an online payment paid (`server::payments`).

use crate::error::AppError;
use leptos::prelude::*;

/// The applicant pays everything payable now through the payment gateway: a plain form post
/// answered by a redirect to the gateway's payer page (works without JavaScript).
#[server(prefix = "/api", endpoint = "dossiers/pay")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/pay", skip_all))]
pub async fn start_payment(code: String) -> Result<(), AppError> {
    ssr::start(&code).await
}

/// The receiving desk records that everything payable now was paid: `cash`, `transfer` (with
/// the transfer's reference) or `postal`.
#[server(prefix = "/api", endpoint = "desk/record-payment")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/record-payment", skip_all))]
pub async fn desk_record_payment(code: String, method: String, payment_reference: String) -> Result<(), AppError> {
    use crate::domain::fees::PaymentMethod;
    let method = PaymentMethod::parse(&method)
        .filter(|m| PaymentMethod::AT_DESK.contains(m))
        .ok_or_else(|| AppError::field("method", "error-required"))?;
    let cmd = crate::handling::Command::Pay {
        method,
        payment_id: None,
        amount_vnd: 0,
        covers: Vec::new(),
        reference: payment_reference,
    };
    crate::api::handling::ssr::act(&code, cmd, crate::handling::Backfill::default()).await
}

/// The desk (at reception) or the specialist (appraising) asks the applicant to pay before
/// handling goes on (status 6): `qty_<i>` the quantity of the version's assessed fee `i`.
#[server(prefix = "/api", endpoint = "desk/request-payment", input = leptos::server_fn::codec::MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/request-payment", skip_all))]
pub async fn desk_request_payment(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::request(data).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::domain::fees::payable_now;
    use crate::domain::role::Role;
    use crate::error::AppError;
    use crate::handling;
    use crate::ports::PaymentRequest;

    pub async fn request(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        use crate::api::dossiers::ssr::{discard, read_multipart};
        let services = ctx::services()?;
        ctx::require_user()?;
        let up = read_multipart(&services, data).await?;
        discard(&services, &up.files).await; // a request for payment carries no files
        let quantities = up
            .text
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("qty_").and_then(|i| i.parse::<usize>().ok()).map(|i| (i, v.clone())))
            .collect();
        let code = up.text.get("code").cloned().unwrap_or_default();
        crate::api::handling::ssr::act(
            &code,
            handling::Command::RequestPayment { quantities },
            handling::Backfill::default(),
        )
        .await
    }

    /// How long the payer's page takes payment.
    const PAYER_PAGE_MINUTES: i64 = 15;

    pub async fn start(code: &str) -> Result<(), AppError> {
        let user = ctx::require_user()?;
        let services = ctx::services()?;
        let store = services.store.as_ref();
        let state = handling::load_state(store, &user, code).await?;
        if user.role != Role::Citizen || !handling::available(&state, &user).pay {
            return Err(AppError::Conflict("error-nothing-to-pay".into()));
        }
        let gateway =
            services.payments.clone().ok_or_else(|| AppError::Conflict("error-payment-unavailable".into()))?;
        let (now_owed, total) = payable_now(&state.obligations, state.status);
        let covers: Vec<i64> = now_owed.iter().map(|o| o.seq).collect();
        let now = ctx::now_ms();
        let opened = store.open_payment(&state.code, user.id, &covers, total, now).await?;
        let request = PaymentRequest {
            txn_ref: opened.txn_ref,
            amount_vnd: opened.amount_vnd,
            order_info: format!("Thanh toan phi le phi ho so {}", state.code),
            return_url: format!("{}/ho-so/{}", services.config.public_url, state.code),
            client_ip: ctx::client_addr(),
            created_at_ms: now,
            expires_at_ms: now + PAYER_PAGE_MINUTES * 60_000,
            lang: ctx::lang(),
        };
        tracing::info!(payment = opened.id, "payment started");
        leptos_axum::redirect(&gateway.pay_url(&request));
        Ok(())
    }
}
