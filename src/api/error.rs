use switchboard_models::TwilioError;

/// Everything a call can end in, mapped once in `client::send`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// Twilio (or the relay, in Twilio's shape) refused the call.
    #[error("{0}")]
    Api(TwilioError),
    /// The relay asked for its console token.
    #[error("this relay needs its console token")]
    TokenRequired,
    /// No answer at all: the relay is down or the network is.
    #[error("network error: {0}")]
    Network(String),
    /// An answer we could not read.
    #[error("unexpected response (HTTP {status}): {error}")]
    Decode { status: u16, error: String },
}

impl ClientError {
    pub fn twilio(&self) -> Option<&TwilioError> {
        match self {
            ClientError::Api(error) => Some(error),
            _ => None,
        }
    }

    /// What was asked for does not exist (deleted, or a wrong link).
    pub fn is_not_found(&self) -> bool {
        self.twilio().is_some_and(|e| e.status == 404)
    }

    /// Refused as a clash with what is there now (a duplicate, an already-live build): usually
    /// a page older than a change made elsewhere.
    pub fn is_conflict(&self) -> bool {
        self.twilio().is_some_and(|e| e.status == 409)
    }

    /// Worth asking again after a pause: no answer, rate limited, or a server-side failure
    /// (the relay's 502 and 504 included).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Network(_) => true,
            ClientError::Api(error) => error.status == 429 || error.status >= 500,
            ClientError::TokenRequired | ClientError::Decode { .. } => false,
        }
    }
}

#[cfg(test)]
impl ClientError {
    /// Twilio's refusal with HTTP `status`, for tests.
    pub fn refused(status: u16) -> ClientError {
        ClientError::Api(TwilioError {
            code: 20000 + u32::from(status),
            message: "refused".into(),
            more_info: String::new(),
            status,
            detail: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_answer_rate_limits_and_server_failures_are_transient() {
        let api = ClientError::refused;
        assert!(ClientError::Network("reset".into()).is_transient());
        assert!(api(429).is_transient() && api(502).is_transient() && api(504).is_transient());
        assert!(!api(404).is_transient() && !api(400).is_transient());
        assert!(!ClientError::TokenRequired.is_transient());
    }

    #[test]
    fn the_relays_token_refusal_is_told_apart_from_twilios_401_by_code() {
        let relay = serde_json::to_string(&switchboard_models::relay::refusal(
            401,
            "this relay needs its console token",
        ))
        .unwrap();
        assert_eq!(
            super::super::client::error_from(401, &relay),
            ClientError::TokenRequired
        );
        let twilio = TwilioError::new(401, 20003, "Authenticate")
            .with_detail("Your AccountSid or AuthToken was incorrect.");
        let text = serde_json::to_string(&twilio).unwrap();
        assert_eq!(
            super::super::client::error_from(401, &text),
            ClientError::Api(twilio)
        );
    }
}
