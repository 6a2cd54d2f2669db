//! The workflow of a procedure version: ordered steps, each with the responsible agency and unit,
//! the role that acts and its time allowance (legal-notes §3.5–3.7). A dossier sits at one step at
//! a time; this module says who may act there and where each outcome sends it.
//!
//! The first step is reception at the desk that received the dossier and the last is the return
//! of the result at that same desk [HD-07]; in between, steps may belong to other agencies
//! (liên thông in sequence [HD-06]).

use crate::domain::clock::Allowance;
use crate::domain::role::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepKind {
    /// The one-stop desk checks, accepts and transfers.
    Receive,
    /// The head of the competent unit assigns a specialist [HD-01].
    Assign,
    /// The specialist appraises, records verifications and drafts the result [HD-02, HD-03].
    Appraise,
    /// The unit's leader reviews the draft: approve or send back.
    Review,
    /// The agency's leader signs: approve (the result is recorded at the last one) or send back.
    Approve,
    /// The desk returns the result to the applicant [RT-02].
    Return,
}

impl StepKind {
    pub const ALL: [StepKind; 6] =
        [Self::Receive, Self::Assign, Self::Appraise, Self::Review, Self::Approve, Self::Return];

    pub fn name(self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::Assign => "assign",
            Self::Appraise => "appraise",
            Self::Review => "review",
            Self::Approve => "approve",
            Self::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<StepKind> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The role that acts at this kind of step.
    pub fn role(self) -> Role {
        match self {
            Self::Receive | Self::Return => Role::Reception,
            Self::Assign | Self::Review => Role::DepartmentLeader,
            Self::Appraise => Role::Specialist,
            Self::Approve => Role::AgencyLeader,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDef {
    pub kind: StepKind,
    /// Identifier code of the agency whose officers act.
    pub agency: String,
    /// Unit (department) code inside the agency; empty for the desk and the agency leader.
    pub unit: String,
    /// The step's share of the procedure's allowance, in the same unit.
    pub allowance: Allowance,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub steps: Vec<StepDef>,
}

/// Why a workflow definition cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowError {
    /// The first step must be reception and the last the return, both at the receiving desk.
    DeskAtBothEnds,
    /// Every handling agency needs an appraisal before its approval.
    NoAppraisalBeforeApproval,
    /// There must be an approval before the return.
    NoApproval,
    /// The steps' allowances must add up to the procedure's.
    AllowanceMismatch { steps: i64, procedure: i64 },
    /// Allowances must be in the procedure's unit and positive.
    BadAllowance { position: usize },
}

/// Who is acting: what the workflow needs to know about an officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor<'a> {
    pub id: i64,
    pub role: Role,
    pub agency: &'a str,
    pub unit: &'a str,
}

/// A running step: its definition and who it is assigned to (the specialist at an appraisal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current<'a> {
    pub step: &'a StepDef,
    pub assignee: Option<i64>,
}

/// Whether `actor` may act at the current step: right agency, role and unit, and the assignee
/// if the step has one.
pub fn may_act(current: &Current, actor: &Actor) -> bool {
    current.step.agency == actor.agency
        && current.step.kind.role() == actor.role
        && (current.step.unit.is_empty() || current.step.unit == actor.unit)
        && current.assignee.is_none_or(|id| id == actor.id)
}

/// What a step can end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done: go to the next step.
    Forward,
    /// A reviewer or signer sends the draft back to the specialist who appraised it.
    SendBack,
}

/// Where the dossier goes next, or why it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// To the step at this position.
    Step(usize),
    /// Nowhere: the step was the last (the return of the result closes the dossier).
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// No such step.
    NoStep,
    /// Only review and approval steps send back, and only to an appraisal before them.
    CannotSendBack,
}

impl Workflow {
    /// The usual one-agency workflow: desk → unit leader assigns → specialist appraises → unit
    /// leader reviews → agency leader approves → desk returns. `handling` is the agency that
    /// decides (it may differ from the receiving desk, as for the provincial centre) and `unit`
    /// its competent unit. The allowance is shared out: reception 5 %, assignment 5 %, review
    /// 10 %, approval 10 %, return 5 %, and the rest to the appraisal.
    pub fn standard(receiving: &str, handling: &str, unit: &str, total: Allowance) -> Workflow {
        let t = total.thousandths();
        let share = |pct: i64| (t * pct / 100).max(1);
        let small = [share(5), share(5), share(10), share(10), share(5)];
        let appraise = (t - small.iter().sum::<i64>()).max(1);
        let step = |kind, agency: &str, unit: &str, a: i64| StepDef {
            kind,
            agency: agency.to_string(),
            unit: unit.to_string(),
            allowance: total.with(a),
        };
        Workflow {
            steps: vec![
                step(StepKind::Receive, receiving, "", small[0]),
                step(StepKind::Assign, handling, unit, small[1]),
                step(StepKind::Appraise, handling, unit, appraise),
                step(StepKind::Review, handling, unit, small[2]),
                step(StepKind::Approve, handling, "", small[3]),
                step(StepKind::Return, receiving, "", small[4]),
            ],
        }
    }

