//! What the rules of handling know about a dossier: its status, channel, route and running step,
//! its clock and history in brief, and the few names its notes mention. Read from storage by
//! whoever calls the planner; built from domain types only.

use crate::domain::channel::Channel;
use crate::domain::clock::{Allowance, Calendar, ClockEvent};
use crate::domain::status::DossierStatus;
use crate::domain::supplement::OpenSupplement;
use crate::domain::upload::StoredFile;
use crate::domain::workflow::Workflow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The working calendars of the agencies involved, by agency code.
pub type Calendars = BTreeMap<String, Calendar>;

/// What the specialist proposed at appraisal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposal {
    /// Issue the drafted result.
    Result,
    /// Refuse, with the reason given in the appraisal.
    Refuse,
}

impl Proposal {
    pub fn name(self) -> &'static str {
        match self {
            Self::Result => "result",
            Self::Refuse => "refuse",
        }
    }

    pub fn parse(s: &str) -> Option<Proposal> {
        match s {
            "result" => Some(Self::Result),
            "refuse" => Some(Self::Refuse),
            _ => None,
        }
    }
}

/// How a workflow step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepOutcome {
    /// Done and passed on.
    Done,
    /// Approved by a reviewer or signer.
    Approved,
    /// Sent back to the specialist.
    SentBack,
    Refused,
    Delivered,
    Stopped,
    Withdrawn,
    /// Ended by a supplement request: the dossier waits for the applicant.
    Supplement,
}

impl StepOutcome {
    pub const ALL: [StepOutcome; 8] = [
        Self::Done,
        Self::Approved,
        Self::SentBack,
        Self::Refused,
        Self::Delivered,
        Self::Stopped,
        Self::Withdrawn,
        Self::Supplement,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Approved => "approved",
            Self::SentBack => "sent-back",
            Self::Refused => "refused",
            Self::Delivered => "delivered",
            Self::Stopped => "stopped",
            Self::Withdrawn => "withdrawn",
            Self::Supplement => "supplement",
        }
    }

    pub fn parse(s: &str) -> Option<StepOutcome> {
        Self::ALL.into_iter().find(|o| o.name() == s)
    }
}

/// A step the dossier has been through (or is at, the last one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepState {
    pub position: usize,
    pub agency: String,
    pub assignee: Option<i64>,
    pub started_at: i64,
    pub due_at: i64,
    pub ended_at: Option<i64>,
}

/// A consultation asked on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationState {
    pub id: i64,
    pub agency: String,
    pub unit: String,
    /// "unit, agency" as the history names it.
    pub label: String,
    pub answered: bool,
}

/// A unit that may be consulted, with its name as the history writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub agency: String,
    pub unit: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DossierState {
    pub code: String,
    pub status: DossierStatus,
    pub channel: Channel,
    pub applicant_id: i64,
    pub receiving_agency: String,
    /// The agency holding it now (another one's during liên thông).
    pub current_agency: String,
    /// The procedure's allowance (thời hạn giải quyết).
    pub allowance: Allowance,
    pub workflow: Workflow,
    /// "unit, agency" of each workflow step, as the history names it.
    pub step_names: Vec<String>,
    /// Position of the running step in `workflow`.
    pub position: Option<usize>,
    pub assignee: Option<i64>,
    /// Steps so far, the running one last.
    pub steps: Vec<StepState>,
    pub due_at: Option<i64>,
    pub proposal: Option<Proposal>,
    /// The reason the specialist gave when proposing a refusal.
    pub refusal_reason: Option<String>,
    /// The file name of the latest draft result.
    pub draft_result: Option<String>,
    /// Events so far: an action planned on this state conflicts if another came in between.
    pub event_count: i64,
    /// The real time of the latest event (a back-filled action may not precede it).
    pub last_event_at: i64,
    /// The clock's events from the history (acceptances, supplement requests after acceptance).
    pub clock_events: Vec<ClockEvent>,
    /// Whether the apology slip was used since the last acceptance.
    pub apology_used: bool,
    pub consultations: Vec<ConsultationState>,
    /// Officers who may be assigned at the next step (filled when the actor may assign).
    pub specialists: Vec<(i64, String)>,
    /// Units that may be consulted (filled when the actor may consult).
    pub units: Vec<UnitRef>,
    /// The e-form as it stands, and the current file of each component.
    pub form: BTreeMap<String, String>,
    pub files: Vec<StoredFile>,
    /// The supplement request not yet answered (sent, or a specialist's draft), with its reason.
    pub supplement: Option<(OpenSupplement, String)>,
    /// The components a submission needs a file for (read for drafts only).
    pub required: Vec<i64>,
    /// What the dossier owes and has paid, and the fees of its version.
    pub obligations: Vec<crate::domain::fees::Obligation>,
    pub fees: Vec<crate::domain::catalogue::Fee>,
    /// The payments and online attempts, newest first.
    pub payments: Vec<crate::read::dossiers::PaymentView>,
    /// Rated by its applicant already (a dossier is rated once).
    pub rated: bool,
    /// The rating calls for the receiving agency leader's answer, due then, not given yet.
    pub answer_owed: Option<i64>,
    /// The decision was signed on paper and its scan not yet digitised: who signed it.
    pub awaiting_digitisation: Option<String>,
}

impl DossierState {
    /// The running step's position, when one runs.
    pub fn running_position(&self) -> Option<usize> {
        self.position
    }

    /// Every agency whose calendar the rules may read: the receiving desk and the route.
    pub fn agencies(&self) -> Vec<String> {
        let mut out = vec![self.receiving_agency.clone()];
        for s in &self.workflow.steps {
            if !out.contains(&s.agency) {
                out.push(s.agency.clone());
            }
        }
        out
    }

    /// Whether `agency` received, holds, handled or was consulted on the dossier.
    pub fn involves(&self, agency: &str) -> bool {
        self.receiving_agency == agency
            || self.current_agency == agency
            || self.steps.iter().any(|s| s.agency == agency)
            || self.consultations.iter().any(|c| c.agency == agency)
    }
}
