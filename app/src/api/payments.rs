//! Server functions for fees (issue 13): the applicant starts an online payment of what the
//! dossier owes now and is sent to the gateway's payer page; the receiving desk records a
//! payment made at the counter, by transfer or through the post. The gateway's notification,
//! not the payer's return, marks an online payment paid (`server::payments`).

use crate::domain::role::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Who keeps the agency's accounts: reconciliation and its mismatches.
pub const ACCOUNTS: [Role; 3] = [Role::Accountant, Role::AgencyLeader, Role::AgencyAdmin];

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

/// The desk (or the specialist appraising) exempts fees still owed: `ob_<seq>` for each one
/// chosen, and `exempt_reason` (the case the law names and what proves it).
#[server(prefix = "/api", endpoint = "desk/exempt", input = leptos::server_fn::codec::MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/exempt", skip_all))]
pub async fn desk_exempt(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    ssr::exempt(data).await
}

/// The agency leader refunds payment `txn_ref` with the reason: an online payment through the
/// gateway's refund first, the others paid back at the counter.
#[server(prefix = "/api", endpoint = "desk/refund")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/refund", skip_all))]
pub async fn desk_refund(code: String, txn_ref: String, refund_reason: String) -> Result<(), AppError> {
    ssr::refund(&code, txn_ref, refund_reason).await
}

/// A receipt of a dossier's payment, for whoever may read the dossier (its applicant, the
/// organisation's people, the officers of an agency involved).
#[server(prefix = "/api", endpoint = "dossiers/fee-receipt", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "dossiers/fee-receipt", skip_all))]
pub async fn fee_receipt(code: String, so: String) -> Result<crate::read::dossiers::ReceiptView, AppError> {
    ssr::receipt(&code, &so).await
}

/// Anyone checks a receipt by its dossier's code and its number (rate-limited like the dossier
/// lookup): genuine or not, how much, collected by whom, refunded or not; the payer masked.
#[server(prefix = "/api", endpoint = "receipt-lookup", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "receipt-lookup", skip_all))]
pub async fn lookup_receipt(ma: String, so: String) -> Result<crate::read::payments::PublicReceipt, AppError> {
    ssr::public_receipt(&ma, &so).await
}

/// The agency's reconciliations, newest first (the accountant, the agency's leader and
/// administrator).
#[server(prefix = "/api", endpoint = "desk/reconciliations", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/reconciliations", skip_all))]
pub async fn reconciliations() -> Result<crate::read::payments::ReconciliationsView, AppError> {
    let (_, agency) = crate::api::desk::ssr::officer(&ACCOUNTS)?;
    let runs = crate::api::ctx::services()?.store.reconciliations(&agency, 30).await?;
    Ok(crate::read::payments::ReconciliationsView {
        today: crate::domain::vn_time::iso_date(crate::api::ctx::now_ms()),
        runs,
    })
}

/// The accountant's button: compares the agency's online payments of `day` (`YYYY-MM-DD`,
/// today or earlier) with the gateway's answers now, and keeps what differs.
#[server(prefix = "/api", endpoint = "desk/reconcile")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/reconcile", skip_all))]
pub async fn reconcile(day: String) -> Result<(), AppError> {
    ssr::reconcile_button(&day).await
}

