use crate::auth::OptionalSession;
use crate::error::PageError;
use crate::pages::{render, Nav};
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    nav: Nav,
}

pub async fn get(OptionalSession(session): OptionalSession) -> Result<Response, PageError> {
    if session.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    Ok(render(&Home {
        nav: Nav::anonymous(),
    })?
    .into_response())
}
