//! The privacy policy and terms, linked from every page's footer.

use crate::error::PageError;
use crate::pages::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;

#[derive(Template)]
#[template(path = "privacy.html")]
struct Privacy {
    nav: Nav,
    /// The operator's configured address (`OMNITRACK_PRIVACY_CONTACT`).
    contact: String,
}

#[derive(Template)]
#[template(path = "terms.html")]
struct Terms {
    nav: Nav,
}

pub async fn privacy(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    render(&Privacy {
        nav: Nav::anonymous(),
        contact: state.config.privacy_contact.as_str().to_string(),
    })
}

pub async fn terms() -> Result<Html<String>, PageError> {
    render(&Terms {
        nav: Nav::anonymous(),
    })
}
