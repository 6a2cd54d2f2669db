//! The one entry every caller uses to change a dossier after submission: read the state, check
//! the reader policy, gather the calendars and the people the command may name, plan, and have
//! the store carry the plan out in one transaction (with the stale-view check).

use super::available::available;
use super::command::{Backfill, Command};
use super::plan::plan;
use super::refusal::Refusal;
use super::state::{Calendars, DossierState, UnitRef};
use crate::domain::dossier_code::DossierCode;
use crate::domain::role::{CurrentUser, Role};
use crate::domain::status::Action;
use crate::policy::{self, Access, Parties};
use crate::ports::Store;

/// What was done: the dossier, the action recorded and the slip it issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    pub code: String,
    pub action: Action,
    pub slip: Option<&'static str>,
}

/// Loads the state of dossier `code` as `user` may see it: an officer of an agency involved in
/// it, or its applicant; anyone else gets not found.
pub async fn load_state(store: &dyn Store, user: &CurrentUser, code: &str) -> Result<DossierState, Refusal> {
    let code = DossierCode::parse("code", code).map_err(|_| Refusal::NotFound)?.to_string();
    let state = store.dossier_state(&code).await?.ok_or(Refusal::NotFound)?;
    authorize(user, &state)?;
    Ok(state)
}

/// Whether `user` may read the dossier (the reader policy): an officer of another agency is
/// forbidden; anyone else but its applicant finds nothing.
pub fn authorize(user: &CurrentUser, state: &DossierState) -> Result<(), Refusal> {
    let involves = |a: &str| state.involves(a);
    // Handling is the applicant's and the officers': the organisation's other people read the
    // dossier (`dossier_for_citizen`) but do not act on it.
    let parties =
        Parties { applicant_id: state.applicant_id, organisation_id: None, viewer_acts_for: &[], involves: &involves };
    match policy::access(Some(user), parties) {
        Access::None if user.role.is_officer() => Err(Refusal::Forbidden),
        Access::None => Err(Refusal::NotFound),
        _ => Ok(()),
    }
}

/// The calendars of the receiving agency, of every agency on the route and of `more` (those
/// that exist).
pub async fn load_calendars(store: &dyn Store, state: &DossierState, more: &[String]) -> Result<Calendars, Refusal> {
    let mut cals = Calendars::new();
    for a in state.agencies() {
        let c = store.calendar(&a).await?.ok_or_else(|| Refusal::Broken(format!("no calendar for {a}")))?;
        cals.insert(a, c);
    }
    // Agencies a command names (consulted units): an unknown one has no calendar and the planner
    // refuses it at its field.
    for a in more {
        if !cals.contains_key(a) {
            if let Some(c) = store.calendar(a).await? {
                cals.insert(a.clone(), c);
            }
        }
    }
    Ok(cals)
}

/// Fills in whom `user` may name in a command: the specialists of the next step's unit for an
/// assignment, the units of every agency for a consultation.
pub async fn load_choices(store: &dyn Store, state: &mut DossierState, user: &CurrentUser) -> Result<(), Refusal> {
    let can = available(state, user);
    if can.assign {
        if let Some(next) = state.position.and_then(|p| state.workflow.step(p + 1)) {
            state.specialists = store.officers(&next.agency, Role::Specialist, &next.unit).await?;
        }
    }
    if can.consult {
        // Any unit but the specialist's own may be asked.
        state.units = store
            .units()
            .await?
            .into_iter()
            .filter(|u| !(user.agency() == Some(u.agency_code.as_str()) && u.unit_code == user.unit_code))
            .map(|u| UnitRef { agency: u.agency_code, unit: u.unit_code, label: u.label.vi })
            .collect();
    }
    Ok(())
}

/// Carries out `command` by `user` on dossier `code` at `now`.
#[tracing::instrument(name = "execute", skip_all, fields(code = %code))]
pub async fn execute(
    store: &dyn Store,
    user: &CurrentUser,
    code: &str,
    command: Command,
    backfill: &Backfill,
    now: i64,
) -> Result<Executed, Refusal> {
    let state = load_state(store, user, code).await?;
    execute_on(store, user, state, command, backfill, now).await
}

/// [`execute`] on a state already loaded (and read by `user` under the reader policy, checked
/// again here).
pub async fn execute_on(
    store: &dyn Store,
    user: &CurrentUser,
    mut state: DossierState,
    command: Command,
    backfill: &Backfill,
    now: i64,
) -> Result<Executed, Refusal> {
    authorize(user, &state)?;
    load_choices(store, &mut state, user).await?;
    // Each consulted unit's deadline runs on its own agency's calendar.
    let more: Vec<String> = match &command {
        Command::Consult { targets, .. } => targets.iter().map(|(a, _)| a.clone()).collect(),
        _ => Vec::new(),
    };
    let cals = load_calendars(store, &state, &more).await?;
    let plan = plan(&state, &cals, user, command, backfill, now)?;
    let done = Executed { code: plan.code.clone(), action: plan.action, slip: plan.slip };
    store.advance(plan).await?;
    Ok(done)
}
