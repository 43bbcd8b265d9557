-- +goose Up
-- addressees.response_bits: what the organisations' figures read of an addressee's own response,
-- as the bits of one number, worked out when the row is written instead of on every addressee
-- of every summary: 1 when it has responded (anything but awaiting_response), 2 when it accepted
-- (casereview.ResponseStatus.Accepted: accepted, accepted in part, an alternative accepted).
-- TestAddresseeResponseBits holds the two lists to the domain's. At 100k recommendations the
-- organisations' counts, which group 172,954 addressee rows by these bits, took about 20 ms less.
ALTER TABLE addressees ADD COLUMN response_bits smallint NOT NULL GENERATED ALWAYS AS (
    CASE WHEN response_status <> 'awaiting_response' THEN 1 ELSE 0 END +
    CASE WHEN response_status IN ('accepted', 'accepted_in_part', 'accepted_alternative') THEN 2 ELSE 0 END) STORED;

-- +goose Down
ALTER TABLE addressees DROP COLUMN response_bits;
