//! Who is calling: passwords, random tokens, the session cookie, bearer tokens, CSRF.

pub mod bearer;
pub mod csrf;
pub mod password;
pub mod session;
pub mod token;

pub use bearer::ApiPrincipal;
pub use session::{OptionalSession, PageSession, SESSION_COOKIE};
