//! What the Test panel remembers of a function: its saved test events (named, in localStorage,
//! shared by the tabs and kept across sessions, like Lambda's) and the draft of what was typed
//! (in the tab's sessionStorage, like the editor's draft), and the two examples it offers, with
//! the parameter names Twilio's webhooks send.
//!
//! A saved event holds parameters and headers only: the relay adds the signature, and headers
//! or parameters named like credentials are left out, since localStorage outlives the session
//! and is readable by anything that runs on the console's origin.

use serde::{Deserialize, Serialize};

/// How a test request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Parameters in the query string.
    #[default]
    Get,
    /// `application/x-www-form-urlencoded`, as Twilio's webhooks send.
    Form,
    /// A JSON body.
    Json,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Get, Method::Form, Method::Json];

    /// The HTTP method on the wire.
    pub fn wire(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Form | Method::Json => "POST",
        }
    }

    /// The value of its option in the panel's select.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Form => "form",
            Method::Json => "json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Form => "POST form",
            Method::Json => "POST JSON",
        }
    }

    pub fn from_key(key: &str) -> Method {
        Method::ALL
            .into_iter()
            .find(|method| method.key() == key)
            .unwrap_or_default()
    }
}

/// What the panel sends: the draft, a saved event or an example.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestRequest {
    pub method: Method,
    pub params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// The body when `method` is `Json`.
    pub json: String,
}

impl TestRequest {
    /// Rows with no name are the empty rows the form keeps for typing; they are not sent.
    pub fn filled(pairs: &[(String, String)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .filter(|(name, _)| !name.trim().is_empty())
            .map(|(name, value)| (name.trim().to_owned(), value.clone()))
            .collect()
    }
}

/// A named test event of one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedEvent {
    pub name: String,
    pub request: TestRequest,
}

/// The examples the panel offers, with the parameters Twilio documents for the webhook of an
/// incoming message (Messaging, "Twilio's request to your application") and of an incoming
/// call (Voice, "Twilio's request to your application"). The SIDs and numbers are made up
/// (555-01xx numbers are reserved for fiction).
pub fn examples() -> Vec<SavedEvent> {
    // Where the numbers are, as Twilio adds to both webhooks, after each one's own parameters.
    const PLACES: [(&str, &str); 9] = [
        ("ApiVersion", "2010-04-01"),
        ("FromCity", "SAN FRANCISCO"),
        ("FromState", "CA"),
        ("FromZip", "94103"),
        ("FromCountry", "US"),
        ("ToCity", "OAKLAND"),
        ("ToState", "CA"),
        ("ToZip", "94612"),
        ("ToCountry", "US"),
    ];
    let form = |pairs: &[(&str, &str)]| TestRequest {
        method: Method::Form,
        params: pairs
            .iter()
            .chain(&PLACES)
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        ..TestRequest::default()
    };
    vec![
        SavedEvent {
            name: "Incoming SMS".into(),
            request: form(&[
                ("MessageSid", "SM00000000000000000000000000000001"),
                ("SmsSid", "SM00000000000000000000000000000001"),
                ("SmsMessageSid", "SM00000000000000000000000000000001"),
                ("AccountSid", "AC00000000000000000000000000000000"),
                ("MessagingServiceSid", "MG00000000000000000000000000000000"),
                ("From", "+15555550100"),
                ("To", "+15555550199"),
                ("Body", "Hello"),
                ("NumMedia", "0"),
                ("NumSegments", "1"),
                ("SmsStatus", "received"),
            ]),
        },
        SavedEvent {
            name: "Incoming voice call".into(),
            request: form(&[
                ("CallSid", "CA00000000000000000000000000000001"),
                ("AccountSid", "AC00000000000000000000000000000000"),
                ("From", "+15555550100"),
                ("To", "+15555550199"),
                ("Caller", "+15555550100"),
                ("Called", "+15555550199"),
                ("CallStatus", "ringing"),
                ("Direction", "inbound"),
            ]),
        },
    ]
}

/// Whether a header or parameter name is a credential's, which no saved event keeps.
fn is_secret(name: &str, header: bool) -> bool {
    let name = name.trim().to_ascii_lowercase();
    let words: &[&str] = if header {
        &[
            "authorization",
            "cookie",
            "token",
            "secret",
            "password",
            "api-key",
            "apikey",
        ]
    } else {
        // Twilio's own parameters include `CallToken`, which is not a credential of this
        // account; only names that say password or secret are left out.
        &["password", "secret"]
    };
    words.iter().any(|word| name.contains(word))
}

/// `request` as it may be saved, and the names of what was left out of it.
pub fn without_secrets(request: &TestRequest) -> (TestRequest, Vec<String>) {
    let mut dropped = Vec::new();
    let mut keep = |pairs: &[(String, String)], header: bool| -> Vec<(String, String)> {
        TestRequest::filled(pairs)
            .into_iter()
            .filter(|(name, _)| {
                let secret = is_secret(name, header);
                if secret {
                    dropped.push(name.clone());
                }
                !secret
            })
            .collect()
    };
    let params = keep(&request.params, false);
    let headers = keep(&request.headers, true);
    (
        TestRequest {
            method: request.method,
            params,
            headers,
            json: request.json.clone(),
        },
        dropped,
    )
}

