//! The emulator's API called directly (HTTP Basic, no relay), to set up what a measurement needs.

use crate::load::{self, MakeRequest, Stats};
use crate::procs::{ACCOUNT, Proc, TOKEN};
use anyhow::Context;
use std::sync::Arc;

/// The boundary of [`version_upload`]'s body, for its `Content-Type`.
pub const UPLOAD_TYPE: &str = "multipart/form-data; boundary=switchboard-bench-boundary";

/// A public function version's upload body, as the console sends it: `Path`, `Visibility`,
/// then `Content`.
pub fn version_upload(path: &str, content: &[u8]) -> Vec<u8> {
    let boundary = "switchboard-bench-boundary";
    let file = path.trim_start_matches('/');
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n{path}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\npublic\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"{file}\"\r\n\
         Content-Type: application/javascript\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// HTTP Basic calls straight to an emulator, to set up data.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(emulator: &Proc) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: emulator.url(""),
        }
    }

    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<serde_json::Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .basic_auth(ACCOUNT, Some(TOKEN))
            .form(form)
            .send()
            .await?;
        let status = response.status();
        let body: serde_json::Value = response.json().await?;
        anyhow::ensure!(status.is_success(), "POST {path}: {status} {body}");
        Ok(body)
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<serde_json::Value> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .basic_auth(ACCOUNT, Some(TOKEN))
            .send()
            .await?;
        Ok(response.error_for_status()?.json().await?)
    }

    pub async fn sid(&self, path: &str, form: &[(&str, &str)]) -> anyhow::Result<String> {
        let body = self.post(path, form).await?;
        body["sid"].as_str().map(str::to_owned).context("no sid")
    }

    /// A service named `unique_name` (and `friendly_name`); its SID.
    pub async fn service(&self, unique_name: &str, friendly_name: &str) -> anyhow::Result<String> {
        let form = [("UniqueName", unique_name), ("FriendlyName", friendly_name)];
        self.sid("/v1/Services", &form).await
    }

    /// One version (`/fn-00001` and so on) of each of `functions`, uploaded by 8 clients at once.
    pub async fn one_version_each(&self, service: &str, functions: &[String]) -> Stats {
        let total = functions.len();
        let (base, service) = (self.base.clone(), service.to_owned());
        let functions = Arc::new(functions.to_vec());
        let make: MakeRequest = Arc::new(move |client, i| {
            let content = reqwest::multipart::Part::bytes(
                b"exports.handler = (c, e, cb) => cb(null, 'hi');".to_vec(),
            )
            .file_name("fn.js");
            let form = reqwest::multipart::Form::new()
                .text("Path", format!("/fn-{i:05}"))
                .text("Visibility", "public")
                .part("Content", content);
            client
                .post(format!(
                    "{base}/v1/Services/{service}/Functions/{}/Versions",
                    functions[i]
                ))
                .basic_auth(ACCOUNT, Some(TOKEN))
                .multipart(form)
        });
        load::run(&self.http, total, 8, make).await
    }

    /// `n` functions in `service`, created by 8 clients at once; returns the load's stats and SIDs.
    pub async fn functions(&self, service: &str, n: usize) -> (Stats, Vec<String>) {
        let url = format!("{}/v1/Services/{service}/Functions", self.base);
        let make: MakeRequest = Arc::new(move |client, i| {
            client
                .post(&url)
                .basic_auth(ACCOUNT, Some(TOKEN))
                .form(&[("FriendlyName", format!("fn-{i:05}"))])
        });
        let stats = load::run(&self.http, n, 8, make).await;
        let mut sids = Vec::new();
        let mut page = format!("/v1/Services/{service}/Functions?PageSize=1000");
        while let Ok(list) = self.get(&page).await {
            sids.extend(
                list["functions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f["sid"].as_str().map(str::to_owned)),
            );
            match list["meta"]["next_page_url"]
                .as_str()
                .and_then(|u| u.split_once("/v1/"))
            {
                Some((_, rest)) => page = format!("/v1/{rest}"),
                None => break,
            }
        }
        (stats, sids)
    }
}
