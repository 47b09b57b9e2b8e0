//! The seat rule: a company pays for at least as many seats as it has active employees.

/// Outcome of checking a head count against paid seats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatDecision {
    /// Within the paid seats; go ahead.
    Allowed,
    /// Over the paid seats and the company opted into automatic raises: set the subscription
    /// quantity to this many seats (via `StripeClient::set_seat_quantity`) and go ahead.
    RaiseTo(u32),
    /// Over the paid seats without automatic raises; show `message` to the admin.
    Refused { message: String },
}

/// Decides whether `active_employees` fit in `paid_seats`.
///
/// `active_employees` is the head count *after* the change being checked (so pass
/// `current + 1` when activating one more employee). Lowering seats is never decided here:
/// shrinking a subscription is an admin's explicit choice.
pub fn seat_decision(active_employees: u32, paid_seats: u32, auto_raise: bool) -> SeatDecision {
    if active_employees <= paid_seats {
        return SeatDecision::Allowed;
    }
    if auto_raise && paid_seats > 0 {
        return SeatDecision::RaiseTo(active_employees);
    }
    let message = if paid_seats == 0 {
        "Your company has no paid seats yet. Start a subscription in Billing to add employees."
            .to_owned()
    } else {
        let missing = active_employees - paid_seats;
        format!(
            "Your plan covers {paid_seats} {}, and this would make {active_employees} active \
             employees. Add {missing} {} in Billing, turn on automatic seat increases, or \
             deactivate an employee first.",
            plural(paid_seats, "seat", "seats"),
            plural(missing, "seat", "seats"),
        )
    };
    SeatDecision::Refused { message }
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_seats_is_allowed() {
        assert_eq!(seat_decision(0, 0, false), SeatDecision::Allowed);
        assert_eq!(seat_decision(3, 5, false), SeatDecision::Allowed);
        assert_eq!(seat_decision(5, 5, false), SeatDecision::Allowed);
        assert_eq!(seat_decision(5, 5, true), SeatDecision::Allowed);
    }

    #[test]
    fn over_seats_with_auto_raise_raises_to_head_count() {
        assert_eq!(seat_decision(6, 5, true), SeatDecision::RaiseTo(6));
        assert_eq!(
            seat_decision(u32::MAX, 1, true),
            SeatDecision::RaiseTo(u32::MAX)
        );
    }

    #[test]
    fn over_seats_without_auto_raise_is_refused_with_a_message() {
        let SeatDecision::Refused { message } = seat_decision(7, 5, false) else {
            panic!("expected refusal");
        };
        assert!(message.contains("covers 5 seats"), "{message}");
        assert!(message.contains("7 active employees"), "{message}");
        assert!(message.contains("Add 2 seats"), "{message}");

        let SeatDecision::Refused { message } = seat_decision(2, 1, false) else {
            panic!("expected refusal");
        };
        assert!(message.contains("covers 1 seat,"), "{message}");
        assert!(message.contains("Add 1 seat "), "{message}");
    }

    #[test]
    fn no_subscription_cannot_auto_raise() {
        // Raising needs a subscription item; without one the admin must go through checkout.
        for auto in [true, false] {
            let SeatDecision::Refused { message } = seat_decision(1, 0, auto) else {
                panic!("expected refusal");
            };
            assert!(message.contains("no paid seats"), "{message}");
        }
    }
}
