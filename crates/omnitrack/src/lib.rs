//! The OmniTrack application: configuration, wiring and start-up. `main` parses the
//! command line and calls into here; tests build the very same [`Application`].

pub mod config;
pub mod startup;

pub use config::{Config, ServeArgs};
pub use startup::Application;
