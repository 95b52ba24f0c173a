-- gitconf mirror: configuration versions, items, audit trail and sync state.
-- One database mirrors one branch of one config repository. Only the syncer writes here;
-- clients and the CLI read.

-- Every environment that has ever been mirrored. Its row is also the lock a writer takes
-- (SELECT ... FOR UPDATE) before numbering versions or extending the audit chain.
CREATE TABLE environments (
    name       text        PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Every commit the syncer has processed, exactly once (commit_id is unique), written in the
-- same transaction as the versions it produced. A re-run skips commits found here.
CREATE TABLE sync_commits (
    id           bigserial   PRIMARY KEY,
    commit_id    text        NOT NULL UNIQUE,
    branch       text        NOT NULL,
    parent_id    text,
    author_name  text        NOT NULL,
    author_email text        NOT NULL,
    committed_at timestamptz NOT NULL,
    message      text        NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('mirrored', 'unchanged', 'rejected')),
    errors       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    synced_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_commits_rejected ON sync_commits (id) WHERE outcome = 'rejected';

-- Versions, numbered 1, 2, 3... per environment. A rejected commit also gets a number (so the
-- history shows it) but never items and never the active status.
CREATE TABLE config_versions (
    environment      text        NOT NULL REFERENCES environments (name),
    version          integer     NOT NULL CHECK (version > 0),
    commit_id        text        NOT NULL REFERENCES sync_commits (commit_id),
    parent_commit_id text,
    author_name      text        NOT NULL,
    author_email     text        NOT NULL,
    committed_at     timestamptz NOT NULL,
    message          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('active', 'superseded', 'rejected')),
    errors           jsonb       NOT NULL DEFAULT '[]'::jsonb,
    -- SHA-256 of the resolved snapshot (ConfigSnapshot.checksum); null only for a rejected
    -- commit whose snapshot could not be resolved at all (e.g. a broken gitconf.yaml).
    checksum         text,
    item_count       integer     NOT NULL DEFAULT 0,
    changed_paths    integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (environment, version),
    UNIQUE (environment, commit_id),
    CHECK (status = 'rejected' OR checksum IS NOT NULL)
);
-- The database, not only the code, keeps exactly one active version per environment.
CREATE UNIQUE INDEX config_versions_one_active ON config_versions (environment)
    WHERE status = 'active';
CREATE INDEX config_versions_commit ON config_versions (commit_id);

-- Resolved values with validity ranges: a row holds the value of a path from version
-- valid_from up to (not including) valid_to; valid_to is null while it is still current.
-- A commit that changes one path writes one row and closes one, whatever the snapshot's size.
-- The snapshot of version v = rows with valid_from <= v and (valid_to is null or valid_to > v).
-- value is the canonical JSON text (Json.canonical), kept as text rather than jsonb so the
-- stored items reproduce the version checksum byte for byte (jsonb rewrites numbers such as
-- 1.5e3); use value::jsonb to query into it.
CREATE TABLE config_items (
    environment text    NOT NULL,
    path        text    NOT NULL,
    value       text    NOT NULL,
    valid_from  integer NOT NULL,
    valid_to    integer,
    PRIMARY KEY (environment, path, valid_from),
    FOREIGN KEY (environment, valid_from) REFERENCES config_versions (environment, version),
    FOREIGN KEY (environment, valid_to) REFERENCES config_versions (environment, version),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- The current items of an environment (what the next commit is compared with).
CREATE UNIQUE INDEX config_items_current ON config_items (environment, path)
    WHERE valid_to IS NULL;
-- Snapshot of an older version: range scan by environment and start.
CREATE INDEX config_items_range ON config_items (environment, valid_from, valid_to);

-- One row per changed path per version, hash-chained per environment (see AuditChain.java for
-- the exact hash input). Values are canonical JSON; secret paths and ciphertext show as "****".
CREATE TABLE config_audit (
    id          bigserial   PRIMARY KEY,
    environment text        NOT NULL,
    seq         bigint      NOT NULL CHECK (seq > 0),
    version     integer     NOT NULL,
    commit_id   text        NOT NULL,
    path        text        NOT NULL,
    action      text        NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    old_value   text,
    new_value   text,
    changed_by  text        NOT NULL,
    reason      text        NOT NULL,
    changed_at  timestamptz NOT NULL,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    UNIQUE (environment, seq),
    FOREIGN KEY (environment, version) REFERENCES config_versions (environment, version)
);
CREATE INDEX config_audit_path ON config_audit (environment, path, seq);

-- Where the syncer of a branch stands: the last commit it processed (mirrored, unchanged,
-- rejected, or the new head adopted after a force push). Updated in the commit's transaction.
CREATE TABLE sync_state (
    branch         text        PRIMARY KEY,
    last_commit_id text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Things the syncer noticed and did not mirror: a rewritten branch (force push).
CREATE TABLE sync_events (
    id          bigserial   PRIMARY KEY,
    branch      text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('force_push')),
    old_head    text        NOT NULL,
    new_head    text        NOT NULL,
    detail      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
