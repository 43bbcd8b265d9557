-- +goose Up
-- SQLite twin of postgres/00001: uuid and date columns are text (dates checked to be ISO
-- calendar dates), booleans are integers, timestamps are datetime text.
-- The foundation schema. Constraints live here as well as in the domain, so that no route into
-- the database (a script, a later importer, a bug) can store what the domain would refuse.

-- Every write transaction takes this row's lock before it appends to the change journal, so
-- journal sequence numbers commit in order with no gaps (DESIGN §2).
CREATE TABLE journal_head (
    id  integer PRIMARY KEY CHECK (id = 1),
    seq bigint  NOT NULL
);
INSERT INTO journal_head (id, seq) VALUES (1, 0);

CREATE TABLE change_journal (
    seq         bigint      PRIMARY KEY,
    entity_type text        NOT NULL CHECK (entity_type IN ('partnership', 'organisation', 'review', 'recommendation', 'action', 'theme')),
    entity_id   text        NOT NULL,
    created_at  datetime NOT NULL
);
CREATE INDEX change_journal_entity ON change_journal (entity_type, entity_id);

CREATE TABLE reference_state (
    name    text    PRIMARY KEY,
    version integer NOT NULL
);

CREATE TABLE review_types (
    code                  text    PRIMARY KEY,
    label                 text    NOT NULL,
    description           text    NOT NULL,
    default_response_days integer NOT NULL CHECK (default_response_days > 0),
    sort_order            integer NOT NULL
);

CREATE TABLE intervention_types (
    code        text    PRIMARY KEY,
    label       text    NOT NULL,
    description text    NOT NULL,
    sort_order  integer NOT NULL
);

CREATE TABLE theme_groups (
    code        text PRIMARY KEY,
    label       text NOT NULL,
    description text NOT NULL
);

CREATE TABLE themes (
    code             text    PRIMARY KEY,
    slug             text    NOT NULL UNIQUE,
    group_code       text    NOT NULL REFERENCES theme_groups (code),
    label            text    NOT NULL,
    definition       text    NOT NULL,
    keywords         text    NOT NULL, -- JSON array of strings
    active           integer NOT NULL,
    taxonomy_version integer NOT NULL,
    sort_order       integer NOT NULL
);
CREATE INDEX themes_group ON themes (group_code);

CREATE TABLE theme_crosswalks (
    scheme      text NOT NULL,
    native_code text NOT NULL,
    theme_code  text NOT NULL REFERENCES themes (code),
    PRIMARY KEY (scheme, native_code, theme_code)
);
CREATE INDEX theme_crosswalks_theme ON theme_crosswalks (theme_code);

CREATE TABLE partnerships (
    id         text        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind       text        NOT NULL CHECK (kind IN ('community_safety_partnership', 'safeguarding_children_partnership',
                               'safeguarding_adults_board', 'child_death_overview_panel', 'coroner_area', 'other')),
    area_codes text        NOT NULL, -- JSON array of strings
    version    integer     NOT NULL CHECK (version > 0),
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL
);
CREATE UNIQUE INDEX partnerships_name ON partnerships (lower(name));
CREATE INDEX partnerships_kind ON partnerships (kind);

CREATE TABLE organisations (
    id         text        PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sector     text        NOT NULL CHECK (sector IN ('police', 'nhs_trust', 'icb', 'gp', 'ambulance', 'la_childrens_services',
                               'la_adult_services', 'housing', 'probation', 'prisons', 'education', 'cps_courts',
                               'specialist_da_service', 'government_department', 'regulator', 'other')),
    parent_id  text        REFERENCES organisations (id) CHECK (parent_id <> id),
    version    integer     NOT NULL CHECK (version > 0),
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));
CREATE INDEX organisations_sector ON organisations (sector);
CREATE INDEX organisations_parent ON organisations (parent_id);

-- Addressee text in reports is messy; aliases are what matching uses, keyed case-insensitively.
CREATE TABLE organisation_aliases (
    organisation_id text    NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    alias           text    NOT NULL,
    alias_key       text    NOT NULL,
    position        integer NOT NULL,
    PRIMARY KEY (organisation_id, alias_key)
);
CREATE INDEX organisation_aliases_key ON organisation_aliases (alias_key);

CREATE TABLE reviews (
    id              text        PRIMARY KEY,
    type            text        NOT NULL REFERENCES review_types (code),
    partnership_id  text        NOT NULL REFERENCES partnerships (id),
    reference       text        NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    title           text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('commissioned', 'in_progress', 'submitted_for_qa', 'published', 'withdrawn')),
    incident_year   integer     CHECK (incident_year BETWEEN 1900 AND 2200),
    commissioned_on text CHECK (commissioned_on IS NULL OR date(commissioned_on) IS commissioned_on),
    published_on    text CHECK (published_on IS NULL OR date(published_on) IS published_on),
    report_url      text,
    summary         text        NOT NULL,
    visibility      text        NOT NULL CHECK (visibility IN ('restricted', 'shared', 'public')),
    version         integer     NOT NULL CHECK (version > 0),
    created_at      datetime NOT NULL,
    updated_at      datetime NOT NULL,
    CHECK (published_on IS NULL OR commissioned_on IS NULL OR published_on >= commissioned_on),
    CHECK (visibility <> 'public' OR status = 'published')
);
CREATE UNIQUE INDEX reviews_reference ON reviews (partnership_id, reference);
CREATE INDEX reviews_type ON reviews (type);
CREATE INDEX reviews_status ON reviews (status);
CREATE INDEX reviews_visibility ON reviews (visibility);
CREATE INDEX reviews_published_on ON reviews (published_on);

