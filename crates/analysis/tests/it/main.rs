#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests against wiremock fakes of the Anthropic Messages API and an
//! OpenAI-compatible chat-completions server, built from their documented wire formats.

mod backend;
mod claude;
mod eval;
mod minimisation;
mod openai;
mod support;
