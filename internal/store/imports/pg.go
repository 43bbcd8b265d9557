package imports

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// pgArray is a PostgreSQL text[] literal passed as one parameter (gorm would expand a slice).
type pgArray []*string

func (a pgArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		if v == nil {
			b.WriteString("NULL")
			continue
		}
		b.WriteByte('"')
		for _, r := range *v {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// insertRows writes rows in batches. On PostgreSQL it sends each column as one array and
// inserts from unnest(): one short statement per batch instead of a VALUES list with a bind
// parameter per cell, which PostgreSQL parses and plans far more slowly. Elsewhere it is gorm's
// batched INSERT.
func (p *importPlan) insertRows(rows any, omit ...string) error {
	v := reflect.ValueOf(rows)
	if v.Len() == 0 {
		return nil
	}
	db := p.db
	if !p.postgres {
		return db.Omit(omit...).Create(rows).Error
	}
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(v.Index(0).Addr().Interface()); err != nil {
		return err
	}
	types, err := p.columnTypes(stmt.Schema.Table)
	if err != nil {
		return err
	}
	var fields []*schema.Field
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" && f.Creatable && !slices.Contains(omit, f.DBName) {
			fields = append(fields, f)
		}
	}
	ctx := context.Background()
	for start := 0; start < v.Len(); start += 5000 {
		end := min(start+5000, v.Len())
		cols := make([]pgArray, len(fields))
		for i := start; i < end; i++ {
			rv := v.Index(i)
			for j, f := range fields {
				val, _ := f.ValueOf(ctx, rv)
				s, err := cellText(val)
				if err != nil {
					return fmt.Errorf("%s.%s: %w", stmt.Schema.Table, f.DBName, err)
				}
				cols[j] = append(cols[j], s)
			}
		}
		names, selects, unnests := make([]string, len(fields)), make([]string, len(fields)), make([]string, len(fields))
		args := make([]any, len(fields))
		for j, f := range fields {
			typ := types[f.DBName]
			if typ == "" {
				return fmt.Errorf("%s has no column %s", stmt.Schema.Table, f.DBName)
			}
			names[j] = f.DBName
			selects[j] = fmt.Sprintf("u.c%d::%s", j, typ)
			unnests[j] = "?::text[]"
			args[j] = cols[j]
		}
		cnames := make([]string, len(fields))
		for j := range fields {
			cnames[j] = fmt.Sprintf("c%d", j)
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS u(%s)", stmt.Schema.Table, strings.Join(names, ", "),
			strings.Join(selects, ", "), strings.Join(unnests, ", "), strings.Join(cnames, ", "))
		if err := db.Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// columnTypes reads the SQL types of a table's columns, for the casts out of text.
func (p *importPlan) columnTypes(table string) (map[string]string, error) {
	var cols []struct {
		Name string `gorm:"column:column_name"`
		Type string `gorm:"column:data_type"`
	}
	if err := p.db.Raw("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", table).
		Scan(&cols).Error; err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range cols {
		out[c.Name] = c.Type
	}
	return out, nil
}

// cellText renders a field value as PostgreSQL reads it from text; nil is NULL.
func cellText(v any) (*string, error) {
	if vr, ok := v.(driver.Valuer); ok {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nil
		}
		x, err := vr.Value()
		if err != nil {
			return nil, err
		}
		v = x
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return nil, nil
	}
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		return cellText(rv.Elem().Interface())
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case bool:
		s = strconv.FormatBool(x)
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case time.Time:
		s = x.UTC().Format(time.RFC3339Nano)
	default:
		return nil, fmt.Errorf("cannot write %T", v)
	}
	return &s, nil
}
