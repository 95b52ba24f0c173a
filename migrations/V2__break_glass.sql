-- Break-glass: an environment can be pinned to a version activated by hand, without Git (gitconf rollback
-- --break-glass). While it is pinned, the syncer still mirrors every commit, but writes the versions of that
-- environment as 'held': items and history, never activation. gitconf unpin activates the latest one.

ALTER TABLE config_versions DROP CONSTRAINT config_versions_status_check;
ALTER TABLE config_versions ADD CONSTRAINT config_versions_status_check
    CHECK (status IN ('active', 'superseded', 'rejected', 'held'));

CREATE TABLE environment_pins (
    environment text        PRIMARY KEY REFERENCES environments (name),
    version     integer     NOT NULL,
    pinned_by   text        NOT NULL,
    reason      text        NOT NULL,
    pinned_at   timestamptz NOT NULL,
    FOREIGN KEY (environment, version) REFERENCES config_versions (environment, version)
);
