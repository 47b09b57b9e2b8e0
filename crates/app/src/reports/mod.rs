//! What supervisors read: the live board, timesheets, and the figures behind charts. Pure
//! assembly over store reads; pages and the JSON API render the same structs.

mod analyses;
pub mod board;
mod calendar;
mod history;
mod timesheet;

pub use analyses::*;
pub use board::*;
pub use calendar::*;
pub use history::*;
pub use timesheet::*;
