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
