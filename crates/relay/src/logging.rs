//! Tracing set-up. Access logs carry method, path, status and durations; never bodies or
//! credentials (see `app::AccessLog`).

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

pub fn init(json: bool) -> std::io::Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("switchboard=info,switchboard_emulator=info"));
    // Colours only for a person at a terminal: escape codes in a log file or journal are noise,
    // and rendering them is a measurable part of each access log line.
    let builder = tracing_subscriber::fmt()
        .with_writer(stdout()?)
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

/// Log lines go to standard output with one unlocked `write` each. `std::io::Stdout` takes a lock
/// per line, which the relay's per-core workers contended for under load: a `futex` call on many
/// relayed calls, about 1 µs of CPU per call at 16 clients (issue 9). tracing formats a whole line
/// before it writes, and Linux keeps a `write` to a file, or of up to 4 KB to a pipe, in one
/// piece; access-log lines are far shorter, and a longer one could only interleave with another.
#[cfg(unix)]
fn stdout() -> std::io::Result<std::sync::Arc<std::fs::File>> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    Ok(std::sync::Arc::new(std::fs::File::from(fd)))
}

#[cfg(not(unix))]
fn stdout() -> std::io::Result<fn() -> std::io::Stdout> {
    Ok(std::io::stdout)
}
