//! `npm install` in a build folder, and the few lines of its failure a person needs.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

/// An install that takes longer is stopped and the build fails.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);
/// At most this much of npm's error is kept.
const REASON_LIMIT: usize = 1500;

/// Runs `npm install` in `dir` with the shared `cache`. `--prefer-offline` lets a package already
/// in the cache install with no network; audit, fund and the update check would only add calls.
pub async fn install(dir: &Path, cache: &Path) -> Result<(), String> {
    let mut command = Command::new("npm");
    command
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--no-progress",
            "--loglevel=error",
            "--no-package-lock",
        ])
        .arg("--cache")
        .arg(cache)
        .env("npm_config_update_notifier", "false")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = match tokio::time::timeout(INSTALL_LIMIT, command.output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => return Err(format!("npm could not be started: {error}")),
        Err(_) => {
            return Err(format!(
                "npm install did not finish within {} s",
                INSTALL_LIMIT.as_secs()
            ));
        }
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = failure_reason(&stderr);
    Err(if reason.is_empty() {
        format!("npm install failed ({})", output.status)
    } else {
        reason
    })
}

/// npm's error lines without their `npm error` / `npm ERR!` prefix, the pointer to its debug log
/// and repeats, cut to [`REASON_LIMIT`].
pub fn failure_reason(stderr: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in stderr.lines() {
        let text = line
            .strip_prefix("npm error")
            .or_else(|| line.strip_prefix("npm ERR!"))
            .unwrap_or(line)
            .trim();
        let noise = text.is_empty()
            || text.starts_with("A complete log of this run")
            || text.starts_with("code ")
            || text.starts_with("npm warn");
        if noise {
            continue;
        }
        // `notarget No matching…`, `404 Not Found…`: the category word repeats what follows.
        let text = ["notarget ", "404 "]
            .iter()
            .find_map(|word| text.strip_prefix(word))
            .unwrap_or(text)
            .trim()
            .to_owned();
        if !lines.contains(&text) {
            lines.push(text);
        }
    }
    super::pump::clip(lines.join("\n"), REASON_LIMIT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_what_a_person_needs() {
        let stderr = "npm error code ETARGET\nnpm error notarget No matching version found for express@^99.\nnpm error notarget In most cases you or one of your dependencies are requesting a package version that doesn't exist.\nnpm error A complete log of this run can be found in: /root/.npm/_logs/x.log\n";
        assert_eq!(
            super::failure_reason(stderr),
            "No matching version found for express@^99.\nIn most cases you or one of your dependencies are requesting a package version that doesn't exist."
        );
    }
}