    /// The standard workflow followed by a second agency's steps before the return
    /// (liên thông in sequence): that agency assigns, appraises and approves its part with
    /// `share` thousandths of the allowance, taken from the first agency's appraisal.
    pub fn with_second_agency(mut self, agency: &str, unit: &str, share_pct: i64) -> Workflow {
        let Some(appraise) = self.steps.iter().position(|s| s.kind == StepKind::Appraise) else { return self };
        let base = self.steps[appraise].allowance;
        let part = (base.thousandths() * share_pct / 100).max(3);
        let each = part / 3;
        let rest = part - 2 * each;
        self.steps[appraise].allowance = base.with(base.thousandths() - part);
        let ret = self.steps.len() - 1;
        let added = [(StepKind::Assign, unit, each), (StepKind::Appraise, unit, rest), (StepKind::Approve, "", each)]
            .into_iter()
            .map(|(kind, u, a)| StepDef {
                kind,
                agency: agency.to_string(),
                unit: u.to_string(),
                allowance: base.with(a),
            });
        self.steps.splice(ret..ret, added);
        self
    }

    /// Checks the definition against the procedure's allowance.
    pub fn validate(&self, total: Allowance) -> Result<(), WorkflowError> {
        let (first, last) = match (self.steps.first(), self.steps.last()) {
            (Some(f), Some(l)) if self.steps.len() >= 3 => (f, l),
            _ => return Err(WorkflowError::DeskAtBothEnds),
        };
        if first.kind != StepKind::Receive || last.kind != StepKind::Return || first.agency != last.agency {
            return Err(WorkflowError::DeskAtBothEnds);
        }
        let middle = &self.steps[1..self.steps.len() - 1];
        if middle.iter().any(|s| matches!(s.kind, StepKind::Receive | StepKind::Return)) {
            return Err(WorkflowError::DeskAtBothEnds);
        }
        if !middle.iter().any(|s| s.kind == StepKind::Approve) {
            return Err(WorkflowError::NoApproval);
        }
        for (i, s) in middle.iter().enumerate() {
            if s.kind == StepKind::Approve
                && !middle[..i].iter().any(|p| p.kind == StepKind::Appraise && p.agency == s.agency)
            {
                return Err(WorkflowError::NoAppraisalBeforeApproval);
            }
        }
        let mut sum = 0;
        for (position, s) in self.steps.iter().enumerate() {
            if std::mem::discriminant(&s.allowance) != std::mem::discriminant(&total) || s.allowance.thousandths() <= 0
            {
                return Err(WorkflowError::BadAllowance { position });
            }
            sum += s.allowance.thousandths();
        }
        if sum != total.thousandths() {
            return Err(WorkflowError::AllowanceMismatch { steps: sum, procedure: total.thousandths() });
        }
        Ok(())
    }

    pub fn step(&self, position: usize) -> Option<&StepDef> {
        self.steps.get(position)
    }

    /// Where `outcome` at `position` sends the dossier.
    pub fn next(&self, position: usize, outcome: Outcome) -> Result<Next, MoveError> {
        let step = self.steps.get(position).ok_or(MoveError::NoStep)?;
        match outcome {
            Outcome::Forward if position + 1 < self.steps.len() => Ok(Next::Step(position + 1)),
            Outcome::Forward => Ok(Next::Closed),
            Outcome::SendBack => {
                if !matches!(step.kind, StepKind::Review | StepKind::Approve) {
                    return Err(MoveError::CannotSendBack);
                }
                self.steps[..position]
                    .iter()
                    .rposition(|s| s.kind == StepKind::Appraise && s.agency == step.agency)
                    .map(Next::Step)
                    .ok_or(MoveError::CannotSendBack)
            }
        }
    }

    /// Whether approving at `position` decides the dossier (the last approval before the return):
    /// the result is then recorded (status 9).
    pub fn is_decision(&self, position: usize) -> bool {
        self.steps.get(position).is_some_and(|s| s.kind == StepKind::Approve)
            && !self.steps[position + 1..].iter().any(|s| s.kind == StepKind::Approve)
    }

