//! Who someone is to the portal: a citizen (applicant) or an officer with one role at one agency.
//! Stored on `users.role` by [`Role::name`]; parsed once where a user is read.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Role {
    /// An applicant (người nộp hồ sơ).
    Citizen,
    /// The one-stop desk (cán bộ Bộ phận Một cửa): receives, transfers, returns.
    Reception,
    /// A specialist (chuyên viên) of a unit: appraises and drafts the result.
    Specialist,
    /// The head of a unit (lãnh đạo phòng): assigns and reviews.
    DepartmentLeader,
    /// The head of the agency (lãnh đạo cơ quan): approves and signs, stops handling.
    AgencyLeader,
    /// An administrator of the provincial centre: the province-wide settings.
    ProvinceAdmin,
    /// An administrator of one agency: that agency's own settings.
    AgencyAdmin,
    /// The agency's accountant (kế toán): receipts and the reconciliation of payments with the
    /// gateway; no dossier handling.
    Accountant,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Citizen,
        Self::Reception,
        Self::Specialist,
        Self::DepartmentLeader,
        Self::AgencyLeader,
        Self::ProvinceAdmin,
        Self::AgencyAdmin,
        Self::Accountant,
    ];

    /// Every officer role (all but the citizen).
    pub const OFFICERS: [Role; 7] = [
        Self::Reception,
        Self::Specialist,
        Self::DepartmentLeader,
        Self::AgencyLeader,
        Self::ProvinceAdmin,
        Self::AgencyAdmin,
        Self::Accountant,
    ];

    /// The officers who read and handle dossiers: all but the accountant, who sees payments and
    /// receipts only (least privilege: no citizen's form, files or identity numbers).
    pub const READERS: [Role; 6] = [
        Self::Reception,
        Self::Specialist,
        Self::DepartmentLeader,
        Self::AgencyLeader,
        Self::ProvinceAdmin,
        Self::AgencyAdmin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Reception => "reception",
            Self::Specialist => "specialist",
            Self::DepartmentLeader => "department-leader",
            Self::AgencyLeader => "agency-leader",
            Self::ProvinceAdmin => "province-admin",
            Self::AgencyAdmin => "agency-admin",
            Self::Accountant => "accountant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.name() == s)
    }

    pub fn is_officer(self) -> bool {
        self != Self::Citizen
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Self::ProvinceAdmin | Self::AgencyAdmin)
    }

    /// Unit or agency leaders: they review, approve, send back and urge.
    pub fn is_leader(self) -> bool {
        matches!(self, Self::DepartmentLeader | Self::AgencyLeader)
    }

    /// Message key of the role's name.
    pub fn key(self) -> String {
        format!("role-{}", self.name())
    }
}

/// A signed-in person as the rules see them: a citizen, or an officer of one agency (and unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub full_name: String,
    pub role: Role,
    pub agency_code: Option<String>,
    /// The officer's unit (department) inside the agency; empty for others.
    pub unit_code: String,
}

impl CurrentUser {
    /// A citizen (an applicant) as the actions see them.
    pub fn citizen(id: i64, full_name: String) -> Self {
        CurrentUser { id, full_name, role: Role::Citizen, agency_code: None, unit_code: String::new() }
    }

    /// The agency an officer acts for; none for a citizen.
    pub fn agency(&self) -> Option<&str> {
        self.agency_code.as_deref().filter(|_| self.role.is_officer())
    }

    /// The officer as the workflow sees them.
    pub fn actor(&self) -> Option<crate::domain::workflow::Actor<'_>> {
        Some(crate::domain::workflow::Actor {
            id: self.id,
            role: self.role,
            agency: self.agency()?,
            unit: &self.unit_code,
        })
    }
}

impl From<Role> for &'static str {
    fn from(r: Role) -> Self {
        r.name()
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Role::parse(&s).ok_or_else(|| format!("unknown role {s}"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_stored_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.name()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None, "the old undivided administrator is migrated away");
    }

    #[test]
    fn province_and_agency_administrators_are_told_apart() {
        assert!(Role::ProvinceAdmin.is_admin() && Role::AgencyAdmin.is_admin());
        assert_ne!(Role::ProvinceAdmin, Role::AgencyAdmin);
        assert!(!Role::AgencyLeader.is_admin());
    }

    #[test]
    fn a_role_crosses_the_wire_as_its_stored_name() {
        assert_eq!(serde_json::to_string(&Role::DepartmentLeader).unwrap(), "\"department-leader\"");
        assert_eq!(serde_json::from_str::<Role>("\"reception\"").unwrap(), Role::Reception);
        assert!(serde_json::from_str::<Role>("\"root\"").is_err());
    }
}
