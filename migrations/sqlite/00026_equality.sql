-- +goose Up
-- SQLite twin of postgres/00023: review subjects and baseline populations (issue 15 §2).
CREATE TABLE review_subjects (
    id                    text     PRIMARY KEY,
    review_id             text     NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    role                  text     NOT NULL CHECK (role IN ('victim', 'perpetrator', 'child', 'adult_at_risk')),
    age_band              text     NOT NULL DEFAULT 'not_recorded',
    sex                   text     NOT NULL DEFAULT 'not_recorded',
    gender_identity       text     NOT NULL DEFAULT 'not_recorded',
    ethnicity             text     NOT NULL DEFAULT 'not_recorded',
    disability            text     NOT NULL DEFAULT 'not_recorded',
    sexual_orientation    text     NOT NULL DEFAULT 'not_recorded',
    religion              text     NOT NULL DEFAULT 'not_recorded',
    immigration_status    text     NOT NULL DEFAULT 'not_recorded',
    relationship          text     NOT NULL DEFAULT 'not_recorded',
    children_in_household text     NOT NULL DEFAULT 'not_recorded',
    record_key            integer  NOT NULL DEFAULT (abs(random()) % 256) CHECK (record_key >= 0 AND record_key < 256),
    version               integer  NOT NULL CHECK (version > 0),
    created_at            datetime NOT NULL,
    updated_at            datetime NOT NULL
);
CREATE INDEX review_subjects_review ON review_subjects (review_id);

CREATE TABLE equality_baselines (
    partnership_id text     NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    characteristic text     NOT NULL,
    group_key      text     NOT NULL,
    population     integer  NOT NULL CHECK (population >= 0),
    source         text     NOT NULL,
    uploaded_at    datetime NOT NULL,
    PRIMARY KEY (partnership_id, characteristic, group_key)
);

-- +goose Down
DROP TABLE equality_baselines;
DROP TABLE review_subjects;
