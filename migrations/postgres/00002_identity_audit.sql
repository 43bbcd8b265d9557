-- +goose Up
-- Identity, sessions, API tokens, login throttling and the hash-chained audit trail.

CREATE TABLE users (
    id             uuid        PRIMARY KEY,
    email          text        NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
    display_name   text        NOT NULL,
    password_hash  text,       -- NULL: no password sign-in
    disabled       boolean     NOT NULL,
    totp_secret    text,
    totp_enabled   boolean     NOT NULL,
    totp_last_step bigint      NOT NULL,
    last_login_at  timestamptz,
    version        integer     NOT NULL CHECK (version > 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE memberships (
    id              uuid        PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES users (id),
    role            text        NOT NULL CHECK (role IN ('admin', 'oversight', 'panel', 'agency_editor', 'viewer')),
    organisation_id uuid        REFERENCES organisations (id),
    partnership_id  uuid        REFERENCES partnerships (id),
    created_at      timestamptz NOT NULL,
    CHECK (organisation_id IS NULL OR partnership_id IS NULL),
    CHECK (role <> 'panel' OR partnership_id IS NOT NULL),
    CHECK (role <> 'agency_editor' OR organisation_id IS NOT NULL),
    CHECK (role NOT IN ('admin', 'oversight') OR (organisation_id IS NULL AND partnership_id IS NULL))
);
CREATE UNIQUE INDEX memberships_unique ON memberships (user_id, role, coalesce(organisation_id::text, ''), coalesce(partnership_id::text, ''));
CREATE INDEX memberships_organisation ON memberships (organisation_id);
CREATE INDEX memberships_partnership ON memberships (partnership_id);

CREATE TABLE recovery_codes (
    user_id   uuid        NOT NULL REFERENCES users (id),
    code_hash text        NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Sessions are server-side; the cookie holds a random id whose SHA-256 is the key here.
CREATE TABLE sessions (
    id_hash      text        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id),
    csrf_token   text        NOT NULL,
    mfa_state    text        NOT NULL CHECK (mfa_state IN ('pending', 'enrol', 'done', 'not_required')),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    client_ip    text        NOT NULL,
    user_agent   text        NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   text        NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed sign-ins per account ('user:<email>') and per client address ('ip:<addr>').
CREATE TABLE login_throttle (
    key             text        PRIMARY KEY,
    failures        integer     NOT NULL,
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz
);

-- The audit trail: append-only and hash-chained. Each event's hash covers a canonical encoding
-- of the event and the previous event's hash, so an edited, deleted or reordered row breaks the
-- chain. Sequence numbers are taken under the journal_head lock, so concurrent writers cannot
-- fork the chain.
ALTER TABLE journal_head ADD COLUMN audit_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE journal_head ADD COLUMN audit_hash text NOT NULL DEFAULT '';

CREATE TABLE audit_events (
    seq                   bigint      PRIMARY KEY,
    occurred_at           timestamptz NOT NULL,
    actor_user_id         text,
    actor_name            text        NOT NULL,
    actor_organisation_id text,
    action                text        NOT NULL,
    entity_type           text        NOT NULL,
    entity_id             text        NOT NULL,
    before_json           text,
    after_json            text,
    request_id            text        NOT NULL,
    client_ip             text        NOT NULL,
    prev_hash             text        NOT NULL,
    hash                  text        NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id);
CREATE INDEX audit_events_organisation ON audit_events (actor_organisation_id);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id);
CREATE INDEX audit_events_action ON audit_events (action);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
ALTER TABLE journal_head DROP COLUMN audit_hash;
ALTER TABLE journal_head DROP COLUMN audit_seq;
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE memberships;
DROP TABLE users;
