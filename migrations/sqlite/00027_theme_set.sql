-- +goose Up
-- recommendations.theme_set, kept by triggers: see the PostgreSQL migration of the same number.
ALTER TABLE recommendations ADD COLUMN theme_set TEXT NOT NULL DEFAULT '';

-- +goose StatementBegin
CREATE TRIGGER themes_code_no_comma_insert BEFORE INSERT ON themes WHEN instr(NEW.code, ',') > 0 BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: themes_code_no_comma');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER themes_code_no_comma_update BEFORE UPDATE OF code ON themes WHEN instr(NEW.code, ',') > 0 BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: themes_code_no_comma');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER theme_assignments_theme_set_insert AFTER INSERT ON theme_assignments BEGIN
    UPDATE recommendations SET theme_set = (SELECT COALESCE(group_concat(theme_code, ','), '') FROM (SELECT theme_code FROM theme_assignments
         WHERE recommendation_id = NEW.recommendation_id AND (source <> 'suggested' OR confirmed_at IS NOT NULL)
         ORDER BY theme_code COLLATE BINARY))
     WHERE id = NEW.recommendation_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER theme_assignments_theme_set_update AFTER UPDATE OF recommendation_id, theme_code, source, confirmed_at ON theme_assignments BEGIN
    UPDATE recommendations SET theme_set = (SELECT COALESCE(group_concat(theme_code, ','), '') FROM (SELECT theme_code FROM theme_assignments
         WHERE recommendation_id = NEW.recommendation_id AND (source <> 'suggested' OR confirmed_at IS NOT NULL)
         ORDER BY theme_code COLLATE BINARY))
     WHERE id = NEW.recommendation_id;
    UPDATE recommendations SET theme_set = (SELECT COALESCE(group_concat(theme_code, ','), '') FROM (SELECT theme_code FROM theme_assignments
         WHERE recommendation_id = OLD.recommendation_id AND (source <> 'suggested' OR confirmed_at IS NOT NULL)
         ORDER BY theme_code COLLATE BINARY))
     WHERE id = OLD.recommendation_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER theme_assignments_theme_set_delete AFTER DELETE ON theme_assignments BEGIN
    UPDATE recommendations SET theme_set = (SELECT COALESCE(group_concat(theme_code, ','), '') FROM (SELECT theme_code FROM theme_assignments
         WHERE recommendation_id = OLD.recommendation_id AND (source <> 'suggested' OR confirmed_at IS NOT NULL)
         ORDER BY theme_code COLLATE BINARY))
     WHERE id = OLD.recommendation_id;
END;
-- +goose StatementEnd

UPDATE recommendations SET theme_set = (SELECT COALESCE(group_concat(theme_code, ','), '') FROM (SELECT theme_code FROM theme_assignments
         WHERE recommendation_id = recommendations.id AND (source <> 'suggested' OR confirmed_at IS NOT NULL)
         ORDER BY theme_code COLLATE BINARY));

-- +goose Down
DROP TRIGGER theme_assignments_theme_set_delete;
DROP TRIGGER theme_assignments_theme_set_update;
DROP TRIGGER theme_assignments_theme_set_insert;
ALTER TABLE recommendations DROP COLUMN theme_set;
DROP TRIGGER themes_code_no_comma_update;
DROP TRIGGER themes_code_no_comma_insert;
