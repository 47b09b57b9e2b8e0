//! Who is calling: the session cookie, bearer tokens, CSRF, and the guards of changing
//! routes. (Password hashing and token generation are in [`app::credentials`].)

pub mod bearer;
pub mod csrf;
mod guards;
pub mod session;

pub use bearer::ApiPrincipal;
pub use session::{OptionalSession, PageSession, SESSION_COOKIE};
