//! `--seed demo`: a small living service, so a new user's console has something to show.
//! Applied only to an empty store, through the same store functions the API uses.

use crate::Seed;
use crate::error::ApiResult;
use crate::store::builds;
use crate::store::code::{self, Kind};
use crate::store::environments;
use crate::store::invocations::{self, Invocation};
use crate::store::services;
use crate::store::versions::{self, Parent, Upload};
use crate::store::{Store, deployments, variables};
use rusqlite::Connection;
use std::time::Instant;
use switchboard_models::requests::{
    NewBuild, NewDeployment, NewEnvironment, NewService, NewVariable,
};
use switchboard_models::{Dependency, Visibility};

const HELLO: &str = r#"exports.handler = function (context, event, callback) {
  const name = event.name || 'world';
  console.log(`Greeting ${name}`);
  callback(null, `${context.GREETING || 'Hello'}, ${name}!`);
};
"#;

/// It logs the lines the seeded history below shows for it, so a newcomer's first test of it
/// (the Test panel's "Incoming SMS") finds a line of its own beside them.
const REPLY: &str = r#"exports.handler = function (context, event, callback) {
  const twiml = new Twilio.twiml.MessagingResponse();
  const body = (event.Body || '').trim().toLowerCase();
  if (body) {
    console.log(`Incoming SMS: ${body}`);
  } else {
    console.warn('Body was empty; sent the default reply');
  }
  twiml.message(body === 'hours' ? 'We are open 9am to 5pm.' : `Thanks! Call us on ${context.SUPPORT_NUMBER}.`);
  callback(null, twiml);
};
"#;

const FORMAT: &str = r#"exports.formatNumber = (number) => number.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3');
"#;

const CSS: &str =
    "body { font-family: system-ui, sans-serif; margin: 2rem; }\nh1 { color: #f22f46; }\n";
const JSON: &str = r#"{"hours": {"open": "09:00", "close": "17:00"}, "timezone": "America/New_York"}
"#;

pub fn apply_if_empty(store: &Store, seed: Seed, account_sid: &str) -> anyhow::Result<()> {
    store
        .call_blocking(|db| {
            let empty: bool =
                db.query_row("SELECT NOT EXISTS (SELECT 1 FROM sids)", [], |row| {
                    row.get(0)
                })?;
            match (empty, seed) {
                (true, Seed::Demo) => demo(db, account_sid),
                (false, _) => Ok(()),
            }
        })
        .map_err(|error| anyhow::anyhow!("cannot seed the emulator: {error}"))
}

fn demo(db: &Connection, account: &str) -> ApiResult<()> {
    let service = NewService {
        unique_name: "demo-hotline".into(),
        friendly_name: "Demo Hotline".into(),
        include_credentials: true,
        ui_editable: false,
    };
    let service = services::create(db, account, service)?.sid;
    let environment = |unique_name: &str, suffix: Option<&str>| {
        let new = NewEnvironment {
            unique_name: unique_name.into(),
            domain_suffix: suffix.map(Into::into),
        };
        environments::create(db, account, &service, new).map(|environment| environment.sid)
    };
    let dev = environment("dev", Some("dev"))?;
    let prod = environment("prod", None)?;
    for (environment, key, value) in [
        (&dev, "GREETING", "Hello from dev"),
        (&dev, "SUPPORT_NUMBER", "+15555550100"),
        (&prod, "GREETING", "Hello"),
        (&prod, "SUPPORT_NUMBER", "+15555550199"),
    ] {
        let new = NewVariable {
            key: key.into(),
            value: value.into(),
        };
        variables::create(db, account, (&service, environment), new)?;
    }
    let upload =
        |kind: Kind, path: &str, visibility: Visibility, content: &str| -> ApiResult<String> {
            let parent = code::create(db, account, &service, kind, path.into())?.sid;
            let upload = Upload {
                path: path.into(),
                visibility,
                content: content.as_bytes().to_vec(),
            };
            Ok(versions::create(
                db,
                account,
                Parent {
                    service: &service,
                    kind,
                    sid: &parent,
                },
                upload,
            )?
            .sid)
        };
    let function_versions = vec![
        upload(Kind::Function, "/hello", Visibility::Public, HELLO)?,
        upload(Kind::Function, "/sms/reply", Visibility::Protected, REPLY)?,
        upload(Kind::Function, "/lib/format", Visibility::Private, FORMAT)?,
    ];
    let asset_versions = vec![
        upload(Kind::Asset, "/style.css", Visibility::Public, CSS)?,
        upload(Kind::Asset, "/hours.json", Visibility::Private, JSON)?,
    ];
    let build = NewBuild {
        function_versions,
        asset_versions,
        dependencies: vec![Dependency {
            name: "twilio".into(),
            version: "^5.0.0".into(),
        }],
        runtime: switchboard_models::DEFAULT_RUNTIME.into(),
    };
    let build = builds::create(db, account, &service, &build, 0)?.sid;
    builds::finish_due(db, 0)?;
    let deploy = NewDeployment {
        build_sid: Some(build),
        is_plugin: false,
    };
    deployments::create(db, account, (&service, &dev), deploy)?;
    for (path, lines) in [
        ("/hello", vec![("info", "Greeting world".to_owned())]),
        (
            "/sms/reply",
            vec![("info", "Incoming SMS: hours".to_owned())],
        ),
        (
            "/sms/reply",
            vec![("warn", "Body was empty; sent the default reply".to_owned())],
        ),
        (
            "/hello",
            vec![(
                "error",
                "TypeError: Cannot read properties of undefined (reading 'name')".to_owned(),
            )],
        ),
    ] {
        let invocation = Invocation {
            path: path.into(),
            lines,
            started: Instant::now(),
        };
        invocations::record(db, account, (&service, &dev), invocation)?;
    }
    Ok(())
}
