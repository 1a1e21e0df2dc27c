/**
 * The SQLite schema of `trackscan scan --db results.sqlite` (documented in the README, "Batch
 * scanning"). One row per input file in `files`; one row per distinct bundle (SHA-256) in
 * `bundles` or `errors`; the child tables hold a scanned bundle's findings keyed by its SHA-256,
 * so shards merge without renumbering. `bundles.report` keeps the whole report JSON (the same
 * as a single scan's), so nothing is lost and NDJSON can be regenerated (`trackscan merge`).
 */
export const SQLITE_SCHEMA_VERSION = 1;

/**
 * Tables added after version 1 was first written. They only add to it, so they are created (if
 * missing) whenever a database is opened for writing, and the schema version stays 1.
 */
export const SQLITE_POLICY_SCHEMA = `
-- with --fail-on / --policy: one row per scanned bundle the policy checked
CREATE TABLE IF NOT EXISTS policy (
  sha256     TEXT PRIMARY KEY REFERENCES bundles (sha256) ON DELETE CASCADE,
  passed     INTEGER NOT NULL,          -- 1 passed, 0 a rule matched
  rules      TEXT NOT NULL,             -- the rules that matched, ';'-separated ('' when passed)
  verdict    TEXT NOT NULL              -- the verdict as JSON: passed, rules, violations, waived
);

-- one row per (bundle, rule, what it matched); waived matches are not here
CREATE TABLE IF NOT EXISTS policy_violations (
  sha256  TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  rule    TEXT NOT NULL,                -- as written: 'tracker:advertising'
  subject TEXT NOT NULL,                -- what it matched: 'tracker:google-mobile-ads'
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS policy_violations_bundle ON policy_violations (sha256);
CREATE INDEX IF NOT EXISTS policy_violations_rule ON policy_violations (rule);
`;

export const SQLITE_SCHEMA = `
-- key/value facts about the database: schema_version, tool_version, and one
-- 'signatures:<sha256>' = <version> per signature database its reports were made with
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- every input file, exactly once: scanned, error (see errors) or duplicate (of another path)
CREATE TABLE IF NOT EXISTS files (
  path         TEXT PRIMARY KEY,
  sha256       TEXT,            -- NULL when the file could not be read
  status       TEXT NOT NULL CHECK (status IN ('scanned', 'error', 'duplicate')),
  duplicate_of TEXT             -- for duplicates: the path that was scanned (or failed)
);
CREATE INDEX IF NOT EXISTS files_sha256 ON files (sha256);

-- one row per scanned bundle
CREATE TABLE IF NOT EXISTS bundles (
  sha256             TEXT PRIMARY KEY,
  path               TEXT NOT NULL,
  size               INTEGER NOT NULL,
  platform           TEXT NOT NULL,     -- 'android' | 'ios'
  app_id             TEXT NOT NULL,     -- package name / bundle identifier
  app_name           TEXT,
  version_name       TEXT,
  version_code       INTEGER,
  tracker_count      INTEGER NOT NULL,  -- all confidence levels
  signatures_version TEXT NOT NULL,
  tool_version       TEXT NOT NULL,
  report             TEXT NOT NULL      -- the full report JSON
);
CREATE INDEX IF NOT EXISTS bundles_app ON bundles (platform, app_id);

-- one row per (bundle, tracker found)
CREATE TABLE IF NOT EXISTS trackers (
  sha256      TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  tracker_id  TEXT NOT NULL,            -- signature id, e.g. 'google-admob'
  name        TEXT NOT NULL,
  vendor      TEXT NOT NULL,
  parent      TEXT,
  country     TEXT,
  confidence  TEXT NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
  first_party INTEGER NOT NULL,         -- 1 when the app belongs to the SDK's vendor
  version     TEXT,
  PRIMARY KEY (sha256, tracker_id)
);
CREATE INDEX IF NOT EXISTS trackers_id ON trackers (tracker_id, confidence);

-- the categories of each tracker found (advertising, analytics, location, ...)
CREATE TABLE IF NOT EXISTS tracker_categories (
  sha256     TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  tracker_id TEXT NOT NULL,
  category   TEXT NOT NULL,
  PRIMARY KEY (sha256, tracker_id, category)
);
CREATE INDEX IF NOT EXISTS tracker_categories_category ON tracker_categories (category, tracker_id);

-- why each tracker was reported: what was searched for, how many matched, examples, where
CREATE TABLE IF NOT EXISTS evidence (
  sha256        TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  tracker_id    TEXT NOT NULL,
  kind          TEXT NOT NULL,          -- 'class', 'component', 'meta-data', 'domain', ...
  searched_for  TEXT NOT NULL,
  count         INTEGER NOT NULL,
  examples      TEXT NOT NULL,          -- JSON array of strings
  entry         TEXT                    -- the bundle entry of the first example
);
CREATE INDEX IF NOT EXISTS evidence_bundle ON evidence (sha256, tracker_id);
CREATE INDEX IF NOT EXISTS evidence_searched ON evidence (searched_for);

-- permissions requested (Android) / usage-description keys (iOS)
CREATE TABLE IF NOT EXISTS permissions (
  sha256           TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  protection_level TEXT,
  max_sdk_version  INTEGER,
  purpose          TEXT,
  PRIMARY KEY (sha256, name)
);
CREATE INDEX IF NOT EXISTS permissions_name ON permissions (name);

-- what the app can reach (contacts, location-precise, bluetooth-scan, ...)
CREATE TABLE IF NOT EXISTS capabilities (
  sha256        TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  capability_id TEXT NOT NULL,
  sensitivity   TEXT NOT NULL,
  PRIMARY KEY (sha256, capability_id)
);
CREATE INDEX IF NOT EXISTS capabilities_id ON capabilities (capability_id);

-- host names found in the code, with the trackers whose domains they belong to
CREATE TABLE IF NOT EXISTS domains (
  sha256   TEXT NOT NULL REFERENCES bundles (sha256) ON DELETE CASCADE,
  host     TEXT NOT NULL,
  trackers TEXT NOT NULL,               -- comma-separated tracker ids, '' when none
  PRIMARY KEY (sha256, host)
);
CREATE INDEX IF NOT EXISTS domains_host ON domains (host);

-- one row per file that could not be scanned
CREATE TABLE IF NOT EXISTS errors (
  path    TEXT PRIMARY KEY,
  sha256  TEXT,
  size    INTEGER,
  code    TEXT NOT NULL,                -- TrackscanError code, TIMEOUT, OUT_OF_MEMORY, WORKER_CRASHED, INTERNAL
  message TEXT NOT NULL,
  entry   TEXT                          -- the entry inside the bundle, when one entry is the problem
);
CREATE INDEX IF NOT EXISTS errors_code ON errors (code);
CREATE INDEX IF NOT EXISTS errors_sha256 ON errors (sha256);
${SQLITE_POLICY_SCHEMA}`;
