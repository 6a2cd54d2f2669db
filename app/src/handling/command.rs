//! The commands officers and applicants give, one per action, with inputs already typed where
//! the type does not depend on the dossier (a reason is a [`Reason`] only once parsed; which
//! specialist may be assigned depends on the dossier, so the planner checks that).

use crate::api::dossiers::StoredFile;
use crate::domain::channel::Channel;
use crate::domain::supplement::SupplementItem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a reviewer or signer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    SendBack,
    Refuse,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approve" => Some(Self::Approve),
            "send-back" => Some(Self::SendBack),
            "refuse" => Some(Self::Refuse),
            _ => None,
        }
    }
}

/// The optional "when it really happened" and "why it is entered now" of every handling form.
/// Raw as typed: the planner parses them against the dossier's history and the clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backfill {
    pub happened_at: Option<String>,
    pub backfill_reason: Option<String>,
}

impl Backfill {
    /// Whether a back-filled time was given at all.
    pub fn is_given(&self) -> bool {
        self.happened_at.as_deref().is_some_and(|s| !s.trim().is_empty())
    }
}

/// One action on a dossier. Text inputs are raw where their error must be shown with
/// the other fields of the same form; the planner parses them all and reports every error at once.
#[derive(Debug, Clone)]
pub enum Command {
    /// The draft is submitted: by its applicant online, or entered by the receiving desk from
    /// paper handed in at the counter or sent by post (then accepted at once).
    Submit,
    /// The desk accepts the dossier: the appointment comes from the legal clock (Mẫu 01).
    Accept,
    /// The desk refuses at reception, with a reason (Mẫu 03).
    RefuseAtReception { reason: String },
    /// The desk passes the dossier to the competent unit.
    Transfer,
    /// The unit leader assigns a specialist.
    Assign { specialist: i64 },
    /// The specialist records the appraisal and proposes the result or a refusal.
    Appraise { note: String, propose_refusal: bool, files: Vec<(String, StoredFile)> },
    /// A reviewer or signer approves (at the decision step: the result is recorded).
    /// `paper`: at the decision, the leader signed the result on paper; the receiving desk
    /// digitises it ([`Command::DigitiseResult`]) instead of the system issuing it signed.
    Approve { note: String, paper: bool },
    /// A reviewer or signer sends the draft back to the specialist.
    SendBack { reason: String },
    /// The signer refuses after appraisal (Mẫu 03 through the desk).
    RefuseAfterAppraisal { reason: String },
    /// The desk hands the result over.
    Deliver { channel: Channel },
    /// The apology slip (Mẫu 04): a new appointment, once.
    Apologise { new_due: String, reason: String },
    /// A leader urges the unit holding the dossier.
    Urge { note: String },
    /// The agency leader stops handling (status 8).
    Stop { reason: String },
    /// The applicant withdraws the dossier (status 7), online or by a written request handed in
    /// at the desk (Tây Ninh Đ7.1, Thái Nguyên Đ19.1).
    Withdraw { reason: String },
    /// Ask for a supplement naming every item at once (Mẫu 02): at reception it goes out at once;
    /// during handling the specialist drafts it and the unit leader sends it.
    RequestSupplement { reason: String, items: Vec<SupplementItem> },
    /// The unit leader sends the specialist's drafted request to the applicant.
    SendSupplement,
    /// The answer to the open request: the whole form after it (only requested fields changed,
    /// already checked against the form's schema) and a new file for each requested component —
    /// from the applicant online, or handed in on paper at the desk (scans marked digitised).
    AnswerSupplement { form: BTreeMap<String, String>, files: Vec<StoredFile> },
    /// The specialist asks units (agency, unit) for their opinion within `days` working days.
    Consult { targets: Vec<(String, String)>, days: String, question: String },
    /// A consulted unit answers consultation `id`.
    AnswerConsultation { id: i64, answer: String },
    /// The issuing agency's leader revokes the result in force, with the reason; with
    /// `reissue`, a corrected result is issued in its place (a new number, the draft corrected
    /// in `files` when one is given, else the approved one).
    RevokeResult { reason: String, reissue: bool, files: Vec<(String, StoredFile)> },
    /// Fees paid: online, confirmed by the gateway's notification for the attempt `payment_id`
    /// that the applicant started (its amount and obligations fixed then), or recorded by the
    /// receiving desk for everything payable now (cash, transfer with its reference, postal).
    Pay {
        method: crate::domain::fees::PaymentMethod,
        payment_id: Option<i64>,
        amount_vnd: i64,
        covers: Vec<i64>,
        reference: String,
    },
    /// Ask the applicant to pay before handling goes on (status 6): each assessed fee of the
    /// version (by its index) with the quantity typed (copies, pages; empty or 0 for none),
    /// and the step's fees still owed.
    RequestPayment { quantities: Vec<(usize, String)> },
    /// Exempt the obligations `seqs` still owed, with the reason (the case the law names): the
    /// receiving desk, or the specialist appraising.
    Exempt { seqs: Vec<i64>, reason: String },
    /// Refund the payment `txn_ref` (paid, or taken by the gateway for what was no longer owed)
    /// on the agency leader's decision with its reason. An online payment goes back through the
    /// gateway first (`gateway_no`, its refund's number); the others are paid back at the counter.
    Refund { txn_ref: String, reason: String, gateway_no: String },
    /// The applicant's satisfaction rating, as posted (parsed by the planner with every field's
    /// error at once): online by the applicant, or entered by the receiving desk from a paper
    /// form or the counter's tablet.
    Rate { input: crate::domain::rating::RatingInput, channel: crate::domain::rating::RatingChannel },
    /// The receiving agency leader's answer to a rating that called for one (trách nhiệm giải
    /// trình): what was found and done; it goes back to the applicant.
    AnswerRating { answer: String },
    /// The receiving desk digitises a result signed on paper (no electronic result in force):
    /// the scan in `files` (`draft-result`) and the officer's certification that it is a true
    /// copy of the original.
    DigitiseResult { certification: String, files: Vec<(String, StoredFile)> },
}

impl Command {
    /// The slip an action issues, if any: Mẫu 01 on acceptance, Mẫu 03 on refusal, Mẫu 04 on
    /// the apology.
    pub fn slip(&self) -> Option<&'static str> {
        match self {
            Command::Accept => Some("01"),
            Command::Apologise { .. } => Some("04"),
            Command::RefuseAfterAppraisal { .. } | Command::RefuseAtReception { .. } => Some("03"),
            _ => None,
        }
    }
}
