//! The team timesheet as everyone allowed to see it sees it (no CSRF token, no
//! role-dependent controls), so it can be cached.

use app::reports::{Period, Timesheet};

/// A team timesheet: the company, the period and the requested date (its table links
/// carry the date; the period follows from it and the company's calendar).
pub type TimesheetKey = (domain::CompanyId, Period, jiff::civil::Date);

/// What a team timesheet shows, the same for everyone who may see it: kept in the read
/// cache (see [`app::read_cache`]) and rendered per request with the viewer's own
/// navigation and CSRF token.
pub struct TeamView {
    pub sheet: Timesheet,
    pub label: String,
    /// The table's rows, rendered once: a thousand rows are most of the page's bytes.
    pub rows_html: String,
    pub hours_chart: String,
    pub score_chart: String,
    pub status_chart: String,
}
