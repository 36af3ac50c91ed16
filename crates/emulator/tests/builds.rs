//! ListBuild, CreateBuild, FetchBuild, DeleteBuild, FetchBuildStatus, the build lifecycle and
//! its failure rule, and the limits of a build.

mod common;

use common::Server;
use serde_json::json;

#[tokio::test]
async fn a_build_completes_and_embeds_its_versions() {
    let server = Server::start().await;
    let service = server.service("builder").await;
    let (function, version) = server
        .function_version(&service, "/hello", "exports.handler = () => {};")
        .await;
    let asset = server.asset(&service, "style.css").await;
    let asset_version = server
        .upload(
            &format!("/v1/Services/{service}/Assets/{asset}/Versions"),
            b"body{}".to_vec(),
            "/style.css",
            "public",
        )
        .await
        .str("sid");
    let path = format!("/v1/Services/{service}/Builds");
    // The serverless toolkit's encoding: Dependencies in one extra pair of unescaped quotes.
    let created = server
        .post(
            &path,
            &[
                (
                    "Dependencies",
                    r#""[{"name":"lodash","version":"4.17.21"}]""#,
                ),
                ("FunctionVersions", &version),
                ("AssetVersions", &asset_version),
            ],
        )
        .await;
    let sid = created.str("sid");
    assert_eq!(created.ok(201)["status"], "building");
    assert_eq!(created.body["runtime"], "node22");
    assert_eq!(
        created.body["dependencies"],
        json!([{"name": "lodash", "version": "4.17.21"}])
    );
    let embedded = &created.body["function_versions"][0];
    assert_eq!(embedded["sid"], version);
    assert_eq!(embedded["function_sid"], function);
    assert_eq!(embedded["visibility"], "PUBLIC");
    assert_eq!(embedded["path"], "/hello");
    assert_eq!(created.body["asset_versions"][0]["asset_sid"], asset);
    assert_eq!(
        created.body["links"]["build_status"],
        format!("{}{path}/{sid}/Status", server.base)
    );

    let status = server.get(&format!("{path}/{sid}/Status")).await;
    assert_eq!(status.ok(200)["status"], "building");
    let finished = server
        .finished_build(
            &service,
            &[("FunctionVersions", &version), ("Runtime", "node20")],
        )
        .await;
    assert_eq!(finished["status"], "completed");
    assert_eq!(finished["runtime"], "node20");
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["status"],
        "completed"
    );
    assert_eq!(
        server.get(&path).await.ok(200)["builds"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    server.delete(&format!("{path}/{sid}")).await.ok(204);
    server.get(&format!("{path}/{sid}")).await.error(404, 20404);
    server
        .get(&format!("{path}/{sid}/Status"))
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn a_dependency_npm_cannot_resolve_fails_the_build() {
    let server = Server::start().await;
    let service = server.service("failing").await;
    let (_, version) = server.function_version(&service, "/f", "x").await;
    let failing =
        r#"[{"name":"twilio","version":"^5.0.0"},{"name":"broken","version":"not-a-version"}]"#;
    let build = server
        .finished_build(
            &service,
            &[("FunctionVersions", &version), ("Dependencies", failing)],
        )
        .await;
    assert_eq!(build["status"], "failed");
    let passing = r#"[{"name":"a","version":"~1.2"},{"name":"b","version":"*"},{"name":"c","version":"latest"}]"#;
    let build = server
        .finished_build(
            &service,
            &[("FunctionVersions", &version), ("Dependencies", passing)],
        )
        .await;
    assert_eq!(build["status"], "completed");
}

#[tokio::test]
async fn create_build_validates_its_fields() {
    let server = Server::start().await;
    let service = server.service("strict-builds").await;
    let (_, version) = server.function_version(&service, "/f", "x").await;
    let asset = server.asset(&service, "a").await;
    let path = format!("/v1/Services/{service}/Builds");
    let none = server.post(&path, &[("Runtime", "node22")]).await;
    assert_eq!(
        none.error(400, 20001),
        "At least one Function Version or Asset Version is required for Build."
    );
    server
        .post(
            &path,
            &[("FunctionVersions", &version), ("Runtime", "node6")],
        )
        .await
        .error(400, 20001);
    server
        .post(
            &path,
            &[("FunctionVersions", &version), ("Dependencies", "lodash@4")],
        )
        .await
        .error(400, 20001);
    server
        .post(
            &path,
            &[("FunctionVersions", "ZN00000000000000000000000000000000")],
        )
        .await
        .error(400, 20001);
    // A function version is not an asset version.
    server
        .post(&path, &[("AssetVersions", &version)])
        .await
        .error(400, 20001);
    let other = server.service("other").await;
    server
        .post(
            &format!("/v1/Services/{other}/Builds"),
            &[("FunctionVersions", &version)],
        )
        .await
        .error(400, 20001);
    server
        .get(&format!("/v1/Services/{service}/Assets/{asset}"))
        .await
        .ok(200);
}

#[tokio::test]
async fn a_build_holds_at_most_fifty_function_versions_and_fifty_private_assets() {
    let server = Server::start().await;
    let service = server.service("big-build").await;
    let function = server.function(&service, "/f").await;
    let asset = server.asset(&service, "/a").await;
    let mut functions = Vec::new();
    let mut privates = Vec::new();
    for n in 0..51 {
        let versions = format!("/v1/Services/{service}/Functions/{function}/Versions");
        functions.push(
            server
                .upload(&versions, b"x".to_vec(), &format!("/f{n}"), "public")
                .await
                .str("sid"),
        );
        let versions = format!("/v1/Services/{service}/Assets/{asset}/Versions");
        privates.push(
            server
                .upload(&versions, b"x".to_vec(), &format!("/a{n}"), "private")
                .await
                .str("sid"),
        );
    }
    let path = format!("/v1/Services/{service}/Builds");
    refused_above(
        &server,
        &path,
        "FunctionVersions",
        &functions,
        50,
        "50 Function Versions",
    )
    .await;
    refused_above(
        &server,
        &path,
        "AssetVersions",
        &privates,
        50,
        "50 private Asset Versions",
    )
    .await;
}

/// A build with one version more than `max` under `key` is refused with `message`; `max` pass.
async fn refused_above(
    server: &Server,
    path: &str,
    key: &str,
    sids: &[String],
    max: usize,
    message: &str,
) {
    let form: Vec<(&str, &str)> = sids.iter().map(|sid| (key, sid.as_str())).collect();
    assert_eq!(form.len(), max + 1, "the test needs one version too many");
    assert!(
        server
            .post(path, &form)
            .await
            .error(400, 20001)
            .contains(message)
    );
    server.post(path, &form[..max]).await.ok(201);
}

#[tokio::test]
async fn a_build_holds_at_most_a_thousand_public_asset_versions() {
    let server = Server::start().await;
    let service = server.service("many-assets").await;
    let asset = server.asset(&service, "/a").await;
    let versions = format!("/v1/Services/{service}/Assets/{asset}/Versions");
    let mut sids = Vec::new();
    for n in 0..1001 {
        sids.push(
            server
                .upload(&versions, b"x".to_vec(), &format!("/a{n}"), "protected")
                .await
                .str("sid"),
        );
    }
    let path = format!("/v1/Services/{service}/Builds");
    refused_above(
        &server,
        &path,
        "AssetVersions",
        &sids,
        1000,
        "1000 public and protected",
    )
    .await;
}

#[tokio::test]
async fn an_account_creates_at_most_a_hundred_builds_an_hour() {
    let server = Server::start().await;
    let service = server.service("busy").await;
    let (_, version) = server.function_version(&service, "/f", "x").await;
    let path = format!("/v1/Services/{service}/Builds");
    for _ in 0..100 {
        let sid = server
            .post(&path, &[("FunctionVersions", &version)])
            .await
            .str("sid");
        // Deleting builds does not give the hour's quota back.
        server.delete(&format!("{path}/{sid}")).await.ok(204);
    }
    let reply = server.post(&path, &[("FunctionVersions", &version)]).await;
    assert_eq!(reply.error(429, 20429), "Too many requests");
    assert!(
        reply.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("100"))
    );
}
