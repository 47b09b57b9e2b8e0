use domain::{CompanyId, KioskId, Role, UserId};

/// Proof that the caller acts inside one company. The constructor is private to this
/// crate, so the only way to get one is through authentication (or sign-up, or a job row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenant {
    company: CompanyId,
}

impl Tenant {
    pub(crate) fn new(company: CompanyId) -> Self {
        Self { company }
    }

    pub fn company_id(&self) -> CompanyId {
        self.company
    }
}

/// Who is calling, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant: Tenant,
    pub kind: PrincipalKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    User {
        user_id: UserId,
        email: String,
        role: Role,
    },
    /// An enrolled kiosk device or kiosk API token: may only use the clock endpoints.
    Kiosk { kiosk_id: KioskId },
}

impl Principal {
    pub fn user_id(&self) -> Option<UserId> {
        match &self.kind {
            PrincipalKind::User { user_id, .. } => Some(*user_id),
            PrincipalKind::Kiosk { .. } => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match &self.kind {
            PrincipalKind::User { role, .. } => Some(*role),
            PrincipalKind::Kiosk { .. } => None,
        }
    }
}
