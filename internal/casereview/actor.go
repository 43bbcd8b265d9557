package casereview

import "context"

// Actor is who is acting: a signed-in user, an API token's owner, or the system itself (demo
// loading, migrations). It travels in the context so that the store can attribute every write.
type Actor struct {
	UserID string // empty for the system
	Name   string
}

// System is the actor for work the application does on its own behalf.
var System = Actor{Name: "system"}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or System when there is none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return System
}

// RequestInfo is what the API knows about the request behind a write, for attribution.
type RequestInfo struct {
	RequestID string
	ClientIP  string
}

type requestKey struct{}

// WithRequestInfo returns ctx carrying r.
func WithRequestInfo(ctx context.Context, r RequestInfo) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestInfoFrom returns the request info in ctx, empty when there is none.
func RequestInfoFrom(ctx context.Context) RequestInfo {
	r, _ := ctx.Value(requestKey{}).(RequestInfo)
	return r
}
