use serde::{Deserialize, Serialize};

/// What a company member may do. Ordered: a higher role can do everything a lower one can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Manages employees, tasks, kiosks and shifts.
    Supervisor,
    /// Everything, plus people, billing and the account itself.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Supervisor => "supervisor",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::ValidationError> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "supervisor" => Ok(Role::Supervisor),
            "owner" => Ok(Role::Owner),
            _ => Err(crate::ValidationError::new(
                "role",
                "must be one of owner, supervisor, viewer",
            )),
        }
    }

    /// True when this role includes `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Owner.allows(Role::Supervisor));
        assert!(Role::Supervisor.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Supervisor));
        assert!(!Role::Supervisor.allows(Role::Owner));
    }

    #[test]
    fn parse_round_trips() {
        for r in [Role::Viewer, Role::Supervisor, Role::Owner] {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("admin").is_err());
    }
}
