-- +goose Up
-- Whether a partnership lets its viewers read its restricted reviews (issue 13 item 10). Off by
-- default, as issue 3 has it: restricted reviews are for the partnership's panel, oversight and
-- admins. An admin turns it on per partnership (PATCH /api/v1/partnerships/{id}, audited).
ALTER TABLE partnerships ADD COLUMN viewers_see_restricted boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE partnerships DROP COLUMN viewers_see_restricted;
