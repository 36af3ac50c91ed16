//! The schema check itself: it must catch what it exists to catch.

mod common;

use serde_json::json;

#[test]
fn the_strict_schema_catches_missing_and_extra_fields() {
    let schema = common::strict(
        &json!({"$ref": "#/components/schemas/serverless.v1.service.build.build_status"}),
    );
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let good = json!({"sid": format!("ZB{}", "0".repeat(32)), "account_sid": null, "service_sid": null, "status": "building", "url": "http://x/y"});
    assert!(validator.is_valid(&good));
    let mut missing = good.clone();
    missing.as_object_mut().map(|o| o.remove("url"));
    assert!(!validator.is_valid(&missing));
    let mut extra = good.clone();
    extra["urls"] = json!("http://x/y");
    assert!(!validator.is_valid(&extra));
    let mut bad_enum = good;
    bad_enum["status"] = json!("done");
    assert!(!validator.is_valid(&bad_enum));
}
