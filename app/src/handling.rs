//! The use-case layer: every change of a dossier after it is submitted, for any caller — a
//! server function, a payment gateway's callback, a scheduled job, the demo generator, a future
//! integration API. No Leptos, HTTP or page types here.
//!
//! - [`DossierState`]: what the rules need to know about a dossier, read from storage.
//! - [`Command`]: one per action, with typed inputs ([`Reason`](crate::domain::reason::Reason),
//!   [`Channel`](crate::domain::channel::Channel), …).
//! - [`plan`]: `(state, calendars, actor, command, now) -> StepPlan | Refusal`, pure: who may act,
//!   what the workflow and the legal clock say, and exactly what must be written.
//! - [`available`]: what an actor may do now — the same rules, for the page to offer.
//! - `execute` (server side): reads the state, plans, and has the store carry the plan out in one
//!   transaction with the stale-view check.

mod available;
mod command;
#[cfg(feature = "ssr")]
pub mod execute;
mod plan;
mod refusal;
mod state;
mod submission;
mod supplement;
#[cfg(test)]
mod table_tests;
mod view;

pub use available::{available, Available, CONSULTED};
pub use command::{Backfill, Command, Decision};
#[cfg(feature = "ssr")]
pub use execute::{authorize, execute, execute_on, load_calendars, load_choices, load_state, Executed};
pub use plan::{
    plan, DossierChanges, NewConsultation, OpenStep, PaymentPlan, RefundPlan, ResultPlan, StepPlan, SupplementPlan,
    BACKFILL_WINDOW_DAYS, CONSULT_DAYS,
};
pub use refusal::Refusal;
pub use state::{Calendars, ConsultationState, DossierState, Proposal, StepOutcome, StepState, UnitRef};
pub use submission::{intake_note, missing_files, plan_submission, ProcedureRules};
pub use view::{answer_owed, appraisal_opinion, clock_events, state_of, workflow, workflow_of};
