//! What dossiers owe and the payments made (issue 13): the obligations created with the
//! submission from the fees of the version it was submitted under, the online attempts sent to
//! the gateway, and the payments the planner records (`Command::Pay`) in the transaction of
//! their event.

use super::{backend_err, parse_json, Db};
use app::domain::fees::{obligations_at_submission, Obligation, ObligationState, PaymentMethod};
use app::handling::PaymentPlan;
use app::ports::{CurrentUser, GatewayOutcome, OpenedPayment, PaymentRecord, StoreError};
use app::read::dossiers::PaymentView;
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
    for seq in &plan.covers {
        let n = sqlx::query(
            "update obligations set state = 'paid', payment_id = $1, updated_at = $2 \
             where dossier_id = $3 and seq = $4 and state = 'due'",
        )
        .bind(payment_id)
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

impl Db {
    pub(crate) async fn obligations(&self, dossier_id: i64) -> Result<Vec<Obligation>, StoreError> {
        let rows = sqlx::query(
            "select seq, name_vi, amount_vnd, due, collector_vi, state from obligations where dossier_id = $1 order by seq",
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
                })
            })
            .collect()
    }

    pub(crate) async fn payments(&self, dossier_id: i64) -> Result<Vec<PaymentView>, StoreError> {
        let rows = sqlx::query(
            "select txn_ref, amount_vnd, channel, state, gateway_txn_no, reference, created_at, paid_at \
             from payments where dossier_id = $1 order by id desc",
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
        // A paid attempt keeps its state (set with its event); a waiting one takes the gateway's.
        sqlx::query(
            "update payments set state = case when state = 'pending' then $1 else state end, response_code = $2, \
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
