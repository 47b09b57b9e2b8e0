//! The privacy policy and terms, linked from every page's footer.

use crate::error::PageError;
use crate::pages::{render, Nav};
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "privacy.html")]
struct Privacy {
    nav: Nav,
}

#[derive(Template)]
#[template(path = "terms.html")]
struct Terms {
    nav: Nav,
}

pub async fn privacy() -> Result<Html<String>, PageError> {
    render(&Privacy {
        nav: Nav::anonymous(),
    })
}

pub async fn terms() -> Result<Html<String>, PageError> {
    render(&Terms {
        nav: Nav::anonymous(),
    })
}
