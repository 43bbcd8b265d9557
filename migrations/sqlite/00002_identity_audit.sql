-- +goose Up
-- SQLite twin of postgres/00002: identity, sessions, API tokens, login throttling and the
-- hash-chained audit trail.

CREATE TABLE users (
    id             text     PRIMARY KEY,
    email          text     NOT NULL CHECK (email = lower(email) AND instr(email, '@') > 1),
    display_name   text     NOT NULL,
    password_hash  text,
    disabled       integer  NOT NULL,
    totp_secret    text,
    totp_enabled   integer  NOT NULL,
    totp_last_step integer  NOT NULL,
    last_login_at  datetime,
    version        integer  NOT NULL CHECK (version > 0),
    created_at     datetime NOT NULL,
    updated_at     datetime NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE memberships (
    id              text     PRIMARY KEY,
    user_id         text     NOT NULL REFERENCES users (id),
    role            text     NOT NULL CHECK (role IN ('admin', 'oversight', 'panel', 'agency_editor', 'viewer')),
    organisation_id text     REFERENCES organisations (id),
    partnership_id  text     REFERENCES partnerships (id),
    created_at      datetime NOT NULL,
    CHECK (organisation_id IS NULL OR partnership_id IS NULL),
    CHECK (role <> 'panel' OR partnership_id IS NOT NULL),
    CHECK (role <> 'agency_editor' OR organisation_id IS NOT NULL),
    CHECK (role NOT IN ('admin', 'oversight') OR (organisation_id IS NULL AND partnership_id IS NULL))
);
CREATE UNIQUE INDEX memberships_unique ON memberships (user_id, role, coalesce(organisation_id, ''), coalesce(partnership_id, ''));
CREATE INDEX memberships_organisation ON memberships (organisation_id);
CREATE INDEX memberships_partnership ON memberships (partnership_id);

CREATE TABLE recovery_codes (
    user_id   text     NOT NULL REFERENCES users (id),
    code_hash text     NOT NULL,
    used_at   datetime,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id_hash      text     PRIMARY KEY,
    user_id      text     NOT NULL REFERENCES users (id),
    csrf_token   text     NOT NULL,
    mfa_state    text     NOT NULL CHECK (mfa_state IN ('pending', 'enrol', 'done', 'not_required')),
    created_at   datetime NOT NULL,
    last_seen_at datetime NOT NULL,
    expires_at   datetime NOT NULL,
    revoked_at   datetime,
    client_ip    text     NOT NULL,
    user_agent   text     NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           text     PRIMARY KEY,
    user_id      text     NOT NULL REFERENCES users (id),
    name         text     NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   text     NOT NULL UNIQUE,
    prefix       text     NOT NULL,
    created_at   datetime NOT NULL,
    expires_at   datetime,
    last_used_at datetime,
    revoked_at   datetime
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_throttle (
    key             text     PRIMARY KEY,
    failures        integer  NOT NULL,
    last_failure_at datetime NOT NULL,
    locked_until    datetime
);

ALTER TABLE journal_head ADD COLUMN audit_seq integer NOT NULL DEFAULT 0;
ALTER TABLE journal_head ADD COLUMN audit_hash text NOT NULL DEFAULT '';

CREATE TABLE audit_events (
    seq                   integer  PRIMARY KEY,
    occurred_at           datetime NOT NULL,
    actor_user_id         text,
    actor_name            text     NOT NULL,
    actor_organisation_id text,
    action                text     NOT NULL,
    entity_type           text     NOT NULL,
    entity_id             text     NOT NULL,
    before_json           text,
    after_json            text,
    request_id            text     NOT NULL,
    client_ip             text     NOT NULL,
    prev_hash             text     NOT NULL,
    hash                  text     NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id);
CREATE INDEX audit_events_organisation ON audit_events (actor_organisation_id);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id);
CREATE INDEX audit_events_action ON audit_events (action);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
ALTER TABLE journal_head DROP COLUMN audit_hash;
ALTER TABLE journal_head DROP COLUMN audit_seq;
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE memberships;
DROP TABLE users;
