// Package web is the HTML adapter: server-rendered pages and plain HTML forms (html/template with
// the GOV.UK and MOJ design systems) over the same domain services as the JSON API. It holds no
// rule, permission or query of its own: every read and write goes through casereview.Service
// (and the sign-in service), which check the actor carried in the request context, so nothing the
// API refuses is possible here. JavaScript only enhances: every journey works as forms that post,
// with the server redirecting afterwards (POST/redirect/GET).
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/httplog"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/search"
)

// Options configures the web UI.
type Options struct {
	Service casereview.Service
	Auth    *auth.Service
	// AfterWrite, when set, waits (briefly) until this process's search index has applied every
	// committed change, so a person who changes something and then searches sees it.
	AfterWrite func(ctx context.Context)
	Logger     *slog.Logger
	Now        func() time.Time
	Version    string
	// CookieSecure is "auto" (when the request came over TLS), "always" or "never".
	CookieSecure   string
	TrustedProxies []string
	// Templates and Assets are the frontend's files (frontend.Templates(), frontend.Assets()).
	Templates fs.FS
	Assets    fs.FS
	// SessionIdle is how long an unused session lasts; pages warn before it ends.
	SessionIdle time.Duration
	// Search is the same search as GET /api/v1/search (search.Finder); without it the search
	// page says search is unavailable.
	Search Searcher
	// Similar answers "more like this" for the recommendation page (search.Finder, as the API
	// uses); nil where no search index runs, and the page then leaves the section out.
	Similar SimilarFinder
	// Recurrence answers "made before": the earlier recommendations in a recommendation's
	// recurrence cluster the caller may read (internal/recurrence; the store). Nil leaves the
	// section out.
	Recurrence RecurrenceReader
	// Nearest answers the earlier recommendations closest to a draft, for the recommendation
	// form (GET /recommendations/earlier); nil says it cannot be shown.
	Nearest NearestFinder
	// SDCThreshold is the smallest count the public figures show (default
	// casereview.DefaultSDCThreshold), as for the summaries API's shareable output.
	SDCThreshold int
	// EmailConfigured says an SMTP server is configured: the outbox page then says emails are
	// sent, not kept.
	EmailConfigured bool
	// PublicRate and PublicBurst limit each client address on the public pages: PublicBurst
	// pages at once, then PublicRate a second (defaults DefaultPublicRate, DefaultPublicBurst).
	PublicRate  float64
	PublicBurst int
	// Observe, when set, hears each request's route, method, status and duration (the metrics).
	Observe func(route, method string, status int, took time.Duration)
	// Summaries serves the public figures (internal/store/summaries).
	Summaries casereview.SummaryService
	// Imports runs import jobs (the same runner as POST /api/v1/imports); without it the
	// upload pages say imports are unavailable.
	Imports *importer.Jobs
	// Reports runs a report schedule now (internal/notify.Reports); nil says it is unavailable.
	Reports casereview.ReportRunner
}

// Searcher runs one search as the actor in the context: search.Finder, shared with the API.
type Searcher interface {
	Find(ctx context.Context, p search.Params) (search.Found, error)
}

// SimilarFinder finds the recommendations in other reviews most like one recommendation, under
// the caller's read scope and re-checked against the database.
type SimilarFinder interface {
	Similar(ctx context.Context, id string, p search.SimilarParams) (search.SimilarFound, error)
}

// RecurrenceReader lists the earlier recommendations in a recommendation's recurrence cluster,
// under the caller's read scope.
type RecurrenceReader interface {
	MadeBefore(ctx context.Context, id string) ([]casereview.Recommendation, error)
	RecurringClusters(ctx context.Context, limit int, keep map[string]int64) ([]casereview.RecurringCluster, error)
}

// Handler serves the web UI.
type Handler struct {
	o        Options
	svc      casereview.Service
	sums     casereview.SummaryService
	auth     *auth.Service
	log      *slog.Logger
	now      func() time.Time
	pages    *pageSet
	assetVer string
	limit    *limiter // the public pages' rate limit per client
	uploads  uploads  // files checked and not yet imported (imports.go)
}

// New builds the web UI's router. It fails when a template does not parse.
func New(o Options) (http.Handler, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CookieSecure == "" {
		o.CookieSecure = "auto"
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = 30 * time.Minute
	}
	h := &Handler{o: o, svc: o.Service, sums: o.Summaries, auth: o.Auth, log: o.Logger, now: o.Now,
		limit: newLimiter(o.PublicRate, o.PublicBurst, time.Now)} // real time: a test clock that stands still must not starve it
	if err := h.loadTemplates(); err != nil {
		return nil, err
	}
	h.assetVer = assetVersion(o.Assets)
	r := gin.New()
	if err := r.SetTrustedProxies(o.TrustedProxies); err != nil {
		_ = r.SetTrustedProxies(nil)
	}
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.Use(httplog.RequestID(), httplog.AccessLog(o.Logger), httplog.Observe(o.Observe), h.recover(), h.securityHeaders(), h.identify(), h.checkCSRF())
	h.routes(r)
	r.NoRoute(func(c *gin.Context) { h.fail(c, casereview.NotFound("page")) })
	r.NoMethod(func(c *gin.Context) { h.fail(c, casereview.NotFound("page")) })
	return r, nil
}

// errNotBuilt answers a screen that does not exist (yet).
var errNotBuilt = casereview.NotFound("page")
