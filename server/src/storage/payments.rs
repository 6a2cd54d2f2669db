//! What dossiers owe and the payments made (issue 13): the obligations created with the
//! submission from the fees of the version it was submitted under, the online attempts sent to
//! the gateway, and the payments the planner records (`Command::Pay`) in the transaction of
//! their event.

use super::{backend_err, parse_json, Db};
use app::domain::fees::{obligations_at_submission, Obligation, ObligationState, PaymentMethod};
use app::handling::PaymentPlan;
use app::ports::{CurrentUser, DayPayment, GatewayOutcome, OpenedPayment, PaymentRecord, StoreError};
use app::read::dossiers::{PaymentView, ReceiptView};
use app::read::payments::{Mismatch, Reconciliation};
use sqlx::{Any, Row, Transaction};

fn seqs(covers: &[i64]) -> String {
    covers.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn parse_seqs(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

async fn insert_obligation(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    o: &Obligation,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into obligations (dossier_id, seq, name_vi, amount_vnd, due, collector_vi, state, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(dossier_id)
    .bind(o.seq)
    .bind(&o.name_vi)
    .bind(o.amount_vnd)
    .bind(o.due.name())
    .bind(&o.collector_vi)
    .bind(o.state.name())
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// The number of the dossier's next payment (online attempt or desk record), for its reference.
async fn next_attempt(tx: &mut Transaction<'static, Any>, dossier_id: i64) -> Result<i64, StoreError> {
    let n: i64 = sqlx::query("select count(*) as n from payments where dossier_id = $1")
        .bind(dossier_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(backend_err)?
        .get("n");
    Ok(n + 1)
}

/// Creates what dossier `dossier_id` owes, in the submission's transaction.
pub(crate) async fn create_obligations(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    let r = sqlx::query(
        "select d.channel, v.details_json, a.name_vi from dossiers d join procedure_versions v on v.id = d.version_id \
         join procedures p on p.id = d.procedure_id join agencies a on a.code = p.executing_agency where d.id = $1",
    )
    .bind(dossier_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?;
    let details: app::domain::catalogue::VersionDetails = parse_json(r.get("details_json"))?;
    let channel = app::domain::channel::Channel::parse(&r.get::<String, _>("channel"))
        .unwrap_or(app::domain::channel::Channel::Online);
    for o in obligations_at_submission(&details.fees, channel, &r.get::<String, _>("name_vi")) {
        insert_obligation(tx, dossier_id, &o, now_ms).await?;
    }
    Ok(())
}

/// Adds the obligations the agency asked for during handling, after the dossier's others.
pub(crate) async fn add_asked(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    asked: &[app::domain::fees::AskedFee],
    now_ms: i64,
) -> Result<(), StoreError> {
    let r = sqlx::query(
        "select a.name_vi, (select coalesce(max(o.seq), 0) from obligations o where o.dossier_id = d.id) as last \
         from dossiers d join procedures p on p.id = d.procedure_id join agencies a on a.code = p.executing_agency where d.id = $1",
    )
    .bind(dossier_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?;
    let agency: String = r.get("name_vi");
    let last: i64 = r.get("last");
    for (i, a) in asked.iter().enumerate() {
        let o = Obligation {
            seq: last + 1 + i as i64,
            name_vi: a.name_vi.clone(),
            amount_vnd: a.amount_vnd,
            due: app::domain::fees::FeeDue::Step,
            collector_vi: a.collector_vi.clone().filter(|c| !c.trim().is_empty()).unwrap_or_else(|| agency.clone()),
            state: ObligationState::Due,
            note: String::new(),
        };
        insert_obligation(tx, dossier_id, &o, now_ms).await?;
    }
    Ok(())
}

/// Records the payment the planner decided, in the transaction of its event: the online attempt
/// becomes paid (only if it still waits), or the desk's payment is added; each obligation it
/// covers becomes paid (only if still due). Anything else is a conflict and nothing is written.
pub(crate) async fn apply_payment(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    code: &str,
    actor_id: i64,
    at_ms: i64,
    plan: &PaymentPlan,
) -> Result<(), StoreError> {
    let payment_id = match plan.payment_id {
        Some(id) => {
            let n = sqlx::query(
                "update payments set state = 'paid', paid_at = $1, updated_at = $1 \
                 where id = $2 and dossier_id = $3 and state = 'pending' and amount_vnd = $4",
            )
            .bind(at_ms)
            .bind(id)
            .bind(dossier_id)
            .bind(plan.amount_vnd)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict("error-changed-meanwhile".into()));
            }
            id
        }
        None => {
            let attempt = next_attempt(tx, dossier_id).await?;
            let txn_ref = format!("{}D", app::domain::fees::payment_reference(code, attempt));
            sqlx::query(
                "insert into payments (dossier_id, txn_ref, amount_vnd, covers, channel, state, created_by, created_at, reference, paid_at, updated_at) \
                 values ($1, $2, $3, $4, $5, 'paid', $6, $7, $8, $7, $7) returning id",
            )
            .bind(dossier_id)
            .bind(txn_ref)
            .bind(plan.amount_vnd)
            .bind(seqs(&plan.covers))
            .bind(plan.method.name())
            .bind(actor_id)
            .bind(at_ms)
            .bind(plan.reference.clone())
            .fetch_one(&mut **tx)
            .await
            .map_err(backend_err)?
            .get::<i64, _>("id")
        }
    };
    settle(tx, dossier_id, &plan.covers, ObligationState::Paid, Some(payment_id), "", at_ms).await?;
    let issued_by = (plan.method != PaymentMethod::Online).then_some(actor_id);
    issue_receipt(tx, dossier_id, payment_id, issued_by, &plan.reference, at_ms).await
}

/// The Vietnamese calendar year of `ms`.
pub(crate) fn vn_year(ms: i64) -> i32 {
    app::domain::vn_time::civil_from_days((ms.div_euclid(1000) + 7 * 3600).div_euclid(86_400)).0
}

/// Issues the receipt of payment `payment_id` (just paid) in its transaction: the next number of
/// the receiving agency's series for the year, and everything the receipt states, kept as issued.
async fn issue_receipt(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    payment_id: i64,
    issued_by: Option<i64>,
    reference: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    let r = sqlx::query(
        "select d.receiving_agency, a.name_vi, u.full_name, p.amount_vnd, p.channel, p.txn_ref \
         from payments p join dossiers d on d.id = p.dossier_id join agencies a on a.code = d.receiving_agency \
         join users u on u.id = d.applicant_id where p.id = $1",
    )
    .bind(payment_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?;
    let agency: String = r.get("receiving_agency");
    let items =
        sqlx::query("select name_vi, amount_vnd, collector_vi from obligations where payment_id = $1 order by seq")
            .bind(payment_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(backend_err)?;
    let mut collectors: Vec<String> = Vec::new();
    for i in &items {
        let c: String = i.get("collector_vi");
        if !collectors.contains(&c) {
            collectors.push(c);
        }
    }
    let items: Vec<(String, i64)> = items.iter().map(|i| (i.get("name_vi"), i.get("amount_vnd"))).collect();
    let year = vn_year(at_ms);
    let seq: i64 = sqlx::query(
        "insert into receipt_sequences (agency_code, year, last_seq) values ($1, $2, 1) \
         on conflict (agency_code, year) do update set last_seq = receipt_sequences.last_seq + 1 returning last_seq",
    )
    .bind(&agency)
    .bind(year as i64)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?
    .get("last_seq");
    // The gateway's transaction number, the transfer's reference, or the desk's own record.
    let txn: String = if reference.trim().is_empty() { r.get("txn_ref") } else { reference.to_string() };
    sqlx::query(
        "insert into receipts (payment_id, dossier_id, agency_code, year, seq, number, payer_name, items_json, amount_vnd, \
         method, transaction_no, collector_vi, agency_name_vi, issued_at, issued_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(payment_id)
    .bind(dossier_id)
    .bind(&agency)
    .bind(year as i64)
    .bind(seq)
    .bind(app::domain::fees::receipt_number(year, seq))
    .bind(r.get::<String, _>("full_name"))
    .bind(serde_json::to_string(&items).map_err(|e| StoreError::Backend(e.to_string()))?)
    .bind(r.get::<i64, _>("amount_vnd"))
    .bind(r.get::<String, _>("channel"))
    .bind(txn)
    .bind(collectors.join("; "))
    .bind(r.get::<String, _>("name_vi"))
    .bind(at_ms)
    .bind(issued_by)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// Settles the obligations `seqs` still owed — paid by `payment_id`, or exempted with the
/// reason in `note` — in the transaction of the event; one that is no longer owed is a conflict.
#[allow(clippy::too_many_arguments)]
async fn settle(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    seqs: &[i64],
    state: ObligationState,
    payment_id: Option<i64>,
    note: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    for seq in seqs {
        let n = sqlx::query(
            "update obligations set state = $1, payment_id = $2, note = $3, updated_at = $4 \
             where dossier_id = $5 and seq = $6 and state = 'due'",
        )
        .bind(state.name())
        .bind(payment_id)
        .bind(note)
        .bind(at_ms)
        .bind(dossier_id)
        .bind(*seq)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("error-changed-meanwhile".into()));
        }
    }
    Ok(())
}

/// Exempts the obligations `seqs` (still owed) with the reason, in the transaction of the event.
pub(crate) async fn apply_exempt(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    seqs: &[i64],
    reason: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    settle(tx, dossier_id, seqs, ObligationState::Exempt, None, reason, at_ms).await
}

/// Records a refund in the transaction of its event: the payment (still paid, or kept as the
/// gateway's orphan) becomes refunded, so do the obligations it paid and its receipt.
pub(crate) async fn apply_refund(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    actor_id: i64,
    at_ms: i64,
    plan: &app::handling::RefundPlan,
) -> Result<(), StoreError> {
    let Some(row) = sqlx::query(
        "update payments set state = 'refunded', refunded_at = $1, refund_reason = $2, refund_by = $3, refund_no = $4, \
         updated_at = $1 where txn_ref = $5 and dossier_id = $6 and state in ('paid', 'orphan') returning id",
    )
    .bind(at_ms)
    .bind(&plan.reason)
    .bind(actor_id)
    .bind(&plan.gateway_no)
    .bind(&plan.txn_ref)
    .bind(dossier_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend_err)?
    else {
        return Err(StoreError::Conflict("error-changed-meanwhile".into()));
    };
    let id: i64 = row.get("id");
    sqlx::query("update obligations set state = 'refunded', note = $1, updated_at = $2 where payment_id = $3 and state = 'paid'")
        .bind(&plan.reason)
        .bind(at_ms)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    sqlx::query("update receipts set refunded_at = $1 where payment_id = $2")
        .bind(at_ms)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    Ok(())
}

fn receipt_view(r: &sqlx::any::AnyRow) -> Result<ReceiptView, StoreError> {
    Ok(ReceiptView {
        number: r.get("number"),
        dossier_code: r.get("code"),
        procedure_vi: r.get("procedure_vi"),
        payer_name: r.get("payer_name"),
        items: parse_json(r.get("items_json"))?,
        amount_vnd: r.get("amount_vnd"),
        method: PaymentMethod::parse(&r.get::<String, _>("method")).unwrap_or(PaymentMethod::Online),
        transaction_no: r.get("transaction_no"),
        collector_vi: r.get("collector_vi"),
        agency_code: r.get("agency_code"),
        agency_name_vi: r.get("agency_name_vi"),
        issued_at_ms: r.get("issued_at"),
        issued_by: r.get("officer"),
        refunded_at_ms: r.get("refunded_at"),
    })
}

impl Db {
    /// The receipt `number` of dossier `code`.
    pub(crate) async fn receipt(&self, code: &str, number: &str) -> Result<Option<ReceiptView>, StoreError> {
        let r = sqlx::query(
            "select r.*, d.code, p.name_vi as procedure_vi, u.full_name as officer from receipts r \
             join dossiers d on d.id = r.dossier_id join procedures p on p.id = d.procedure_id \
             left join users u on u.id = r.issued_by where d.code = $1 and r.number = $2",
        )
        .bind(code)
        .bind(number)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        r.as_ref().map(receipt_view).transpose()
    }

    pub(crate) async fn obligations(&self, dossier_id: i64) -> Result<Vec<Obligation>, StoreError> {
        let rows = sqlx::query(
            "select seq, name_vi, amount_vnd, due, collector_vi, state, note from obligations where dossier_id = $1 order by seq",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        rows.iter()
            .map(|r| {
                Ok(Obligation {
                    seq: r.get("seq"),
                    name_vi: r.get("name_vi"),
                    amount_vnd: r.get("amount_vnd"),
                    due: app::domain::fees::FeeDue::parse(&r.get::<String, _>("due"))
                        .ok_or_else(|| StoreError::Backend("unknown fee due".into()))?,
                    collector_vi: r.get("collector_vi"),
                    state: ObligationState::parse(&r.get::<String, _>("state"))
                        .ok_or_else(|| StoreError::Backend("unknown obligation state".into()))?,
                    note: r.get("note"),
                })
            })
            .collect()
    }

    pub(crate) async fn payments(&self, dossier_id: i64) -> Result<Vec<PaymentView>, StoreError> {
        let rows = sqlx::query(
            "select p.txn_ref, p.amount_vnd, p.covers, p.channel, p.state, p.gateway_txn_no, p.reference, p.created_at, \
             p.paid_at, p.refunded_at, p.refund_reason, r.number from payments p left join receipts r on r.payment_id = p.id \
             where p.dossier_id = $1 order by p.id desc",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| PaymentView {
                txn_ref: r.get("txn_ref"),
                amount_vnd: r.get("amount_vnd"),
                method: PaymentMethod::parse(&r.get::<String, _>("channel")).unwrap_or(PaymentMethod::Online),
                state: r.get("state"),
                reference: r
                    .get::<Option<String>, _>("gateway_txn_no")
                    .or_else(|| r.get::<Option<String>, _>("reference"))
                    .unwrap_or_default(),
                at_ms: r.get::<Option<i64>, _>("paid_at").unwrap_or_else(|| r.get("created_at")),
                created_at_ms: r.get("created_at"),
                covers: parse_seqs(&r.get::<String, _>("covers")),
                receipt: r.get("number"),
                refunded_at_ms: r.get("refunded_at"),
                refund_reason: r.get::<Option<String>, _>("refund_reason").unwrap_or_default(),
            })
            .collect())
    }
}

#[async_trait::async_trait]
impl app::ports::PaymentStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "open_payment"))]
    async fn open_payment(
        &self,
        code: &str,
        by: i64,
        covers: &[i64],
        amount_vnd: i64,
        now_ms: i64,
    ) -> Result<OpenedPayment, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        // The dossier's row first: two attempts of one dossier open one after the other.
        let dossier_id: i64 = sqlx::query("update dossiers set updated_at = updated_at where code = $1 returning id")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?
            .ok_or(StoreError::NotFound)?
            .get("id");
        sqlx::query(
            "update payments set state = 'cancelled', response_code = 'superseded', updated_at = $1 \
             where dossier_id = $2 and state = 'pending'",
        )
        .bind(now_ms)
        .bind(dossier_id)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        let attempt = next_attempt(&mut tx, dossier_id).await?;
        let txn_ref = app::domain::fees::payment_reference(code, attempt);
        let id: i64 = sqlx::query(
            "insert into payments (dossier_id, txn_ref, amount_vnd, covers, channel, state, created_by, created_at, updated_at) \
             values ($1, $2, $3, $4, 'online', 'pending', $5, $6, $6) returning id",
        )
        .bind(dossier_id)
        .bind(&txn_ref)
        .bind(amount_vnd)
        .bind(seqs(covers))
        .bind(by)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?
        .get("id");
        tx.commit().await.map_err(backend_err)?;
        Ok(OpenedPayment { id, txn_ref, amount_vnd, created_at_ms: now_ms })
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "payment_by_ref"))]
    async fn payment_by_ref(&self, txn_ref: &str) -> Result<Option<PaymentRecord>, StoreError> {
        let Some(r) = sqlx::query(
            "select p.id, p.amount_vnd, p.covers, p.state, p.channel, d.code, u.id as uid, u.full_name \
             from payments p join dossiers d on d.id = p.dossier_id join users u on u.id = d.applicant_id where p.txn_ref = $1",
        )
        .bind(txn_ref)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?
        else {
            return Ok(None);
        };
        Ok(Some(PaymentRecord {
            id: r.get("id"),
            txn_ref: txn_ref.to_string(),
            dossier_code: r.get("code"),
            applicant: CurrentUser::citizen(r.get("uid"), r.get("full_name")),
            amount_vnd: r.get("amount_vnd"),
            covers: parse_seqs(&r.get::<String, _>("covers")),
            state: r.get("state"),
            method: PaymentMethod::parse(&r.get::<String, _>("channel")).unwrap_or(PaymentMethod::Online),
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "close_payment"))]
    async fn close_payment(&self, id: i64, outcome: &GatewayOutcome, now_ms: i64) -> Result<(), StoreError> {
        // A paid attempt keeps its state (set with its event); a waiting one takes the gateway's;
        // money the gateway took on a cancelled or failed attempt makes it an orphan.
        sqlx::query(
            "update payments set state = case when state = 'pending' \
             or ($1 = 'orphan' and state in ('cancelled', 'failed')) then $1 else state end, response_code = $2, \
             gateway_txn_no = $3, bank_code = $4, updated_at = $5 where id = $6",
        )
        .bind(outcome.state)
        .bind(&outcome.response_code)
        .bind(&outcome.gateway_txn_no)
        .bind(&outcome.bank_code)
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    async fn receipt(&self, code: &str, number: &str) -> Result<Option<ReceiptView>, StoreError> {
        Db::receipt(self, code, number).await
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "payments_of_day"))]
    async fn payments_of_day(&self, agency: &str, day: &str) -> Result<Vec<DayPayment>, StoreError> {
        let (start, end) = app::domain::vn_time::day_bounds(day).ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(
            "select p.id, d.code, p.txn_ref, p.amount_vnd, p.state, p.created_at from payments p \
             join dossiers d on d.id = p.dossier_id where d.receiving_agency = $1 and p.channel = 'online' \
             and p.created_at >= $2 and p.created_at < $3 order by p.id",
        )
        .bind(agency)
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| DayPayment {
                id: r.get("id"),
                dossier_code: r.get("code"),
                txn_ref: r.get("txn_ref"),
                amount_vnd: r.get("amount_vnd"),
                state: r.get("state"),
                created_at_ms: r.get("created_at"),
            })
            .collect())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "save_reconciliation"))]
    async fn save_reconciliation(&self, run: &Reconciliation) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let id: i64 = sqlx::query(
            "insert into reconciliations (agency_code, day, run_at, run_by, checked, mismatches) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(&run.agency_code)
        .bind(&run.day)
        .bind(run.run_at_ms)
        .bind(run.run_by)
        .bind(run.checked)
        .bind(run.mismatches.len() as i64)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?
        .get("id");
        for m in &run.mismatches {
            sqlx::query(
                "insert into reconciliation_items (reconciliation_id, payment_id, kind, here_state, here_amount, \
                 gateway_state, gateway_amount, resolved_at, resolution) \
                 select $1, p.id, $2, $3, $4, $5, $6, $7, $8 from payments p where p.txn_ref = $9",
            )
            .bind(id)
            .bind(&m.kind)
            .bind(&m.here_state)
            .bind(m.here_amount)
            .bind(&m.gateway_state)
            .bind(m.gateway_amount)
            .bind(m.resolved_at_ms)
            .bind(m.resolution.clone())
            .bind(&m.txn_ref)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "reconciliations"))]
    async fn reconciliations(&self, agency: &str, limit: i64) -> Result<Vec<Reconciliation>, StoreError> {
        let runs = sqlx::query(
            "select r.id, r.agency_code, r.day, r.run_at, r.run_by, u.full_name, r.checked from reconciliations r \
             left join users u on u.id = r.run_by where r.agency_code = $1 order by r.id desc limit $2",
        )
        .bind(agency)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        let mut out = Vec::with_capacity(runs.len());
        for r in &runs {
            let id: i64 = r.get("id");
            let items = sqlx::query(
                "select i.id, d.code, p.txn_ref, i.kind, i.here_state, i.here_amount, i.gateway_state, i.gateway_amount, \
                 u.full_name, i.resolved_at, i.resolution from reconciliation_items i join payments p on p.id = i.payment_id \
                 join dossiers d on d.id = p.dossier_id left join users u on u.id = i.resolved_by \
                 where i.reconciliation_id = $1 order by i.id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
            out.push(Reconciliation {
                id,
                agency_code: r.get("agency_code"),
                day: r.get("day"),
                run_at_ms: r.get("run_at"),
                run_by: r.get("run_by"),
                run_by_name: r.get("full_name"),
                checked: r.get("checked"),
                mismatches: items
                    .iter()
                    .map(|i| Mismatch {
                        id: i.get("id"),
                        dossier_code: i.get("code"),
                        txn_ref: i.get("txn_ref"),
                        kind: i.get("kind"),
                        here_state: i.get("here_state"),
                        here_amount: i.get("here_amount"),
                        gateway_state: i.get("gateway_state"),
                        gateway_amount: i.get("gateway_amount"),
                        resolved_by: i.get("full_name"),
                        resolved_at_ms: i.get("resolved_at"),
                        resolution: i.get("resolution"),
                    })
                    .collect(),
            });
        }
        Ok(out)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "resolve_mismatch"))]
    async fn resolve_mismatch(
        &self,
        agency: &str,
        item: i64,
        by: i64,
        note: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "update reconciliation_items set resolved_by = $1, resolved_at = $2, resolution = $3 \
             where id = $4 and resolved_at is null \
             and reconciliation_id in (select id from reconciliations where agency_code = $5)",
        )
        .bind(by)
        .bind(now_ms)
        .bind(note)
        .bind(item)
        .bind(agency)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?
        .rows_affected();
        Ok(n == 1)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "unreconciled"))]
    async fn unreconciled(&self, day: &str) -> Result<Vec<String>, StoreError> {
        let (start, end) = app::domain::vn_time::day_bounds(day).ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(
            "select distinct d.receiving_agency from payments p join dossiers d on d.id = p.dossier_id \
             where p.channel = 'online' and p.created_at >= $1 and p.created_at < $2 \
             and not exists (select 1 from reconciliations r where r.agency_code = d.receiving_agency and r.day = $3 \
             and r.run_at >= $2) \
             order by d.receiving_agency",
        )
        .bind(start)
        .bind(end)
        .bind(day)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows.iter().map(|r| r.get("receiving_agency")).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_obligations_an_attempt_covers_read_back() {
        assert_eq!(parse_seqs(&seqs(&[1, 3, 12])), vec![1, 3, 12]);
        assert!(parse_seqs("").is_empty());
    }
}