CREATE TABLE recommendations (
    id                    text        PRIMARY KEY,
    review_id             text        NOT NULL REFERENCES reviews (id),
    number                text        NOT NULL CHECK (length(number) BETWEEN 1 AND 20),
    title                 text        NOT NULL,
    text                  text        NOT NULL CHECK (length(text) > 0),
    scope                 text        NOT NULL CHECK (scope IN ('local', 'regional', 'national')),
    intervention_type     text        REFERENCES intervention_types (code),
    response_due          text CHECK (response_due IS NULL OR date(response_due) IS response_due),
    response_status       text        NOT NULL CHECK (response_status IN ('awaiting_response', 'response_received', 'accepted',
                                          'accepted_in_part', 'accepted_alternative', 'not_accepted')),
    implementation_status text        NOT NULL CHECK (implementation_status IN ('not_started', 'planned', 'in_progress',
                                          'implemented_pending_verification', 'implemented_verified', 'not_implemented')),
    oversight_status      text        NOT NULL CHECK (oversight_status IN ('open_unassessed', 'open_acceptable',
                                          'open_acceptable_alternative', 'open_unacceptable', 'closed_acceptable_action',
                                          'closed_acceptable_alternative_action', 'closed_exceeds', 'closed_unacceptable_action',
                                          'closed_no_response', 'closed_superseded', 'closed_duplicate',
                                          'closed_no_longer_applicable', 'closed_reconsidered')),
    closed_on             text CHECK (closed_on IS NULL OR date(closed_on) IS closed_on),
    closure_rationale     text,
    version               integer     NOT NULL CHECK (version > 0),
    created_at            datetime NOT NULL,
    updated_at            datetime NOT NULL
);
CREATE UNIQUE INDEX recommendations_number ON recommendations (review_id, number);
CREATE INDEX recommendations_scope ON recommendations (scope);
CREATE INDEX recommendations_intervention_type ON recommendations (intervention_type);
CREATE INDEX recommendations_response_due ON recommendations (response_due);
CREATE INDEX recommendations_response_status ON recommendations (response_status);
CREATE INDEX recommendations_implementation_status ON recommendations (implementation_status);
CREATE INDEX recommendations_oversight_status ON recommendations (oversight_status);

CREATE TABLE addressees (
    recommendation_id text        NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    organisation_id   text        NOT NULL REFERENCES organisations (id),
    role              text        NOT NULL CHECK (role IN ('lead', 'supporting', 'for_information')),
    raw_text          text        NOT NULL,
    notified_on       text CHECK (notified_on IS NULL OR date(notified_on) IS notified_on),
    acknowledged_on   text CHECK (acknowledged_on IS NULL OR date(acknowledged_on) IS acknowledged_on),
    position          integer     NOT NULL,
    created_at        datetime NOT NULL,
    PRIMARY KEY (recommendation_id, organisation_id),
    CHECK (acknowledged_on IS NULL OR notified_on IS NULL OR acknowledged_on >= notified_on)
);
CREATE INDEX addressees_organisation ON addressees (organisation_id, role);

CREATE TABLE theme_assignments (
    recommendation_id text        NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    theme_code        text        NOT NULL REFERENCES themes (code),
    is_primary        integer     NOT NULL,
    source            text        NOT NULL CHECK (source IN ('manual', 'rule', 'suggested')),
    position          integer     NOT NULL,
    assigned_at       datetime NOT NULL,
    PRIMARY KEY (recommendation_id, theme_code)
);
CREATE INDEX theme_assignments_theme ON theme_assignments (theme_code);
CREATE UNIQUE INDEX theme_assignments_one_primary ON theme_assignments (recommendation_id) WHERE is_primary = 1;

-- An action is owned by one of its recommendation's addressees: the composite foreign key makes
-- that a rule of the schema, and stops an addressee that owns actions from being removed.
CREATE TABLE actions (
    id                    text        PRIMARY KEY,
    recommendation_id     text        NOT NULL,
    organisation_id       text        NOT NULL,
    description           text        NOT NULL CHECK (length(description) > 0),
    owner                 text        NOT NULL,
    target_date           text CHECK (target_date IS NULL OR date(target_date) IS target_date),
    completion_date       text CHECK (completion_date IS NULL OR date(completion_date) IS completion_date),
    outcome               text,
    implementation_status text        NOT NULL CHECK (implementation_status IN ('not_started', 'planned', 'in_progress',
                                          'implemented_pending_verification', 'implemented_verified', 'not_implemented')),
    version               integer     NOT NULL CHECK (version > 0),
    created_at            datetime NOT NULL,
    updated_at            datetime NOT NULL,
    FOREIGN KEY (recommendation_id, organisation_id) REFERENCES addressees (recommendation_id, organisation_id)
);
CREATE INDEX actions_recommendation ON actions (recommendation_id);
CREATE INDEX actions_organisation ON actions (organisation_id);
CREATE INDEX actions_implementation_status ON actions (implementation_status);
CREATE INDEX actions_target_date ON actions (target_date);
CREATE INDEX actions_completion_date ON actions (completion_date);

-- +goose Down
DROP TABLE actions;
DROP TABLE theme_assignments;
DROP TABLE addressees;
DROP TABLE recommendations;
DROP TABLE reviews;
DROP TABLE organisation_aliases;
DROP TABLE organisations;
DROP TABLE partnerships;
DROP TABLE theme_crosswalks;
DROP TABLE themes;
DROP TABLE theme_groups;
DROP TABLE intervention_types;
DROP TABLE review_types;
DROP TABLE reference_state;
DROP TABLE change_journal;
DROP TABLE journal_head;
