//! The identity vocabulary stored as text: a person's verification status and the method of a
//! verification request. Stored as the same strings as always (see the schema); an unknown
//! stored value is an internal error, raised where rows are read.

use medportal_core::{Error, Result};

/// `users.verification_status`, and `verifications.status` (never `Unverified` there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationStatus {
    Unverified,
    Pending,
    Verified,
    Rejected,
}

impl VerificationStatus {
    const ALL: [VerificationStatus; 4] =
        [VerificationStatus::Unverified, VerificationStatus::Pending, VerificationStatus::Verified, VerificationStatus::Rejected];

    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            VerificationStatus::Unverified => "unverified",
            VerificationStatus::Pending => "pending",
            VerificationStatus::Verified => "verified",
            VerificationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Result<VerificationStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code).ok_or_else(|| Error::Internal(format!("unknown verification status {code:?}")))
    }
}

/// How a person asked to be verified (`verifications.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// US National Provider Identifier, checked against the NPPES registry.
    Npi,
    /// An external HCP-verification provider (OpenID Connect).
    Oidc,
    /// Uploaded evidence, decided by a verifier.
    Manual,
}

impl Method {
    const ALL: [Method; 3] = [Method::Npi, Method::Oidc, Method::Manual];

    /// The stored code (also the reason of the `verification.submitted` audit entry).
    pub const fn code(self) -> &'static str {
        match self {
            Method::Npi => "npi",
            Method::Oidc => "oidc",
            Method::Manual => "manual",
        }
    }

    pub fn parse(code: &str) -> Result<Method> {
        Self::ALL.into_iter().find(|m| m.code() == code).ok_or_else(|| Error::Internal(format!("unknown verification method {code:?}")))
    }

    /// Who decides automatic methods; a verifier (a person) decides manual ones.
    pub const fn system_actor(self) -> Option<&'static str> {
        match self {
            Method::Npi => Some("system:npi"),
            Method::Oidc => Some("system:oidc"),
            Method::Manual => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_internal_errors() {
        for s in VerificationStatus::ALL {
            assert_eq!(VerificationStatus::parse(s.code()).unwrap(), s);
        }
        for m in Method::ALL {
            assert_eq!(Method::parse(m.code()).unwrap(), m);
        }
        assert!(matches!(VerificationStatus::parse("maybe"), Err(Error::Internal(_))));
        assert!(matches!(Method::parse("evidence"), Err(Error::Internal(_))));
    }
}
