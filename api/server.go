// Package api is the HTTP contract (openapi.yaml) and its gin adapter. The server and the models
// are generated from the specification; the hand-written handlers, one file per resource, turn
// requests into domain calls and domain results into responses.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/httplog"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/search"
)

// Options configures the router.
type Options struct {
	Service      casereview.Service
	Logger       *slog.Logger
	MaxBodyBytes int64
	Version      string
	// Now is the clock; tests fix it.
	Now func() time.Time
	// TrustedProxies lists the proxies whose X-Forwarded-For is believed when working out the
	// client address (for throttling and the audit trail). Empty: trust none.
	TrustedProxies []string
	// Search, Indexer and Heads serve GET /api/v1/search and read-your-writes; without them search
	// answers 503.
	Search  search.Index
	Indexer Indexer
	Heads   JournalHeads
	// Finder, when set, is the search the HTML pages share; otherwise one is built over Search and
	// Indexer.
	Finder *search.Finder
	// Auth signs people in; without it every caller is Unauthenticated.
	Auth         *auth.Service
	CookieSecure CookieSecure
	// Unauthenticated is who a caller without credentials acts as: Anonymous in every real
	// deployment. Tests of the data rules set casereview.System here; nothing in the
	// configuration can.
	Unauthenticated *casereview.Actor
	// Observe, when set, hears each request's route, method, status and duration (the metrics).
	Observe func(route, method string, status int, took time.Duration)
	// SearchControl reports the search index's state in /readyz and rebuilds it for admins;
	// without it /readyz says nothing of search and a rebuild answers 503.
	SearchControl SearchControl
	// SDCThreshold is the smallest count shown in summaries marked for sharing (default 5).
	SDCThreshold int
	// Summaries serves the /summaries endpoints (internal/store/summaries).
	Summaries casereview.SummaryService
	// ImportGate bounds the import jobs running and waiting at once; without it,
	// importer.NewGate(importer.DefaultRunning, importer.DefaultQueue).
	ImportGate *importer.Gate
	// State exports and imports an instance's state (internal/store/state).
	State casereview.StateService
	// Imports runs import jobs (over internal/store/imports), shared with the web UI; without
	// it, imports answer 503.
	Imports *importer.Jobs
	// Reports runs a report schedule now (internal/notify.Reports); nil says it is unavailable.
	Reports casereview.ReportRunner
	// PDFText says which PDF text extractor this process found at start (internal/extract), for
	// /readyz: reading a report's recommendations from a PDF needs one.
	PDFText string
	// Nearest scores a draft against the recurrence clusters (internal/recurrence); nil answers
	// 503 from GET /api/v1/recurrence/nearest.
	Nearest NearestFinder
}

// Server implements the generated StrictServerInterface.
type Server struct {
	svc          casereview.Service
	sums         casereview.SummaryService
	state        casereview.StateService
	finder       *search.Finder
	auth         *auth.Service
	version      string
	now          func() time.Time
	cookieSecure CookieSecure
	sessionMax   time.Duration
	sdcThreshold int
	searchCtl    SearchControl
	jobs         *importer.Jobs
	pdfText      string
	nearest      NearestFinder
	reports      casereview.ReportRunner
}

var _ StrictServerInterface = (*Server)(nil)

func init() {
	// Unknown fields in a body are a client mistake worth reporting, not something to ignore.
	binding.EnableDecoderDisallowUnknownFields = true
	gin.SetMode(gin.ReleaseMode)
}

// NewRouter builds the gin engine with every route of the specification.
func NewRouter(o Options) *gin.Engine {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	r := gin.New()
	// Without this gin believes X-Forwarded-For from anyone, and a caller could choose the address
	// that login throttling and the audit trail record.
	if err := r.SetTrustedProxies(o.TrustedProxies); err != nil {
		o.Logger.Error("ignoring CASEREVIEW_TRUSTED_PROXIES", "error", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.ContextWithFallback = true // handlers' context.Context carries the request's values
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false // an API answers a wrong path with a problem, not an HTML redirect
	fallback := casereview.Anonymous
	if o.Unauthenticated != nil {
		fallback = *o.Unauthenticated
	}
	if o.CookieSecure == "" {
		o.CookieSecure = CookieSecureAuto
	}
	declared, err := declaredQueryParams()
	if err != nil { // the embedded specification is part of the build: it cannot fail to load
		panic("api: the embedded OpenAPI specification does not load: " + err.Error())
	}
	r.Use(httplog.RequestID(), httplog.AccessLog(o.Logger), httplog.Observe(o.Observe), recoverProblem(), securityHeaders(), limitBody(o.MaxBodyBytes), refuseControlInQuery(),
		refuseUnknownQuery(declared), notModified(), authenticate(o.Auth, fallback, o.CookieSecure))
	r.NoRoute(func(c *gin.Context) {
		writeProblemStatus(c, http.StatusNotFound, "no such endpoint; see /api/v1/openapi.yaml")
	})
	r.NoMethod(func(c *gin.Context) {
		writeProblemStatus(c, http.StatusMethodNotAllowed, "this endpoint does not accept "+c.Request.Method)
	})
	finder := o.Finder
	if finder == nil {
		finder = search.NewFinder(o.Service, o.Search, o.Indexer, o.Now)
		finder.Threshold(o.SDCThreshold)
	}
	s := &Server{svc: o.Service, sums: o.Summaries, state: o.State, finder: finder, auth: o.Auth, version: o.Version, now: o.Now, cookieSecure: o.CookieSecure, sessionMax: 12 * time.Hour}
	if o.Auth != nil {
		s.sessionMax = o.Auth.AbsoluteTimeout()
	}
	s.sdcThreshold, s.searchCtl, s.jobs = o.SDCThreshold, o.SearchControl, o.Imports
	s.pdfText = o.PDFText
	s.nearest = o.Nearest
	s.reports = o.Reports
	if s.jobs == nil {
		s.jobs = importer.NewJobs(o.Service, nil, o.State, o.ImportGate, func() time.Time { return s.now() })
	}
	if s.sdcThreshold < 2 {
		s.sdcThreshold = casereview.DefaultSDCThreshold
	}
	var middlewares []StrictMiddlewareFunc
	if o.Indexer != nil && o.Heads != nil {
		middlewares = append(middlewares, readYourWrites(o.Indexer, o.Heads))
	}
	h := NewStrictHandlerWithOptions(s, middlewares, StrictGinServerOptions{
		RequestErrorHandlerFunc:  func(c *gin.Context, err error) { writeProblem(c, decodeError(err)) },
		HandlerErrorFunc:         writeProblem,
		ResponseErrorHandlerFunc: writeProblem,
	})
	RegisterHandlersWithOptions(r, h, GinServerOptions{ErrorHandler: paramError})
	serveHead(r)
	return r
}

// ctxOf returns the request context behind a strict handler's context.
func ctxOf(ctx context.Context) context.Context {
	if c, ok := ctx.(*gin.Context); ok {
		return c.Request.Context()
	}
	return ctx
}
