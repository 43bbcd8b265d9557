-- +goose Up
-- See the PostgreSQL migration of the same number. SQLite cannot add a table constraint, so
-- triggers keep a withdrawal whole (who, when, why), on pending evidence only, and final.
ALTER TABLE evidence ADD COLUMN withdrawn_at datetime;
ALTER TABLE evidence ADD COLUMN withdrawn_by_id text;
ALTER TABLE evidence ADD COLUMN withdrawn_by_name text;
ALTER TABLE evidence ADD COLUMN withdrawal_reason text;
-- +goose StatementBegin
CREATE TRIGGER evidence_withdrawal_insert BEFORE INSERT ON evidence
WHEN NEW.withdrawn_at IS NOT NULL OR NEW.withdrawn_by_id IS NOT NULL OR NEW.withdrawn_by_name IS NOT NULL OR NEW.withdrawal_reason IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'evidence: new evidence cannot be withdrawn already');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_withdrawal_whole BEFORE UPDATE ON evidence
WHEN NEW.withdrawn_at IS NOT NULL AND (NEW.withdrawn_by_name IS NULL OR length(trim(coalesce(NEW.withdrawal_reason, ''))) = 0 OR NEW.status <> 'pending')
BEGIN
    SELECT RAISE(ABORT, 'evidence: a withdrawal needs who and why, on evidence still pending');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_withdrawal_final BEFORE UPDATE ON evidence
WHEN OLD.withdrawn_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'evidence: a withdrawal is final');
END;
-- +goose StatementEnd

-- Oversight's work list: evidence awaiting review and not withdrawn, oldest first.
CREATE INDEX evidence_to_verify ON evidence (submitted_at, id) WHERE status = 'pending' AND withdrawn_at IS NULL;

-- +goose Down
DROP INDEX evidence_to_verify;
DROP TRIGGER evidence_withdrawal_final;
DROP TRIGGER evidence_withdrawal_whole;
DROP TRIGGER evidence_withdrawal_insert;
ALTER TABLE evidence DROP COLUMN withdrawal_reason;
ALTER TABLE evidence DROP COLUMN withdrawn_by_name;
ALTER TABLE evidence DROP COLUMN withdrawn_by_id;
ALTER TABLE evidence DROP COLUMN withdrawn_at;
