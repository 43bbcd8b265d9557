-- +goose Up
-- The audit trail is listed newest first (ORDER BY seq DESC) and filtered by person,
-- organisation, entity or action: see the PostgreSQL migration of the same number. Each index
-- ends with seq, so a filtered page is read from its own index in order.
DROP INDEX audit_events_actor;
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, seq);
DROP INDEX audit_events_organisation;
CREATE INDEX audit_events_organisation ON audit_events (actor_organisation_id, seq);
DROP INDEX audit_events_entity;
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
DROP INDEX audit_events_action;
CREATE INDEX audit_events_action ON audit_events (action, seq);

-- +goose Down
DROP INDEX audit_events_actor;
CREATE INDEX audit_events_actor ON audit_events (actor_user_id);
DROP INDEX audit_events_organisation;
CREATE INDEX audit_events_organisation ON audit_events (actor_organisation_id);
DROP INDEX audit_events_entity;
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id);
DROP INDEX audit_events_action;
CREATE INDEX audit_events_action ON audit_events (action);
