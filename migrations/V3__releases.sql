-- Releases: a valid commit of an environment whose gitconf.yaml declares a release policy becomes a
-- candidate version; clients in the cohort of the current step serve it, the others the active
-- (base) version, and the syncer's leader advances, completes or rolls back the release from the
-- instances' reports. See docs/releases.md.
--
-- Statuses added: 'candidate' (being rolled out) and 'rolled_back' (a candidate taken back by a
-- failed report or an operator; never released again). 'held' (V2) is also a version waiting for a
-- freeze window or the minimum interval to end; release_state says which.

ALTER TABLE config_versions DROP CONSTRAINT config_versions_status_check;
ALTER TABLE config_versions ADD CONSTRAINT config_versions_status_check
    CHECK (status IN ('active', 'superseded', 'rejected', 'held', 'candidate', 'rolled_back'));
-- As for "one active": at most one candidate per environment, kept by the database.
CREATE UNIQUE INDEX config_versions_one_candidate ON config_versions (environment)
    WHERE status = 'candidate';

-- The release in progress in an environment, if any: one row, advanced by the syncer's leader,
-- so a standby that takes over continues at the same step and time. Times come from the leader's
-- clock. The counts are those of the last evaluation, for status and metrics.
CREATE TABLE release_state (
    environment      text        PRIMARY KEY REFERENCES environments (name),
    version          integer     NOT NULL,
    phase            text        NOT NULL CHECK (phase IN ('held', 'rolling', 'paused')),
    step             integer     NOT NULL CHECK (step >= 0),
    percent          integer     NOT NULL CHECK (percent BETWEEN 0 AND 100),
    step_started_at  timestamptz,
    -- Cohorts: bucket = hash(environment, salt, instance id) mod 10000 (docs/releases.md).
    salt             text        NOT NULL,
    -- The policy of the candidate's own commit, as gitconf.yaml declared it.
    policy           jsonb       NOT NULL,
    emergency        text,
    cohort           integer     NOT NULL DEFAULT 0,
    applied          integer     NOT NULL DEFAULT 0,
    failed           integer     NOT NULL DEFAULT 0,
    restart_required integer     NOT NULL DEFAULT 0,
    silent           integer     NOT NULL DEFAULT 0,
    paused_reason    text,
    hold_reason      text,
    hold_until       timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    FOREIGN KEY (environment, version) REFERENCES config_versions (environment, version),
    CHECK (phase <> 'held' OR (hold_reason IS NOT NULL AND hold_until IS NOT NULL)),
    CHECK (phase = 'held' OR step_started_at IS NOT NULL),
    CHECK (phase <> 'paused' OR paused_reason IS NOT NULL)
);

-- What each client instance last reported: one row per instance, upserted, so reports never grow
-- the table per poll. reported_at is the database's time of the report (the heartbeat).
CREATE TABLE instance_reports (
    environment   text        NOT NULL REFERENCES environments (name),
    instance_id   text        NOT NULL CHECK (length(instance_id) BETWEEN 1 AND 200),
    labels        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version       integer     NOT NULL,
    state         text        NOT NULL CHECK (state IN ('applied', 'failed', 'restart_required')),
    reason        text,
    healthy       boolean     NOT NULL DEFAULT true,
    health_reason text,
    reported_at   timestamptz NOT NULL,
    PRIMARY KEY (environment, instance_id)
);

-- Every transition of a release, with who or what caused it: an audit trail of releases, in the
-- order they happened. Each one is also announced with NOTIFY gitconf_release.
CREATE TABLE release_events (
    id          bigserial   PRIMARY KEY,
    environment text        NOT NULL REFERENCES environments (name),
    version     integer     NOT NULL,
    event       text        NOT NULL CHECK (event IN ('held', 'released_from_hold', 'started',
                    'replaced', 'step_advanced', 'paused', 'resumed', 'promoted', 'rolled_back',
                    'aborted', 'completed')),
    percent     integer,
    actor       text        NOT NULL,
    cause       text        NOT NULL,
    emergency   boolean     NOT NULL DEFAULT false,
    recorded_at timestamptz NOT NULL,
    FOREIGN KEY (environment, version) REFERENCES config_versions (environment, version)
);
CREATE INDEX release_events_environment ON release_events (environment, id);
