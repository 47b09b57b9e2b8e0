pub const MODEL: &str = "local-rules-v1";
