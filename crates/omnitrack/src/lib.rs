//! The OmniTrack application: configuration, wiring and start-up. `main` parses the
//! command line and calls into here; tests build the very same [`Application`].

pub mod cli;
pub mod config;
pub mod demo;
pub mod eval_cmd;
pub mod smtp;
pub mod startup;
pub mod workers;

pub use config::{Config, ServeArgs};
pub use startup::Application;
