-- +goose Up
-- SQLite twin of postgres/00018.
-- An organisation's named senior contact (issue 18 §2): who an escalation goes to when a
-- recommendation addressed to the organisation is overdue past the escalation period.
ALTER TABLE organisations ADD COLUMN senior_contact_name text NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN senior_contact_email text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN senior_contact_email;
ALTER TABLE organisations DROP COLUMN senior_contact_name;
