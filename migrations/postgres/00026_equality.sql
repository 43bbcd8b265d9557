-- +goose Up
-- Equality monitoring (issue 15 §2). review_subjects are the pseudonymised subjects of a review
-- (never a name): their role and protected characteristics, each 'not_recorded' unless someone
-- recorded it (the domain checks every value against casereview.Characteristics). They are
-- special category data: read only by oversight and the owning partnership's panel, every read
-- audited, never indexed for search. record_key is the cell key method's fixed random key of
-- each subject (as recommendations.record_key, 00020), for shareable counts of people.
CREATE TABLE review_subjects (
    id                    uuid        PRIMARY KEY,
    review_id             uuid        NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    role                  text        NOT NULL CHECK (role IN ('victim', 'perpetrator', 'child', 'adult_at_risk')),
    age_band              text        NOT NULL DEFAULT 'not_recorded',
    sex                   text        NOT NULL DEFAULT 'not_recorded',
    gender_identity       text        NOT NULL DEFAULT 'not_recorded',
    ethnicity             text        NOT NULL DEFAULT 'not_recorded',
    disability            text        NOT NULL DEFAULT 'not_recorded',
    sexual_orientation    text        NOT NULL DEFAULT 'not_recorded',
    religion              text        NOT NULL DEFAULT 'not_recorded',
    immigration_status    text        NOT NULL DEFAULT 'not_recorded',
    relationship          text        NOT NULL DEFAULT 'not_recorded',
    children_in_household text        NOT NULL DEFAULT 'not_recorded',
    record_key            integer     NOT NULL DEFAULT floor(random() * 256)::integer CHECK (record_key >= 0 AND record_key < 256),
    version               integer     NOT NULL CHECK (version > 0),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX review_subjects_review ON review_subjects (review_id);

-- An area's baseline population by group of one characteristic, uploaded by an admin as CSV:
-- the denominator of the disproportionality ratios. An upload replaces the characteristic's rows.
CREATE TABLE equality_baselines (
    partnership_id uuid        NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    characteristic text        NOT NULL,
    group_key      text        NOT NULL,
    population     bigint      NOT NULL CHECK (population >= 0),
    source         text        NOT NULL,
    uploaded_at    timestamptz NOT NULL,
    PRIMARY KEY (partnership_id, characteristic, group_key)
);

-- +goose Down
DROP TABLE equality_baselines;
DROP TABLE review_subjects;
