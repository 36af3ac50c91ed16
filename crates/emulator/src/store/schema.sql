-- Every SID ever issued, so SIDs are never reused, page tokens outlive deleted items, and builds
-- can be counted per hour even after they are deleted. `seq` orders every list.
CREATE TABLE IF NOT EXISTS sids (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    created INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS services (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    unique_name TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    include_credentials INTEGER NOT NULL,
    ui_editable INTEGER NOT NULL,
    domain_base TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS services_unique_name ON services (account_sid, unique_name);

CREATE TABLE IF NOT EXISTS environments (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL REFERENCES services (sid) ON DELETE CASCADE,
    build_sid TEXT,
    unique_name TEXT NOT NULL,
    domain_suffix TEXT,
    domain_name TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS environments_unique_name ON environments (service_sid, unique_name);
CREATE UNIQUE INDEX IF NOT EXISTS environments_domain_suffix ON environments (service_sid, domain_suffix);

CREATE TABLE IF NOT EXISTS variables (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL,
    environment_sid TEXT NOT NULL REFERENCES environments (sid) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS variables_key ON variables (environment_sid, key);

-- Functions and Assets share the ZH prefix and one shape; `kind` is `function` or `asset`.
CREATE TABLE IF NOT EXISTS code (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL REFERENCES services (sid) ON DELETE CASCADE,
    friendly_name TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS versions (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL,
    parent_sid TEXT NOT NULL REFERENCES code (sid) ON DELETE CASCADE,
    path TEXT NOT NULL,
    visibility TEXT NOT NULL,
    content BLOB NOT NULL,
    date_created INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS builds (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL REFERENCES services (sid) ON DELETE CASCADE,
    status TEXT NOT NULL,
    dependencies TEXT NOT NULL,
    runtime TEXT NOT NULL,
    due_millis INTEGER NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL,
    -- Why npm failed, and the Node version a real build ran on (docs/EMULATOR.md).
    failure TEXT,
    node_version TEXT
);

-- A build keeps a snapshot of its versions, so it stays whole when a Function or Asset is deleted.
CREATE TABLE IF NOT EXISTS build_versions (
    build_sid TEXT NOT NULL REFERENCES builds (sid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sid TEXT NOT NULL,
    parent_sid TEXT NOT NULL,
    path TEXT NOT NULL,
    visibility TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    PRIMARY KEY (build_sid, position)
);

CREATE TABLE IF NOT EXISTS deployments (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL,
    environment_sid TEXT NOT NULL REFERENCES environments (sid) ON DELETE CASCADE,
    build_sid TEXT,
    is_plugin INTEGER NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS logs (
    sid TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    service_sid TEXT NOT NULL,
    environment_sid TEXT NOT NULL REFERENCES environments (sid) ON DELETE CASCADE,
    build_sid TEXT NOT NULL,
    deployment_sid TEXT NOT NULL,
    function_sid TEXT,
    request_sid TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    date_created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_environment ON logs (environment_sid, seq);
