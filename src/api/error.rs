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
}
