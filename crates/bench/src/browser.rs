//! Headless Chromium through ChromeDriver, with the browser tests' flags, a fresh profile per
//! session, and `pageLoadStrategy: none` so that timing starts before the page has loaded.
//! Times are read inside the page: `performance.now()` counts from the navigation's start.

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Chrome {
    driver: Child,
    url: String,
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub struct Session {
    pub client: Client,
    profile: PathBuf,
}

impl Session {
    pub async fn close(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// When a condition first held in the page.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// Milliseconds since the navigation started.
    pub since_navigation_ms: f64,
    /// Wall-clock milliseconds since the Unix epoch.
    pub epoch_ms: f64,
    /// The condition already held when the observer started, so the time is an upper bound.
    pub already: bool,
}

impl Chrome {
    pub fn start() -> anyhow::Result<Chrome> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = crate::procs::free_address()?.port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("chromedriver (apt-get install chromium-driver)")?;
        Ok(Chrome {
            driver,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    pub async fn session(&self) -> anyhow::Result<Session> {
        let profile = std::env::temp_dir().join(format!(
            "switchboard-bench-chromium-{}-{}",
            std::process::id(),
            crate::procs::free_address()?.port()
        ));
        std::fs::create_dir_all(&profile)?;
        let capabilities = serde_json::json!({
            "pageLoadStrategy": "none",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::rustls()?
                .capabilities(capabilities.clone())
                .connect(&self.url)
                .await
            {
                Ok(client) => return Ok(Session { client, profile }),
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("no Chromium session: {last_error:?}")
    }
}

/// The part of an async script that calls its `done` once `condition` holds, with when (and
/// whether it held `already`), watching every DOM change with a MutationObserver.
fn until_script(condition: &str) -> String {
    format!(
        r#"const check = () => {{ try {{ return !!({condition}); }} catch (e) {{ return false; }} }};
        const seen = (already) => ({{ at: performance.now(), epoch: performance.timeOrigin + performance.now(), already }});
        if (check()) {{ done(seen(true)); return; }}
        let finished = false;
        const observer = new MutationObserver(() => {{
            if (!finished && check()) {{ finished = true; observer.disconnect(); done(seen(false)); }}
        }});
        observer.observe(document, {{ subtree: true, childList: true, attributes: true, characterData: true }});"#
    )
}

/// Navigates to `url` and waits (up to 60 s) for the JavaScript expression `condition` to hold,
/// watching every DOM change with a MutationObserver from the moment the new document exists.
pub async fn time_until(session: &Session, url: &str, condition: &str) -> anyhow::Result<Seen> {
    session.client.goto(url).await?;
    let script = format!(
        r#"const [prefix, done] = [arguments[0], arguments[arguments.length - 1]];
        if (!location.href.startsWith(prefix)) {{ done(null); return; }}
        {}"#,
        until_script(condition)
    );
    for _ in 0..600 {
        let answer = session
            .client
            .execute_async(&script, vec![serde_json::json!(url)])
            .await;
        match answer {
            Ok(serde_json::Value::Object(seen)) => {
                return Ok(Seen {
                    since_navigation_ms: seen["at"].as_f64().unwrap_or(f64::NAN),
                    epoch_ms: seen["epoch"].as_f64().unwrap_or(f64::NAN),
                    already: seen["already"].as_bool().unwrap_or(true),
                });
            }
            // Still the previous document, or it was replaced while the script waited.
            Ok(_) | Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    bail!("{condition} never held at {url}")
}

/// Lets the page's scripts run for 60 s: WebDriver's default script timeout is 30 s, and the
/// fill once took longer.
async fn allow_a_minute(session: &Session) -> anyhow::Result<()> {
    let timeouts =
        fantoccini::wd::TimeoutConfiguration::new(Some(Duration::from_secs(60)), None, None);
    Ok(session.client.update_timeouts(timeouts).await?)
}

/// Waits (up to 60 s) for `condition` to hold on the page already open, watching DOM changes,
/// timed from that page's navigation start.
pub async fn time_on_page(session: &Session, condition: &str) -> anyhow::Result<Seen> {
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
        {}"#,
        until_script(condition)
    );
    allow_a_minute(session).await?;
    let answer = session.client.execute_async(&script, Vec::new()).await?;
    let serde_json::Value::Object(seen) = answer else {
        bail!("{condition} never held");
    };
    Ok(Seen {
        since_navigation_ms: seen["at"].as_f64().unwrap_or(f64::NAN),
        epoch_ms: seen["epoch"].as_f64().unwrap_or(f64::NAN),
        already: seen["already"].as_bool().unwrap_or(true),
    })
}

/// When each of several conditions first held after a click, in milliseconds since it.
#[derive(Debug, Clone)]
pub struct AfterClick {
    /// When the click was made, in milliseconds since the page's navigation started.
    pub clicked_since_navigation_ms: f64,
    /// For each condition, in the order given.
    pub held_ms: Vec<f64>,
}

/// Clicks the element `button` from inside the page, its clock read just before, and waits (up
/// to 60 s) until every one of `conditions` has held once, watching every DOM change; ends early
/// with an error once `failure` holds (a JavaScript expression giving the reason as a string).
pub async fn time_after_click(
    session: &Session,
    button: &str,
    conditions: &[&str],
    failure: &str,
) -> anyhow::Result<AfterClick> {
    let checks = conditions
        .iter()
        .map(|c| format!("() => {{ try {{ return !!({c}); }} catch (e) {{ return false; }} }}"))
        .collect::<Vec<_>>()
        .join(", ");
    let script = format!(
        r#"const [button, done] = [arguments[0], arguments[arguments.length - 1]];
        const checks = [{checks}];
        const failed = () => {{ try {{ return {failure}; }} catch (e) {{ return null; }} }};
        const held = checks.map(() => null);
        let clicked = 0, finished = false;
        const look = () => {{
            if (finished) return;
            const now = performance.now();
            checks.forEach((check, i) => {{ if (held[i] === null && check()) held[i] = now - clicked; }});
            const reason = failed();
            if (reason || held.every(at => at !== null)) {{
                finished = true;
                observer.disconnect();
                done({{ clicked, held, reason }});
            }}
        }};
        const observer = new MutationObserver(look);
        observer.observe(document, {{ subtree: true, childList: true, attributes: true, characterData: true }});
        clicked = performance.now();
        document.querySelector(button).click();
        look();"#
    );
    allow_a_minute(session).await?;
    let answer = session
        .client
        .execute_async(&script, vec![serde_json::json!(button)])
        .await
        .with_context(|| format!("nothing held within 60 s of clicking {button}"))?;
    if let Some(reason) = answer["reason"].as_str() {
        bail!("after clicking {button}: {reason}");
    }
    let held_ms = answer["held"]
        .as_array()
        .context("no times")?
        .iter()
        .map(|at| at.as_f64().unwrap_or(f64::NAN))
        .collect();
    Ok(AfterClick {
        clicked_since_navigation_ms: answer["clicked"].as_f64().unwrap_or(f64::NAN),
        held_ms,
    })
}

/// The URL paths of every file the page has fetched so far (Resource Timing), the document
/// included.
pub async fn fetched_paths(session: &Session) -> anyhow::Result<Vec<String>> {
    let script = "return [location.pathname, ...performance.getEntriesByType('resource')\
                  .map(e => new URL(e.name).pathname)];";
    let paths = session.client.execute(script, Vec::new()).await?;
    Ok(serde_json::from_value(paths)?)
}

/// The `q` quantile of timings read in the page (nearest rank; NaN when there are none).
pub fn browser_ms(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