/// The accountant resolves a mismatch on the record, with a note of what was done.
#[server(prefix = "/api", endpoint = "desk/resolve-mismatch")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "desk/resolve-mismatch", skip_all))]
pub async fn resolve_mismatch(item: i64, resolution: String) -> Result<(), AppError> {
    ssr::resolve(item, &resolution).await
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

    pub async fn exempt(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
        use crate::api::dossiers::ssr::{discard, read_multipart};
        let services = ctx::services()?;
        ctx::require_user()?;
        let up = read_multipart(&services, data).await?;
        discard(&services, &up.files).await; // an exemption carries no files
        let seqs = up
            .text
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("ob_").and_then(|i| i.parse::<i64>().ok()).filter(|_| !v.is_empty()))
            .collect();
        let code = up.text.get("code").cloned().unwrap_or_default();
        let reason = up.text.get("exempt_reason").cloned().unwrap_or_default();
        crate::api::handling::ssr::act(&code, handling::Command::Exempt { seqs, reason }, handling::Backfill::default())
            .await
    }

    /// Plans the refund first (who, which payment, the reason), then has the gateway refund an
    /// online payment, then records it through the planner with the gateway's refund number.
    /// The gateway refusing leaves everything as it was, with its message.
    pub async fn refund(code: &str, txn_ref: String, reason: String) -> Result<(), AppError> {
        use crate::domain::fees::PaymentMethod;
        let user = ctx::require_user()?;
        let services = ctx::services()?;
        let store = services.store.as_ref();
        let now = ctx::now_ms();
        let state = handling::load_state(store, &user, code).await?;
        let cals = handling::load_calendars(store, &state, &[]).await?;
        let check =
            handling::Command::Refund { txn_ref: txn_ref.clone(), reason: reason.clone(), gateway_no: String::new() };
        handling::plan(&state, &cals, &user, check, &handling::Backfill::default(), now)?;
        let paid = state.payments.iter().find(|p| p.txn_ref == txn_ref).ok_or(AppError::NotFound)?;
        let gateway_no = if paid.method == PaymentMethod::Online {
            let gateway =
                services.payments.clone().ok_or_else(|| AppError::Conflict("error-payment-unavailable".into()))?;
            let req = crate::ports::RefundRequest {
                txn_ref: txn_ref.clone(),
                amount_vnd: paid.amount_vnd,
                transaction_no: paid.reference.clone(),
                created_at_ms: paid.created_at_ms,
                by: user.full_name.clone(),
                client_ip: Some(ctx::client_addr())
                    .filter(|a| a.parse::<std::net::IpAddr>().is_ok())
                    .unwrap_or_else(|| "127.0.0.1".into()),
                now_ms: now,
            };
            match gateway.refund(&req).await {
                Ok(no) => no,
                Err(e) => {
                    tracing::warn!(code = %e.code, "the gateway refused a refund");
                    return Err(AppError::field("refund_reason", "error-refund-refused")
                        .with_values(vec![("refund_reason".into(), reason.chars().take(2000).collect())]));
                }
            }
        } else {
            String::new()
        };
        let cmd = handling::Command::Refund { txn_ref, reason, gateway_no };
        if let Err(e) = handling::execute(store, &user, code, cmd, &handling::Backfill::default(), now).await {
            // The gateway gave the money back and the record could not say so: reconciliation
            // lists the difference.
            tracing::error!(refusal = ?e, "refunded at the gateway, not recorded");
            return Err(e.into());
        }
        leptos_axum::redirect(&format!("/mot-cua/ho-so/{code}?xong=1"));
        Ok(())
    }

    /// Whether `user` may read dossier `code`, through the reader policy.
    async fn may_read(
        store: &dyn crate::ports::Store,
        user: &crate::domain::role::CurrentUser,
        code: &str,
    ) -> Result<(), AppError> {
        let desk = store.desk_dossier(code).await?.ok_or(AppError::NotFound)?;
        if user.role.is_officer() {
            let state = handling::state_of(&desk).map_err(|_| AppError::NotFound)?;
            return Ok(handling::authorize(user, &state)?);
        }
        let acts_for: Vec<i64> = store.acting_for(user.id).await?.iter().map(|o| o.id).collect();
        let organisation = desk.dossier.applied_for.as_ref().and_then(|f| f.organisation_id());
        if crate::policy::citizen_reads(user, desk.applicant_id, organisation, &acts_for) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    pub async fn receipt(code: &str, number: &str) -> Result<crate::read::dossiers::ReceiptView, AppError> {
        let user = ctx::require_user()?;
        receipt_for(ctx::services()?.store.as_ref(), &user, code, number).await
    }

    /// Receipt `number` of dossier `code` for `user`: whoever may read the dossier, and the
    /// accountant of the agency that issued it (who reads no dossier). Anyone else: not found.
    pub async fn receipt_for(
        store: &dyn crate::ports::Store,
        user: &crate::domain::role::CurrentUser,
        code: &str,
        number: &str,
    ) -> Result<crate::read::dossiers::ReceiptView, AppError> {
        let code = crate::domain::dossier_code::DossierCode::parse("code", code).map_err(|_| AppError::NotFound)?;
        let code = code.to_string();
        let number: String = number.chars().take(20).collect();
        if user.role == Role::Accountant {
            let r = store.receipt(&code, &number).await?.ok_or(AppError::NotFound)?;
            return if user.agency() == Some(r.agency_code.as_str()) { Ok(r) } else { Err(AppError::NotFound) };
        }
        may_read(store, user, &code).await?;
        store.receipt(&code, &number).await?.ok_or(AppError::NotFound)
    }

    pub async fn public_receipt(ma: &str, so: &str) -> Result<crate::read::payments::PublicReceipt, AppError> {
        use crate::domain::{dossier_code::DossierCode, rate_limit::Limit};
        let services = ctx::services()?;
        let per_address = Limit { max: services.config.lookup_per_minute, window_ms: 60_000 };
        {
            let mut limiter = services.limiter.lock().map_err(|_| ctx::internal("rate limiter poisoned"))?;
            if !limiter.hit(&format!("lookup:{}", ctx::client_addr()), per_address, ctx::now_ms()) {
                return Err(AppError::RateLimited);
            }
        }
        let echo =
            vec![("ma".to_string(), ma.chars().take(64).collect()), ("so".to_string(), so.chars().take(20).collect())];
        let code = DossierCode::parse("ma", ma).map_err(|e| AppError::fields(vec![e]).with_values(echo.clone()))?;
        let so = so.trim();
        if so.is_empty() || so.len() > 20 || !so.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(AppError::field("so", "error-receipt-number").with_values(echo));
        }
        let r = services.store.receipt(&code.to_string(), so).await?.ok_or(AppError::NotFound)?;
        Ok(crate::read::payments::PublicReceipt {
            number: r.number,
            dossier_code: r.dossier_code,
            items: r.items,
            amount_vnd: r.amount_vnd,
            method: r.method,
            agency_name_vi: r.agency_name_vi,
            issued_at_ms: r.issued_at_ms,
            refunded_at_ms: r.refunded_at_ms,
        })
    }

    /// What reconciliation concluded for one attempt the gateway says was paid.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Confirmed {
        /// Recorded paid now, through the planner.
        Paid,
        /// It already was.
        AlreadyPaid,
        /// The dossier no longer owes it: kept as an orphan for a refund.
        Orphan,
        /// The store failed.
        Failed,
    }

    /// Records that the gateway took the money for attempt `record` (its notification, or its
    /// answer to `querydr`): the payment through the planner, acting as the applicant, in the
    /// transaction of the `pay` event; money taken for what is no longer owed (withdrawn, paid at
    /// the desk meanwhile, a superseded attempt) is kept as an orphan for reconciliation and a
    /// refund.
    pub async fn confirm_paid(
        store: &dyn crate::ports::Store,
        record: &crate::ports::PaymentRecord,
        outcome: crate::ports::GatewayOutcome,
        paid_at_ms: Option<i64>,
        now_ms: i64,
    ) -> Confirmed {
        use handling::Refusal;
        let command = || handling::Command::Pay {
            method: crate::domain::fees::PaymentMethod::Online,
            payment_id: Some(record.id),
            amount_vnd: record.amount_vnd,
            covers: record.covers.clone(),
            reference: outcome.gateway_txn_no.clone(),
        };
        // Found by reconciliation, the payment is dated when the gateway took it (a receipt of
        // 31 December stays in that year's series), as a back-filled action with its reason.
        let backfill = match paid_at_ms.filter(|at| now_ms - at > 60_000) {
            Some(at) => handling::Backfill {
                happened_at: Some(crate::domain::vn_time::format_local_input(at)),
                backfill_reason: Some("Ghi nhận theo kết quả đối soát với cổng thanh toán".into()),
            },
            None => handling::Backfill::default(),
        };
        if record.state == "pending" {
            // Twice at most: another action on the dossier in between is a conflict to retry.
            for attempt in 0..2 {
                let mut done =
                    handling::execute(store, &record.applicant, &record.dossier_code, command(), &backfill, now_ms)
                        .await;
                if matches!(done, Err(Refusal::Invalid { .. })) && backfill.is_given() {
                    // The paying time is before the dossier's latest action: recorded now.
                    done = handling::execute(
                        store,
                        &record.applicant,
                        &record.dossier_code,
                        command(),
                        &handling::Backfill::default(),
                        now_ms,
                    )
                    .await;
                }
                match done {
                    Ok(_) => {
                        if let Err(e) = store.close_payment(record.id, &outcome, now_ms).await {
                            tracing::error!(error = %e, "payment confirmed: gateway facts not kept");
                        }
                        tracing::info!(payment = record.id, "payment confirmed by the gateway");
                        return Confirmed::Paid;
                    }
                    // The store failing is not the dossier refusing: tried again later.
                    Err(Refusal::Broken(e)) => {
                        tracing::error!(payment = record.id, "payment confirmation: {e}");
                        return Confirmed::Failed;
                    }
                    Err(e) => match store.payment_by_ref(&record.txn_ref).await {
                        Ok(Some(r)) if r.state == "paid" => return Confirmed::AlreadyPaid,
                        Ok(Some(r)) if r.state == "pending" && attempt == 0 && matches!(e, Refusal::Conflict(_)) => {
                            continue
                        }
                        Ok(Some(r)) if r.state == "pending" => {
                            tracing::warn!(payment = record.id, refusal = ?e, "paid at the gateway for what is no longer owed");
                            break;
                        }
                        Ok(_) => return Confirmed::AlreadyPaid,
                        Err(_) => return Confirmed::Failed,
                    },
                }
            }
        }
        // Money taken for what the dossier no longer owes (withdrawn, exempted or paid at the
        // desk meanwhile, a superseded attempt): kept for a refund.
        let orphan = crate::ports::GatewayOutcome { state: "orphan", ..outcome };
        match store.close_payment(record.id, &orphan, now_ms).await {
            Ok(()) => Confirmed::Orphan,
            Err(_) => Confirmed::Failed,
        }
    }

    /// Compares `agency`'s online attempts of `day` with the gateway's answers, records what the
    /// gateway took and the portal missed (through the planner, or as an orphan), and keeps the
    /// comparison with its mismatches. `by`: the officer who pressed the button; none for the
    /// daily job.
    pub async fn reconcile_day(
        store: &dyn crate::ports::Store,
        gateway: &dyn crate::ports::PaymentGateway,
        agency: &str,
        day: &str,
        by: Option<&crate::domain::role::CurrentUser>,
        now_ms: i64,
    ) -> Result<crate::read::payments::Reconciliation, crate::ports::StoreError> {
        use crate::domain::fees::{reconcile, Mismatch as Kind};
        let attempts = store.payments_of_day(agency, day).await?;
        let mut mismatches = Vec::new();
        for a in &attempts {
            // A question the gateway does not answer leaves the day unreconciled (nothing kept):
            // the job asks again later, the button says so.
            let g = gateway.query(&a.txn_ref, a.created_at_ms, now_ms).await.map_err(|e| {
                tracing::warn!(code = %e.code, "reconciliation: the gateway did not answer");
                crate::ports::StoreError::Conflict("error-gateway-unanswered".into())
            })?;
            let Some(kind) = reconcile(&a.state, a.amount_vnd, &g.state, g.amount_vnd) else { continue };
            let mut m = crate::read::payments::Mismatch {
                id: 0,
                dossier_code: a.dossier_code.clone(),
                txn_ref: a.txn_ref.clone(),
                kind: kind.name().to_string(),
                here_state: a.state.clone(),
                here_amount: a.amount_vnd,
                gateway_state: g.state.clone(),
                gateway_amount: g.amount_vnd,
                resolved_by: None,
                resolved_at_ms: None,
                resolution: None,
            };
            if kind == Kind::PaidAtGateway && g.amount_vnd == Some(a.amount_vnd) {
                if let Some(record) = store.payment_by_ref(&a.txn_ref).await? {
                    let outcome = crate::ports::GatewayOutcome {
                        state: "paid",
                        response_code: "00".into(),
                        gateway_txn_no: g.transaction_no.clone(),
                        bank_code: String::new(),
                    };
                    let done = confirm_paid(store, &record, outcome, g.paid_at_ms, now_ms).await;
                    let note = match done {
                        Confirmed::Paid | Confirmed::AlreadyPaid => Some("recorded-paid"),
                        Confirmed::Orphan => Some("kept-for-refund"),
                        Confirmed::Failed => None,
                    };
                    if let Some(note) = note {
                        m.resolved_at_ms = Some(now_ms);
                        m.resolution = Some(note.to_string());
                    }
                }
            }
            mismatches.push(m);
        }
        let mut run = crate::read::payments::Reconciliation {
            id: 0,
            agency_code: agency.to_string(),
            day: day.to_string(),
            run_at_ms: now_ms,
            run_by: by.map(|u| u.id),
            run_by_name: by.map(|u| u.full_name.clone()),
            checked: attempts.len() as i64,
            mismatches,
        };
        run.id = store.save_reconciliation(&run).await?;
        tracing::info!(checked = run.checked, mismatches = run.mismatches.len(), "reconciliation");
        Ok(run)
    }

    pub async fn reconcile_button(day: &str) -> Result<(), AppError> {
        let (user, agency) = crate::api::desk::ssr::officer(&super::ACCOUNTS)?;
        let services = ctx::services()?;
        let now = ctx::now_ms();
        let day = day.trim();
        let echo = vec![("day".to_string(), day.chars().take(20).collect::<String>())];
        match crate::domain::vn_time::day_bounds(day) {
            Some((start, _)) if start <= now => {}
            Some(_) => return Err(AppError::field("day", "error-day-future").with_values(echo)),
            None => return Err(AppError::field("day", "error-date").with_values(echo)),
        }
        let gateway =
            services.payments.clone().ok_or_else(|| AppError::Conflict("error-payment-unavailable".into()))?;
        reconcile_day(services.store.as_ref(), gateway.as_ref(), &agency, day, Some(&user), now).await?;
        leptos_axum::redirect("/mot-cua/doi-soat?xong=1");
        Ok(())
    }

    pub async fn resolve(item: i64, resolution: &str) -> Result<(), AppError> {
        let (user, agency) = crate::api::desk::ssr::officer(&super::ACCOUNTS)?;
        let note = crate::domain::reason::Reason::parse("resolution", resolution).map_err(|e| {
            AppError::fields(vec![e]).with_values(vec![("resolution".into(), resolution.chars().take(2000).collect())])
        })?;
        let store = ctx::services()?.store;
        if !store.resolve_mismatch(&agency, item, user.id, note.as_str(), ctx::now_ms()).await? {
            return Err(AppError::NotFound);
        }
        leptos_axum::redirect("/mot-cua/doi-soat?xong=1");
        Ok(())
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
