//! Roles and the one policy table (role → allowed actions) every function authorises with.
//! Session tokens carry role codes; `medportal-auth` turns a request into a session and asks
//! [`allows`] whether it may perform an action.

/// A role. HCPs are the portal's audience; every other role is staff and must use a second
/// factor (`Role::is_staff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Hcp,
    Author,
    MlrReviewer,
    MiSpecialist,
    Verifier,
    ComplianceOfficer,
    Admin,
    /// Pharmacovigilance: works the PV cases screening opens in their region.
    PvOfficer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Hcp,
        Role::Author,
        Role::MlrReviewer,
        Role::MiSpecialist,
        Role::Verifier,
        Role::ComplianceOfficer,
        Role::Admin,
        Role::PvOfficer,
    ];

    /// Stable code, as stored in `users.roles` and in session tokens.
    pub const fn code(self) -> &'static str {
        match self {
            Role::Hcp => "hcp",
            Role::Author => "author",
            Role::MlrReviewer => "mlr_reviewer",
            Role::MiSpecialist => "mi_specialist",
            Role::Verifier => "verifier",
            Role::ComplianceOfficer => "compliance_officer",
            Role::Admin => "admin",
            Role::PvOfficer => "pv_officer",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Staff roles need a second factor.
    pub const fn is_staff(self) -> bool {
        !matches!(self, Role::Hcp)
    }

    /// Parses a comma-separated role list (`users.roles`), ignoring unknown codes.
    pub fn parse_list(list: &str) -> Vec<Role> {
        let mut out: Vec<Role> = list.split(',').filter_map(|c| Role::from_code(c.trim())).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Something a request may do. Functions name the action; the table decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See and change one's own account (any signed-in person, verified or not).
    ViewOwnAccount,
    /// Read HCP-only content: needs a *verified* session as well (see [`allows`]).
    ReadHcpContent,
    /// Ask Medical Information and follow one's own inquiries: needs a *verified* session too.
    SubmitInquiry,
    /// Create items and save versions; submit them for review.
    AuthorContent,
    /// Review a version (reject, request changes, sign an approval).
    ReviewContent,
    /// Publish an approved version in its markets.
    PublishContent,
    /// Withdraw published content (with a reason).
    WithdrawContent,
    /// The governance dashboard and review queue overview.
    ViewGovernance,
    /// Work the Medical Information queue of one's region: assign, change status, add
    /// internal notes.
    TriageInquiry,
    /// Answer an inquiry (a response letter citing approved library versions).
    AnswerInquiry,
    DecideVerification,
    ViewAudit,
    ExportAudit,
    AssignRoles,
    /// The pharmacovigilance case queue of one's region: read cases, mark them forwarded.
    HandlePvCases,
    /// See search index status and rebuild an index (`/admin/search`).
    ManageSearch,
    /// The compliance pages: residency report and check, records of processing.
    ViewCompliance,
    /// Work data-subject requests (access, rectification, erasure) of one's region.
    HandleDataRequests,
    /// Re-authenticate with the second factor for one purpose (identity's step-up): an
    /// electronic signature of a reviewer, a compliance officer's data-subject decision. The
    /// asking function still authorises what the assertion is used for.
    StepUp,
}

use Action::*;
use Role::*;

/// The policy: role → actions. One table for every function.
pub static POLICY: &[(Role, &[Action])] = &[
    (Hcp, &[ViewOwnAccount, ReadHcpContent, SubmitInquiry]),
    (Author, &[ViewOwnAccount, ReadHcpContent, AuthorContent, PublishContent, ViewGovernance]),
    (MlrReviewer, &[ViewOwnAccount, ReadHcpContent, ReviewContent, WithdrawContent, ViewGovernance, StepUp]),
    (MiSpecialist, &[ViewOwnAccount, ReadHcpContent, TriageInquiry, AnswerInquiry]),
    (Verifier, &[ViewOwnAccount, DecideVerification]),
    (ComplianceOfficer, &[ViewOwnAccount, ReadHcpContent, ViewAudit, ExportAudit, ViewGovernance, ViewCompliance, HandleDataRequests, StepUp]),
    (Admin, &[ViewOwnAccount, AssignRoles, ViewAudit, ManageSearch, PublishContent, WithdrawContent, ViewGovernance]),
    (PvOfficer, &[ViewOwnAccount, HandlePvCases]),
];

/// Whether any of `roles` may perform `action`. HCP-only content additionally needs a
/// verified professional (`verified`), whatever the role.
pub fn allows(roles: &[Role], verified: bool, action: Action) -> bool {
    if matches!(action, ReadHcpContent | SubmitInquiry) && !verified {
        return false;
    }
    roles.iter().any(|r| POLICY.iter().any(|(role, actions)| role == r && actions.contains(&action)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_once() {
        for r in Role::ALL {
            assert_eq!(POLICY.iter().filter(|(role, _)| *role == r).count(), 1, "{r:?}");
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }

    #[test]
    fn least_privilege() {
        assert!(allows(&[Hcp], true, ReadHcpContent));
        assert!(!allows(&[Hcp], false, ReadHcpContent), "unverified HCPs see public pages only");
        assert!(!allows(&[Hcp], true, DecideVerification));
        assert!(!allows(&[Verifier], true, AssignRoles));
        assert!(allows(&[Hcp, Verifier], true, DecideVerification));
        assert!(allows(&[Admin], true, AssignRoles));
        assert!(allows(&[Admin], true, ManageSearch));
        for r in [Hcp, Author, MlrReviewer, MiSpecialist, Verifier, ComplianceOfficer] {
            assert!(!allows(&[r], true, ManageSearch), "{r:?}");
        }
        assert!(!allows(&[], true, ViewOwnAccount));
        // content governance: authors write and publish, reviewers review and withdraw, an
        // HCP does none of it
        assert!(allows(&[Author], true, AuthorContent) && !allows(&[Author], true, ReviewContent));
        assert!(allows(&[MlrReviewer], true, ReviewContent) && !allows(&[MlrReviewer], true, PublishContent));
        for a in [AuthorContent, ReviewContent, PublishContent, WithdrawContent, ViewGovernance] {
            assert!(!allows(&[Hcp], true, a), "{a:?}");
        }
        // inquiries: verified HCPs ask, MI specialists work the queue
        assert!(allows(&[Hcp], true, SubmitInquiry) && !allows(&[Hcp], false, SubmitInquiry));
        for a in [TriageInquiry, AnswerInquiry] {
            assert!(allows(&[MiSpecialist], true, a) && !allows(&[Hcp], true, a) && !allows(&[Author], true, a), "{a:?}");
        }
        // pharmacovigilance: PV officers only (not MI specialists, not HCPs)
        assert!(allows(&[PvOfficer], true, HandlePvCases) && PvOfficer.is_staff());
        for r in [Hcp, MiSpecialist, Author, ComplianceOfficer, Admin] {
            assert!(!allows(&[r], true, HandlePvCases), "{r:?}");
        }
        assert!(!allows(&[PvOfficer], true, TriageInquiry) && !allows(&[PvOfficer], true, ReadHcpContent));
        assert_eq!(Role::parse_list("verifier, hcp,bogus,hcp"), vec![Hcp, Verifier]);
        assert!(!Hcp.is_staff() && Admin.is_staff());
        // step-up: the roles whose decisions are signed
        assert!(allows(&[MlrReviewer], true, StepUp) && allows(&[ComplianceOfficer], true, StepUp));
        for r in [Hcp, Author, MiSpecialist, Verifier, Admin] {
            assert!(!allows(&[r], true, StepUp), "{r:?}");
        }
        // data-subject requests: compliance officers only
        for a in [ViewCompliance, HandleDataRequests] {
            assert!(allows(&[ComplianceOfficer], true, a), "{a:?}");
            for r in [Hcp, Author, MlrReviewer, MiSpecialist, Verifier, Admin] {
                assert!(!allows(&[r], true, a), "{r:?} {a:?}");
            }
        }
    }
}
