package api

import (
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

// Conversions shared by the handlers. Absent optional values are sent as explicit nulls so that
// every response has the same shape.

func nullString(p *string) nullable.Nullable[string] {
	if p == nil {
		return nullable.NewNullNullable[string]()
	}
	return nullable.NewNullableWithValue(*p)
}

func nullDate(d *casereview.Date) nullable.Nullable[string] {
	return nullString(casereview.FormatDate(d))
}

func nullInt(p *int) nullable.Nullable[int] {
	if p == nil {
		return nullable.NewNullNullable[int]()
	}
	return nullable.NewNullableWithValue(*p)
}

func nextCursor(c string) nullable.Nullable[string] {
	if c == "" {
		return nullable.NewNullNullable[string]()
	}
	return nullable.NewNullableWithValue(c)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func derefSlice[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// patchString sets *dst when a patch field is present.
func patchString[T ~string](dst *T, v *string) {
	if v != nil {
		*dst = T(*v)
	}
}

// patchNullString applies a nullable patch field: absent leaves dst, null clears it.
func patchNullString(dst **string, v nullable.Nullable[string]) {
	if !v.IsSpecified() {
		return
	}
	if v.IsNull() {
		*dst = nil
		return
	}
	s := v.MustGet()
	*dst = &s
}

// patchNullDate applies a nullable date patch field, recording a problem when it is not a date.
func patchNullDate(p *casereview.Problems, field string, dst **casereview.Date, v nullable.Nullable[string]) {
	if !v.IsSpecified() {
		return
	}
	if v.IsNull() {
		*dst = nil
		return
	}
	s := v.MustGet()
	*dst = casereview.ParseDateField(p, field, &s)
}

// pageOf converts a domain page with conv.
func pageOf[T, U any](p casereview.Page[T], conv func(T) U) ([]U, int64, nullable.Nullable[string]) {
	items := make([]U, len(p.Items))
	for i, x := range p.Items {
		items[i] = conv(x)
	}
	return items, p.Total, nextCursor(p.NextCursor)
}
