//! Durability: the real `switchboard emulator --data FILE` binary is SIGKILLed in the middle of a
//! bounded write load and started again on the same file; every write it acknowledged is there.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::process::{Child, Command};

const ACCOUNT: &str = "AC0000000000000000000000000000c0de";
const TOKEN: &str = "crash-test-token-0123456789abcdef";

/// Writers, and the most writes each may attempt: the load is bounded whatever happens.
const WRITERS: usize = 4;
const WRITES_PER_WRITER: usize = 150;
/// The kill comes once this many writes were acknowledged.
const KILL_AFTER: usize = 60;

fn free_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    listener.local_addr().expect("address")
}

fn spawn_emulator(data: &Path, address: SocketAddr) -> Child {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["emulator", "--listen", &address.to_string(), "--data"])
        .arg(data)
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("switchboard emulator starts")
}

async fn wait_until_listening(address: SocketAddr) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(address).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the emulator never listened on {address}");
}

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    fn new(address: SocketAddr) -> Api {
        Api {
            base: format!("http://{address}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("client"),
        }
    }

    async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Result<(u16, serde_json::Value)> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .basic_auth(ACCOUNT, Some(TOKEN))
            .form(form)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await?))
    }

    async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .basic_auth(ACCOUNT, Some(TOKEN))
            .send()
            .await
            .expect("the restarted emulator answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }
}

struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_a_sigkill() {
    let data = TempFile(
        std::env::temp_dir().join(format!("switchboard-crash-{}.sqlite", std::process::id())),
    );
    let address = free_address();
    let mut emulator = spawn_emulator(&data.0, address);
    wait_until_listening(address).await;
    let api = Arc::new(Api::new(address));

    let (status, service) = api
        .post(
            "/v1/Services",
            &[("UniqueName", "crash"), ("FriendlyName", "Crash")],
        )
        .await
        .expect("service");
    assert_eq!(status, 201, "{service}");
    let service = service["sid"].as_str().unwrap().to_owned();
    let (status, environment) = api
        .post(
            &format!("/v1/Services/{service}/Environments"),
            &[("UniqueName", "dev")],
        )
        .await
        .expect("environment");
    assert_eq!(status, 201, "{environment}");
    let variables = format!(
        "/v1/Services/{service}/Environments/{}/Variables",
        environment["sid"].as_str().unwrap()
    );

    // Each writer creates variables (and every fifth write a function) until its budget is
    // spent or the emulator stops answering; acknowledged writes are recorded as (path, key).
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (api, acknowledged, variables, service) = (
            api.clone(),
            acknowledged.clone(),
            variables.clone(),
            service.clone(),
        );
        writers.push(tokio::spawn(async move {
            for n in 0..WRITES_PER_WRITER {
                let key = format!("KEY_{writer}_{n}");
                let (list, form) = if n % 5 == 4 {
                    (
                        format!("/v1/Services/{service}/Functions"),
                        [("FriendlyName", key.as_str()), ("", "")],
                    )
                } else {
                    (variables.clone(), [("Key", key.as_str()), ("Value", "v")])
                };
                match api.post(&list, &form).await {
                    Ok((201, body)) => {
                        let sid = body["sid"].as_str().unwrap_or_default();
                        acknowledged
                            .lock()
                            .unwrap()
                            .push((format!("{list}/{sid}"), key));
                    }
                    Ok((status, body)) => panic!("write refused with {status}: {body}"),
                    Err(_) => return,
                }
            }
        }));
    }

    for _ in 0..400 {
        if acknowledged.lock().unwrap().len() >= KILL_AFTER {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    emulator.start_kill().expect("SIGKILL");
    emulator.wait().await.expect("the emulator is gone");
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= KILL_AFTER,
        "the kill came after {} acknowledged writes",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() < WRITERS * WRITES_PER_WRITER,
        "the kill came after the load had finished: nothing was tested"
    );

    let _restarted = spawn_emulator(&data.0, address);
    wait_until_listening(address).await;
    for (path, key) in &acknowledged {
        let (status, body) = api.get(path).await;
        assert_eq!(status, 200, "{path} was acknowledged but is gone: {body}");
        let name = body["key"].as_str().or(body["friendly_name"].as_str());
        assert_eq!(name, Some(key.as_str()), "{path}");
    }
    let (status, list) = api.get(&format!("{variables}?PageSize=1000")).await;
    assert_eq!(status, 200);
    let stored = list["variables"].as_array().map(Vec::len).unwrap_or(0);
    let acknowledged_variables = acknowledged
        .iter()
        .filter(|(p, _)| p.contains("/Variables/"))
        .count();
    assert!(
        stored >= acknowledged_variables,
        "{stored} < {acknowledged_variables}"
    );
}
