//! Tracing set-up. Access logs carry method, path, status and durations; never bodies or
//! credentials (see `app::AccessLog`).

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("switchboard=info,switchboard_emulator=info"));
    // Colours only for a person at a terminal: escape codes in a log file or journal are noise,
    // and rendering them is a measurable part of each access log line.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
