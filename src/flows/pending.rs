//! What a project deploy keeps in localStorage: the versions an unfinished deploy uploaded (so
//! the next plan reuses them and an interrupted deploy loses nothing), and the hash of every
//! asset version the console uploaded (Twilio does not say what an asset holds).

use crate::project::plan::Uploaded;
use std::collections::BTreeMap;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn pending_key(service: &str) -> String {
    format!("switchboard-pending-deploy:{service}")
}

/// A stored record, or none when it is missing or unreadable (written by another version of
/// the console, or by hand): the deploy then uploads afresh.
fn decode(json: Option<String>) -> BTreeMap<String, Uploaded> {
    json.and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Versions uploaded by this service's unfinished deploy, by `plan::key`.
pub fn pending(service: &str) -> BTreeMap<String, Uploaded> {
    decode(storage().and_then(|s| s.get_item(&pending_key(service)).ok()?))
}

pub(super) fn add_pending(service: &str, key: String, uploaded: Uploaded) {
    let mut record = pending(service);
    record.insert(key, uploaded);
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&record)) {
        let _ = s.set_item(&pending_key(service), &json);
    }
}

pub(super) fn clear_pending(service: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&pending_key(service));
    }
}

/// The SHA-256 the console recorded when it uploaded asset version `sid`.
pub fn asset_hash(sid: &str) -> Option<String> {
    storage()?
        .get_item(&format!("switchboard-asset-hash:{sid}"))
        .ok()?
}

pub(super) fn record_asset_hash(sid: &str, hash: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("switchboard-asset-hash:{sid}"), hash);
    }
}

#[cfg(test)]
mod tests {
    use super::decode;
    use crate::project::plan::Uploaded;
    use std::collections::BTreeMap;
    use switchboard_models::Visibility;

    #[test]
    fn a_record_reads_back_and_an_unreadable_one_counts_as_none() {
        let record = BTreeMap::from([(
            "function:/hello".to_owned(),
            Uploaded {
                sid: "ZN1".into(),
                hash: "ab12".into(),
                visibility: Visibility::Protected,
            },
        )]);
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(decode(Some(json)), record);
        assert!(decode(Some("{\"function:/hello\": 3}".into())).is_empty());
        assert!(decode(Some("not json".into())).is_empty());
        assert!(decode(None).is_empty());
    }
}
