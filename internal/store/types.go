package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// nullDate stores a calendar date: a DATE on PostgreSQL, ISO text on SQLite.
type nullDate struct {
	D     casereview.Date
	Valid bool
}

func dateOf(d *casereview.Date) nullDate {
	if d == nil {
		return nullDate{}
	}
	return nullDate{D: *d, Valid: true}
}

func (n nullDate) ptr() *casereview.Date {
	if !n.Valid {
		return nil
	}
	d := n.D
	return &d
}

func (n *nullDate) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n = nullDate{}
		return nil
	case time.Time:
		*n = nullDate{D: casereview.DateOf(x), Valid: true}
		return nil
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	}
	return fmt.Errorf("cannot read a date from %T", v)
}

func (n *nullDate) parse(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	d, err := casereview.ParseDate(s)
	if err != nil {
		return err
	}
	*n = nullDate{D: d, Valid: true}
	return nil
}

func (n nullDate) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.D.String(), nil
}

// jsonList stores a short list of strings as JSON text: lists that are shown, never filtered on.
type jsonList []string

func (l *jsonList) Scan(v any) error {
	var raw []byte
	switch x := v.(type) {
	case nil:
		*l = nil
		return nil
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	default:
		return fmt.Errorf("cannot read a list from %T", v)
	}
	return json.Unmarshal(raw, (*[]string)(l))
}

func (l jsonList) Value() (driver.Value, error) {
	if l == nil {
		l = jsonList{}
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}
