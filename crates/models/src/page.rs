//! List responses: `{"<key>": [...], "meta": {...}}`, where `meta.key` names the array.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageMeta {
    pub page: u32,
    pub page_size: u32,
    pub first_page_url: String,
    pub previous_page_url: Option<String>,
    pub next_page_url: Option<String>,
    pub url: String,
    pub key: String,
}

/// One page of a list, whatever its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub meta: PageMeta,
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(&self.meta.key, &self.items)?;
        map.serialize_entry("meta", &self.meta)?;
        map.end()
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = serde_json::Map::deserialize(deserializer)?;
        let meta: PageMeta = object
            .remove("meta")
            .map(serde_json::from_value)
            .transpose()
            .map_err(D::Error::custom)?
            .ok_or_else(|| D::Error::missing_field("meta"))?;
        let items = match object.remove(&meta.key) {
            Some(list) => serde_json::from_value(list).map_err(D::Error::custom)?,
            None => {
                return Err(D::Error::custom(format!(
                    "list key `{}` is missing",
                    meta.key
                )));
            }
        };
        Ok(Page { items, meta })
    }
}

impl PageMeta {
    /// The page token of the next page, taken from `next_page_url`, so that a client can ask its
    /// own origin for the next page instead of following Twilio's absolute URL.
    pub fn next_page_token(&self) -> Option<String> {
        self.next_page_url
            .as_deref()
            .and_then(|url| query_param(url, "PageToken"))
    }

    /// The page index of the next page, as Twilio writes it into `next_page_url`.
    pub fn next_page_index(&self) -> Option<u32> {
        self.next_page_url
            .as_deref()
            .and_then(|url| query_param(url, "Page"))
            .and_then(|page| page.parse().ok())
    }
}

/// Reads one query parameter from a URL, decoding `%XX` and `+`.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Service;

    #[test]
    fn pages_round_trip_under_their_key() {
        let json = r#"{"services":[{"sid":"ZS1","unique_name":"a"}],"meta":{"page":0,"page_size":50,"first_page_url":"u","previous_page_url":null,"next_page_url":"https://x/v1/Services?PageSize=50&Page=1&PageToken=PAZS1","url":"u","key":"services"}}"#;
        let page: Page<Service> = serde_json::from_str(json).unwrap();
        assert_eq!(page.items[0].sid, "ZS1");
        assert_eq!(page.meta.next_page_token().as_deref(), Some("PAZS1"));
        assert_eq!(page.meta.next_page_index(), Some(1));
        let back = serde_json::to_value(&page).unwrap();
        assert_eq!(back["services"][0]["sid"], "ZS1");
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(
            query_param("/x?StartDate=2018-11-10T20%3A00%3A00Z&a=b+c", "StartDate").as_deref(),
            Some("2018-11-10T20:00:00Z")
        );
        assert_eq!(query_param("/x?a=b+c", "a").as_deref(), Some("b c"));
        assert_eq!(query_param("/x?a=%zz", "a").as_deref(), Some("%zz"));
        assert_eq!(query_param("/x?a=%4", "a").as_deref(), Some("%4"));
        assert_eq!(query_param("/x", "a"), None);
    }
}
