//! Steps the scenarios share: data made and read straight through the emulator's API, waits on
//! the page, and files on disk. Each step checks what it did, so a scenario reads as its story.

use super::{Browser, Stack};
use fantoccini::Locator;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Setting up and reading back data through the emulator, each call checked.
impl Stack {
    /// A service whose unique and friendly names are both `name`; its SID.
    pub async fn service(&self, name: &str) -> String {
        self.create(
            "/v1/Services",
            &[("UniqueName", name), ("FriendlyName", name)],
        )
        .await
    }

    /// An environment whose unique name is also its domain suffix; its SID.
    pub async fn environment(&self, service: &str, name: &str) -> String {
        self.create(
            &format!("/v1/Services/{service}/Environments"),
            &[("UniqueName", name), ("DomainSuffix", name)],
        )
        .await
    }

    /// A function named `name` (no version yet); its SID.
    pub async fn function(&self, service: &str, name: &str) -> String {
        let functions = format!("/v1/Services/{service}/Functions");
        self.create(&functions, &[("FriendlyName", name)]).await
    }

    /// An asset named `name` (no version yet); its SID.
    pub async fn asset(&self, service: &str, name: &str) -> String {
        let assets = format!("/v1/Services/{service}/Assets");
        self.create(&assets, &[("FriendlyName", name)]).await
    }

    /// The SID of the build `environment` serves (`null` when it serves none).
    pub async fn live_build_sid(&self, service: &str, environment: &str) -> Value {
        let (_, env) = self
            .emulator_get(&format!(
                "/v1/Services/{service}/Environments/{environment}"
            ))
            .await;
        env["build_sid"].clone()
    }

    /// The build `environment` serves, as the API returns it.
    pub async fn live_build(&self, service: &str, environment: &str) -> Value {
        let sid = self.live_build_sid(service, environment).await;
        let sid = sid
            .as_str()
            .unwrap_or_else(|| panic!("{environment} serves no build"));
        self.emulator_get(&format!("/v1/Services/{service}/Builds/{sid}"))
            .await
            .1
    }

    /// Waits until `environment` serves `build` (or nothing, for `None`).
    pub async fn wait_for_live(&self, service: &str, environment: &str, build: Option<&str>) {
        let want = build.map_or(Value::Null, |b| Value::String(b.to_owned()));
        for _ in 0..100 {
            if self.live_build_sid(service, environment).await == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{environment} never served {want}");
    }

    /// An environment's variables as sorted (key, value) pairs.
    pub async fn variables_of(&self, service: &str, environment: &str) -> Vec<(String, String)> {
        let (_, list) = self
            .emulator_get(&format!(
                "/v1/Services/{service}/Environments/{environment}/Variables"
            ))
            .await;
        let text = |v: &Value, key: &str| {
            v[key]
                .as_str()
                .unwrap_or_else(|| panic!("no {key} in {v}"))
                .to_owned()
        };
        let mut pairs: Vec<(String, String)> = list["variables"]
            .as_array()
            .expect("variables")
            .iter()
            .map(|v| (text(v, "key"), text(v, "value")))
            .collect();
        pairs.sort();
        pairs
    }
}

/// Waits and choices on the page.
impl Browser {
    /// Waits (up to 15 s) until `css` shows text containing `part`.
    pub async fn wait_for_text_containing(&self, css: &str, part: &str) {
        let mut seen = String::new();
        for _ in 0..150 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(shown) = element.text().await
            {
                if shown.contains(part) {
                    return;
                }
                seen = shown;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{css} never showed {part:?} (it showed {seen:?}){}",
            self.panic_note().await
        );
    }

    /// Picks `value` in the select `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_for(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Deletes what the page shows through its danger zone, typing `name` to confirm.
    pub async fn delete_in_the_danger_zone(&self, name: &str) {
        self.click(".danger-zone button.danger").await;
        self.fill(".confirm-input", name).await;
        self.click(".confirm-button").await;
    }

    /// Whether the page itself is wider than the window.
    pub async fn scrolls_sideways(&self) -> bool {
        let script = "return document.documentElement.scrollWidth > \
                      document.documentElement.clientWidth;";
        self.script(script, vec![]).await == Value::Bool(true)
    }
}

/// A SID as the console's sentences shorten it: `ZB…7da798`.
pub fn short(sid: &str) -> String {
    format!("{}…{}", &sid[..2], &sid[sid.len() - 6..])
}

/// Copies the folder `from` (a fixture, the console build) to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
