//! Twilio Serverless limits, as documented (spec section 8). The emulator enforces them and the
//! console checks them before sending, so both read them from here.

pub const SERVICES_PER_ACCOUNT: usize = 50;
pub const ENVIRONMENTS_PER_SERVICE: usize = 25;
pub const FUNCTION_VERSIONS_PER_BUILD: usize = 50;
pub const PUBLIC_ASSET_VERSIONS_PER_BUILD: usize = 1000;
pub const PRIVATE_ASSET_VERSIONS_PER_BUILD: usize = 50;
pub const BUILDS_PER_HOUR: usize = 100;

/// Public and protected assets (and function bodies) may be up to 25 MB.
pub const MAX_ASSET_BYTES: u64 = 25 * 1024 * 1024;
/// Private assets may be up to 10 MB.
pub const MAX_PRIVATE_ASSET_BYTES: u64 = 10 * 1024 * 1024;

pub const SERVICE_UNIQUE_NAME_MAX: usize = 50;
pub const FRIENDLY_NAME_MAX: usize = 255;
pub const ENVIRONMENT_UNIQUE_NAME_MAX: usize = 100;
pub const DOMAIN_SUFFIX_MAX: usize = 16;
pub const PATH_MAX: usize = 255;
pub const VARIABLE_KEY_MAX: usize = 128;
pub const VARIABLE_VALUE_MAX_BYTES: usize = 450;

pub const PAGE_SIZE_DEFAULT: u32 = 50;
pub const PAGE_SIZE_MAX: u32 = 1000;

/// The size cap for an upload of the given visibility.
pub fn max_upload_bytes(visibility: crate::Visibility) -> u64 {
    match visibility {
        crate::Visibility::Private => MAX_PRIVATE_ASSET_BYTES,
        _ => MAX_ASSET_BYTES,
    }
}