/// `events` with `event` in place of the one of the same name, or added at the end.
pub fn with_event(mut events: Vec<SavedEvent>, event: SavedEvent) -> Vec<SavedEvent> {
    match events.iter_mut().find(|kept| kept.name == event.name) {
        Some(kept) => *kept = event,
        None => events.push(event),
    }
    events
}

/// A stored list, or none when it is missing or unreadable (written by hand or by another
/// version of the console).
fn decode<T: serde::de::DeserializeOwned + Default>(json: Option<String>) -> T {
    json.and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn events_key(function: &str) -> String {
    format!("switchboard-test-events:{function}")
}

fn draft_key(function: &str) -> String {
    format!("switchboard-test-draft:{function}")
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The saved events of function `function` (its SID), in the order they were first saved.
pub fn saved(function: &str) -> Vec<SavedEvent> {
    decode(local().and_then(|s| s.get_item(&events_key(function)).ok()?))
}

/// Saves `request` as `name` (replacing an event of that name) without its secrets, and returns
/// the events now saved and the names left out. A full storage only means it is not kept.
pub fn save(function: &str, name: &str, request: &TestRequest) -> (Vec<SavedEvent>, Vec<String>) {
    let (request, dropped) = without_secrets(request);
    let events = with_event(
        saved(function),
        SavedEvent {
            name: name.trim().to_owned(),
            request,
        },
    );
    if let (Some(storage), Ok(json)) = (local(), serde_json::to_string(&events)) {
        let _ = storage.set_item(&events_key(function), &json);
    }
    (events, dropped)
}

/// Removes the event `name` and returns the events left.
pub fn forget(function: &str, name: &str) -> Vec<SavedEvent> {
    let events: Vec<SavedEvent> = saved(function)
        .into_iter()
        .filter(|event| event.name != name)
        .collect();
    if let (Some(storage), Ok(json)) = (local(), serde_json::to_string(&events)) {
        let _ = storage.set_item(&events_key(function), &json);
    }
    events
}

/// What was typed in the panel of function `function`, and in which environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub environment: String,
    pub request: TestRequest,
}

pub fn draft(function: &str) -> Option<Draft> {
    let json = session()?.get_item(&draft_key(function)).ok()??;
    serde_json::from_str(&json).ok()
}

pub fn keep_draft(function: &str, draft: &Draft) {
    if let (Some(storage), Ok(json)) = (session(), serde_json::to_string(draft)) {
        let _ = storage.set_item(&draft_key(function), &json);
    }
}

#[cfg(test)]
mod tests {
    use super::{Method, SavedEvent, TestRequest, decode, examples, with_event, without_secrets};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn the_examples_carry_twilios_webhook_parameters() {
        let examples = examples();
        let names = |event: &SavedEvent| -> Vec<String> {
            event
                .request
                .params
                .iter()
                .map(|(n, _)| n.clone())
                .collect()
        };
        let sms = &examples[0];
        assert_eq!(sms.name, "Incoming SMS");
        assert_eq!(sms.request.method, Method::Form);
        for name in ["MessageSid", "AccountSid", "From", "To", "Body", "NumMedia"] {
            assert!(names(sms).contains(&name.to_owned()), "{name}");
        }
        let call = &examples[1];
        for name in [
            "CallSid",
            "AccountSid",
            "From",
            "To",
            "CallStatus",
            "Direction",
        ] {
            assert!(names(call).contains(&name.to_owned()), "{name}");
        }
    }

    #[test]
    fn credentials_are_not_saved_and_empty_rows_are_dropped() {
        let request = TestRequest {
            method: Method::Form,
            params: pairs(&[
                ("Body", "hi"),
                ("", "typed without a name"),
                ("CallToken", "kept: Twilio's own parameter"),
                ("admin_password", "hunter2"),
            ]),
            headers: pairs(&[
                ("X-Trace", "1"),
                ("Authorization", "Basic abc"),
                ("Cookie", "session=1"),
                ("X-Api-Key", "k"),
                ("x-auth-token", "t"),
            ]),
            json: String::new(),
        };
        let (kept, dropped) = without_secrets(&request);
        assert_eq!(
            kept.params,
            pairs(&[
                ("Body", "hi"),
                ("CallToken", "kept: Twilio's own parameter")
            ])
        );
        assert_eq!(kept.headers, pairs(&[("X-Trace", "1")]));
        assert_eq!(
            dropped,
            [
                "admin_password",
                "Authorization",
                "Cookie",
                "X-Api-Key",
                "x-auth-token"
            ]
        );
    }

    #[test]
    fn an_event_of_the_same_name_is_replaced_in_place() {
        let event = |name: &str, body: &str| SavedEvent {
            name: name.into(),
            request: TestRequest {
                params: pairs(&[("Body", body)]),
                ..TestRequest::default()
            },
        };
        let events = with_event(vec![event("a", "1"), event("b", "1")], event("a", "2"));
        assert_eq!(events, [event("a", "2"), event("b", "1")]);
        let events = with_event(events, event("c", "1"));
        assert_eq!(events.len(), 3);
    }

    #[test]
    fn a_stored_list_reads_back_and_an_unreadable_one_counts_as_none() {
        let events = examples();
        let json = serde_json::to_string(&events).unwrap();
        assert_eq!(decode::<Vec<SavedEvent>>(Some(json)), events);
        assert!(decode::<Vec<SavedEvent>>(Some("{\"name\": 3}".into())).is_empty());
        assert!(decode::<Vec<SavedEvent>>(None).is_empty());
    }
}
