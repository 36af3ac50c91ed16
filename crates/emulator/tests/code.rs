//! Functions, Assets, their Versions (multipart creation on the upload path) and Function
//! Version Content.

mod common;

use common::Server;
use reqwest::Method;

#[tokio::test]
async fn functions_can_be_created_listed_fetched_updated_and_deleted() {
    round_trip(Kind::FUNCTIONS, "/hello", "/hi").await;
}

#[tokio::test]
async fn assets_can_be_created_listed_fetched_updated_and_deleted() {
    round_trip(Kind::ASSETS, "style.css", "main.css").await;
}

/// Functions or Assets: their path segment, list key and versions link, and the other kind's
/// path segment.
struct Kind {
    plural: &'static str,
    key: &'static str,
    versions: &'static str,
    other: &'static str,
}

impl Kind {
    const FUNCTIONS: Kind = Kind {
        plural: "Functions",
        key: "functions",
        versions: "function_versions",
        other: "Assets",
    };
    const ASSETS: Kind = Kind {
        plural: "Assets",
        key: "assets",
        versions: "asset_versions",
        other: "Functions",
    };
}

/// One kind's create, list, fetch, update and delete, and what it refuses: a missing or too
/// long FriendlyName, its SID under the other kind (both are ZH), a second delete.
async fn round_trip(kind: Kind, name: &str, renamed: &str) {
    let server = Server::start().await;
    let service = server.service(kind.key).await;
    let path = format!("/v1/Services/{service}/{}", kind.plural);
    let created = server.post(&path, &[("FriendlyName", name)]).await;
    let sid = created.str("sid");
    assert!(sid.starts_with("ZH"));
    assert_eq!(
        created.ok(201)["links"][kind.versions],
        format!("{}{path}/{sid}/Versions", server.base)
    );
    assert_eq!(server.get(&path).await.ok(200)[kind.key][0]["sid"], sid);
    let item = format!("{path}/{sid}");
    assert_eq!(server.get(&item).await.ok(200)["friendly_name"], name);
    let updated = server.post(&item, &[("FriendlyName", renamed)]).await;
    assert_eq!(updated.ok(200)["friendly_name"], renamed);
    server.post(&item, &[]).await.error(400, 20001);
    server.post(&path, &[]).await.error(400, 20001);
    let too_long = "x".repeat(256);
    server
        .post(&path, &[("FriendlyName", &too_long)])
        .await
        .error(400, 20001);
    let other = format!("/v1/Services/{service}/{}/{sid}", kind.other);
    server.get(&other).await.error(404, 20404);
    server.delete(&item).await.ok(204);
    server.get(&item).await.error(404, 20404);
    server.delete(&item).await.error(404, 20404);
}

#[tokio::test]
async fn function_versions_keep_their_content() {
    let server = Server::start().await;
    let service = server.service("versions").await;
    let function = server.function(&service, "/hello").await;
    let path = format!("/v1/Services/{service}/Functions/{function}/Versions");
    let source = "exports.handler = (context, event, callback) => callback(null, 'hi');";
    let created = server
        .upload(&path, source.into(), "hello", "protected")
        .await;
    let sid = created.str("sid");
    assert_eq!(created.ok(201)["path"], "/hello");
    assert_eq!(created.body["visibility"], "protected");
    assert_eq!(created.body["function_sid"], function);
    assert_eq!(
        created.body["links"]["function_version_content"],
        format!("{}{path}/{sid}/Content", server.base)
    );
    assert_eq!(
        server.get(&path).await.ok(200)["function_versions"][0]["sid"],
        sid
    );
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["path"],
        "/hello"
    );
    let content = server.get(&format!("{path}/{sid}/Content")).await;
    assert_eq!(content.ok(200)["content"], source);
    assert_eq!(
        content.body["url"],
        format!("{}{path}/{sid}/Content", server.base)
    );
    server
        .get(&format!(
            "{path}/ZN00000000000000000000000000000000/Content"
        ))
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn asset_versions_are_listed_and_fetched() {
    let server = Server::start().await;
    let service = server.service("asset-versions").await;
    let asset = server.asset(&service, "data.json").await;
    let path = format!("/v1/Services/{service}/Assets/{asset}/Versions");
    let created = server
        .upload(&path, b"{\"a\":1}".to_vec(), "/data.json", "private")
        .await;
    let sid = created.str("sid");
    assert_eq!(created.ok(201)["asset_sid"], asset);
    assert_eq!(created.body["visibility"], "private");
    assert_eq!(
        server.get(&path).await.ok(200)["asset_versions"][0]["sid"],
        sid
    );
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["path"],
        "/data.json"
    );
    // There is no content download for assets.
    server
        .get(&format!("{path}/{sid}/Content"))
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn uploads_are_validated() {
    let server = Server::start().await;
    let service = server.service("uploads").await;
    let function = server.function(&service, "/f").await;
    let path = format!("/v1/Services/{service}/Functions/{function}/Versions");
    let long_path = "a".repeat(255);
    for (file_path, visibility) in [
        ("", "public"),
        ("/a b", "public"),
        ("/a;b", "public"),
        (long_path.as_str(), "public"),
        ("/ok", "secret"),
        ("/ok", ""),
    ] {
        server
            .upload(&path, b"x".to_vec(), file_path, visibility)
            .await
            .error(400, 20001);
    }
    let no_content = reqwest::multipart::Form::new()
        .text("Path", "/x")
        .text("Visibility", "public");
    let reply = server
        .send(
            Method::POST,
            &path,
            server.request(Method::POST, &path).multipart(no_content),
        )
        .await;
    assert_eq!(
        reply.error(400, 20001),
        "Missing required parameter Content in the post body"
    );
    let form_encoded = server.request(Method::POST, &path).form(&[("Path", "/x")]);
    server
        .send(Method::POST, &path, form_encoded)
        .await
        .error(400, 20001);
    let missing =
        format!("/v1/Services/{service}/Functions/ZH00000000000000000000000000000000/Versions");
    server
        .upload(&missing, b"x".to_vec(), "/x", "public")
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn uploads_over_the_size_limits_are_refused() {
    let server = Server::start().await;
    let service = server.service("big").await;
    let asset = server.asset(&service, "big.bin").await;
    let path = format!("/v1/Services/{service}/Assets/{asset}/Versions");
    let ten_mb = 10 * 1024 * 1024;
    server
        .upload(&path, vec![0; ten_mb], "/ten.bin", "private")
        .await
        .ok(201);
    let reply = server
        .upload(&path, vec![0; ten_mb + 1], "/private.bin", "private")
        .await;
    assert!(reply.error(400, 20001).contains("10 MB"));
    server
        .upload(&path, vec![0; ten_mb + 1], "/public.bin", "public")
        .await
        .ok(201);
    let reply = server
        .upload(&path, vec![0; 25 * 1024 * 1024 + 1], "/huge.bin", "public")
        .await;
    assert!(reply.error(400, 20001).contains("25 MB"));
}
