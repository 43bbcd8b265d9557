package casereview

import "context"

type asOfKey struct{}

// WithAsOf returns ctx asking for derived flags as of d instead of today.
func WithAsOf(ctx context.Context, d Date) context.Context {
	return context.WithValue(ctx, asOfKey{}, d)
}

// AsOfFrom returns the as-of date in ctx, if any.
func AsOfFrom(ctx context.Context) (Date, bool) {
	d, ok := ctx.Value(asOfKey{}).(Date)
	return d, ok
}

// WithAsOfParam applies an as_of parameter (a date; empty for today) to ctx. A date that does
// not parse is a problem with the field as_of.
func WithAsOfParam(ctx context.Context, asOf string) (context.Context, error) {
	if asOf == "" {
		return ctx, nil
	}
	var p Problems
	d := ParseDateField(&p, "as_of", &asOf)
	if err := p.Err(); err != nil {
		return ctx, err
	}
	return WithAsOf(ctx, *d), nil
}
