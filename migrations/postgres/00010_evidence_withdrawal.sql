-- +goose Up
-- Evidence withdrawn by its uploader before oversight reviewed it (issue 13 item 10). The row and
-- its file stay, for the audit trail; the application hides a withdrawn item from every list,
-- count and download. A withdrawal records who, when and why, only on evidence still pending,
-- and is final: it is never undone or rewritten, and a withdrawn item is never reviewed.
ALTER TABLE evidence ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE evidence ADD COLUMN withdrawn_by_id text;
ALTER TABLE evidence ADD COLUMN withdrawn_by_name text;
ALTER TABLE evidence ADD COLUMN withdrawal_reason text;
ALTER TABLE evidence ADD CONSTRAINT evidence_withdrawal CHECK (
    (withdrawn_at IS NULL AND withdrawn_by_id IS NULL AND withdrawn_by_name IS NULL AND withdrawal_reason IS NULL)
    OR (withdrawn_at IS NOT NULL AND withdrawn_by_name IS NOT NULL AND length(trim(withdrawal_reason)) > 0 AND status = 'pending'));

-- +goose StatementBegin
CREATE FUNCTION evidence_withdrawal_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.withdrawn_at IS NOT NULL AND ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        RAISE EXCEPTION 'evidence %: a withdrawal is final', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER evidence_withdrawal_final BEFORE UPDATE ON evidence
    FOR EACH ROW EXECUTE FUNCTION evidence_withdrawal_final();

-- Oversight's work list: evidence awaiting review and not withdrawn, oldest first.
CREATE INDEX evidence_to_verify ON evidence (submitted_at, id) WHERE status = 'pending' AND withdrawn_at IS NULL;

-- +goose Down
DROP INDEX evidence_to_verify;
DROP TRIGGER evidence_withdrawal_final ON evidence;
DROP FUNCTION evidence_withdrawal_final();
ALTER TABLE evidence DROP CONSTRAINT evidence_withdrawal;
ALTER TABLE evidence DROP COLUMN withdrawal_reason;
ALTER TABLE evidence DROP COLUMN withdrawn_by_name;
ALTER TABLE evidence DROP COLUMN withdrawn_by_id;
ALTER TABLE evidence DROP COLUMN withdrawn_at;