    /// The agency whose approval decides the dossier and issues its result.
    pub fn decision_agency(&self) -> Option<&str> {
        (0..self.steps.len()).find(|p| self.is_decision(*p)).map(|p| self.steps[p].agency.as_str())
    }

    /// The agencies that take part besides the receiving desk, in order (for the control sheet).
    pub fn agencies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.steps {
            if !out.contains(&s.agency.as_str()) {
                out.push(&s.agency);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESK: &str = "000.00.01.H45";
    const SO_XD: &str = "000.00.12.H45";
    const CONG_AN: &str = "000.00.19.H45";

    fn std15() -> Workflow {
        Workflow::standard(DESK, SO_XD, "QLXD", Allowance::WorkingDays(15_000))
    }

    #[test]
    fn the_standard_workflow_runs_from_the_desk_through_the_unit_and_back_to_the_desk() {
        let wf = std15();
        let kinds: Vec<_> = wf.steps.iter().map(|s| s.kind).collect();
        use StepKind::*;
        assert_eq!(kinds, [Receive, Assign, Appraise, Review, Approve, Return]);
        assert_eq!(wf.steps[0].agency, DESK);
        assert_eq!(wf.steps[5].agency, DESK);
        assert_eq!(wf.steps[2].agency, SO_XD);
        assert_eq!(wf.steps[2].unit, "QLXD");
        assert_eq!(wf.steps[4].unit, "", "the agency leader belongs to no unit");
        assert_eq!(wf.validate(Allowance::WorkingDays(15_000)), Ok(()));
    }

    #[test]
    fn step_allowances_share_out_the_whole_procedure_allowance() {
        let wf = std15();
        let parts: Vec<i64> = wf.steps.iter().map(|s| s.allowance.thousandths()).collect();
        // 15 days: 0.75 + 0.75 + 9.75 + 1.5 + 1.5 + 0.75 = 15.
        assert_eq!(parts, [750, 750, 9_750, 1_500, 1_500, 750]);
        let hours = Workflow::standard(DESK, DESK, "VP", Allowance::Hours(4_000));
        assert_eq!(hours.validate(Allowance::Hours(4_000)), Ok(()));
        assert!(matches!(hours.steps[2].allowance, Allowance::Hours(2_600)));
    }

    #[test]
    fn a_tiny_allowance_still_gives_every_step_some_time() {
        let wf = Workflow::standard(DESK, DESK, "VP", Allowance::WorkingDays(10));
        assert!(wf.steps.iter().all(|s| s.allowance.thousandths() > 0));
    }

    #[test]
    fn a_workflow_must_start_and_end_at_the_receiving_desk() {
        let mut wf = std15();
        wf.steps.last_mut().unwrap().agency = SO_XD.into();
        assert_eq!(wf.validate(Allowance::WorkingDays(15_000)), Err(WorkflowError::DeskAtBothEnds));
        let mut wf = std15();
        wf.steps.remove(0);
        assert_eq!(wf.validate(Allowance::WorkingDays(15_000)), Err(WorkflowError::DeskAtBothEnds));
    }

    #[test]
    fn a_workflow_needs_an_approval_after_an_appraisal() {
        let mut wf = std15();
        wf.steps.retain(|s| s.kind != StepKind::Approve);
        assert_eq!(wf.validate(Allowance::WorkingDays(15_000)), Err(WorkflowError::NoApproval));
        let mut wf = std15();
        wf.steps.retain(|s| s.kind != StepKind::Appraise);
        assert_eq!(wf.validate(Allowance::WorkingDays(15_000)), Err(WorkflowError::NoAppraisalBeforeApproval));
    }

    #[test]
    fn step_allowances_must_add_up_to_the_procedure_allowance() {
        let wf = std15();
        assert_eq!(
            wf.validate(Allowance::WorkingDays(10_000)),
            Err(WorkflowError::AllowanceMismatch { steps: 15_000, procedure: 10_000 })
        );
        assert_eq!(wf.validate(Allowance::Hours(15_000)), Err(WorkflowError::BadAllowance { position: 0 }));
    }

    #[test]
    fn liaison_with_a_second_agency_adds_its_steps_before_the_return_and_keeps_the_total() {
        let wf = std15().with_second_agency(CONG_AN, "QLHC", 20);
        use StepKind::*;
        let kinds: Vec<_> = wf.steps.iter().map(|s| (s.kind, s.agency.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Receive, DESK),
                (Assign, SO_XD),
                (Appraise, SO_XD),
                (Review, SO_XD),
                (Approve, SO_XD),
                (Assign, CONG_AN),
                (Appraise, CONG_AN),
                (Approve, CONG_AN),
                (Return, DESK)
            ]
        );
        assert_eq!(wf.validate(Allowance::WorkingDays(15_000)), Ok(()));
        assert_eq!(wf.agencies(), [DESK, SO_XD, CONG_AN]);
    }

    #[test]
    fn only_the_last_approval_decides_the_dossier() {
        let wf = std15().with_second_agency(CONG_AN, "QLHC", 20);
        assert!(!wf.is_decision(4), "the first agency's approval hands over to the second");
        assert!(wf.is_decision(7));
        assert!(!wf.is_decision(2));
        assert!(std15().is_decision(4));
    }

    #[test]
    fn each_step_forwards_to_the_next_and_the_return_closes() {
        let wf = std15();
        for p in 0..5 {
            assert_eq!(wf.next(p, Outcome::Forward), Ok(Next::Step(p + 1)));
        }
        assert_eq!(wf.next(5, Outcome::Forward), Ok(Next::Closed));
        assert_eq!(wf.next(6, Outcome::Forward), Err(MoveError::NoStep));
    }

    #[test]
    fn review_and_approval_send_back_to_the_appraisal_of_their_own_agency() {
        let wf = std15().with_second_agency(CONG_AN, "QLHC", 20);
        assert_eq!(wf.next(3, Outcome::SendBack), Ok(Next::Step(2)));
        assert_eq!(wf.next(4, Outcome::SendBack), Ok(Next::Step(2)));
        assert_eq!(wf.next(7, Outcome::SendBack), Ok(Next::Step(6)), "Công an sends back to its own specialist");
    }

    #[test]
    fn reception_assignment_appraisal_and_return_cannot_send_back() {
        let wf = std15();
        for p in [0, 1, 2, 5] {
            assert_eq!(wf.next(p, Outcome::SendBack), Err(MoveError::CannotSendBack), "step {p}");
        }
    }

    fn actor<'a>(role: &str, agency: &'a str, unit: &'a str) -> Actor<'a> {
        Actor { id: 7, role: Role::parse(role).unwrap(), agency, unit }
    }

    #[test]
    fn only_the_right_role_of_the_right_agency_and_unit_may_act_at_a_step() {
        let wf = std15();
        let assign = Current { step: &wf.steps[1], assignee: None };
        assert!(may_act(&assign, &actor("department-leader", SO_XD, "QLXD")));
        assert!(!may_act(&assign, &actor("department-leader", SO_XD, "KHTC")), "another unit's leader");
        assert!(!may_act(&assign, &actor("department-leader", DESK, "QLXD")), "another agency");
        assert!(!may_act(&assign, &actor("specialist", SO_XD, "QLXD")), "another role");
        let approve = Current { step: &wf.steps[4], assignee: None };
        assert!(may_act(&approve, &actor("agency-leader", SO_XD, "")), "the agency leader needs no unit");
        let receive = Current { step: &wf.steps[0], assignee: None };
        assert!(may_act(&receive, &actor("reception", DESK, "")));
        assert!(!may_act(&receive, &actor("reception", SO_XD, "")));
    }

    #[test]
    fn only_the_assigned_specialist_may_appraise() {
        let wf = std15();
        let appraise = Current { step: &wf.steps[2], assignee: Some(7) };
        assert!(may_act(&appraise, &actor("specialist", SO_XD, "QLXD")));
        let other = Actor { id: 8, ..actor("specialist", SO_XD, "QLXD") };
        assert!(!may_act(&appraise, &other));
    }

    #[test]
    fn step_allowances_print_as_decimals() {
        assert_eq!(Allowance::WorkingDays(750).to_parts(), ("0.75".into(), "working_days"));
        assert_eq!(Allowance::WorkingDays(9_750).to_parts(), ("9.75".into(), "working_days"));
        assert_eq!(Allowance::Hours(2_000).to_parts(), ("2".into(), "hours"));
        assert_eq!(Allowance::WorkingDays(5).to_parts(), ("0.005".into(), "working_days"));
        let (a, u) = Allowance::WorkingDays(1_250).to_parts();
        assert_eq!(Allowance::parse(&a, u), Some(Allowance::WorkingDays(1_250)), "round trip");
    }

    #[test]
    fn step_kinds_round_trip_by_name_with_their_roles() {
        for k in StepKind::ALL {
            assert_eq!(StepKind::parse(k.name()), Some(k));
        }
        assert_eq!(StepKind::parse("sign"), None);
        assert_eq!(StepKind::Appraise.role(), Role::Specialist);
        assert_eq!(StepKind::Return.role(), Role::Reception);
    }
}
