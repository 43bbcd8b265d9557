package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/casereview/casereview/frontend"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/web"
)

// webHandler builds the HTML pages over the same store and sign-in service as the API.
func (a *App) webHandler(finder *search.Finder) (http.Handler, error) {
	if !frontend.Built() {
		a.log.Warn("the web UI's assets were not built into this binary: pages will be unstyled (run make build)")
	}
	o := web.Options{Service: a.store, Summaries: a.summaries, Auth: a.auth, Logger: a.log, Now: a.now, Version: Version,
		CookieSecure: a.cfg.CookieSecure, TrustedProxies: a.cfg.TrustedProxies, SessionIdle: a.cfg.SessionIdle,
		Templates: frontend.Templates(), Assets: frontend.Assets(), Search: finder, Observe: a.metrics.observeRequest,
		SDCThreshold: a.cfg.SDCThreshold, Imports: a.imports, EmailConfigured: a.cfg.SMTPURL != "", Recurrence: a.store, Nearest: nearestFinder{a},
		Reports: a.notify.Reports}
	if a.search != nil {
		o.Similar = finder // the same more-like-this as GET /api/v1/recommendations/{id}/similar
		o.AfterWrite = func(ctx context.Context) {
			if head, err := a.store.JournalHead(ctx); err == nil {
				a.search.WaitFor(ctx, head, time.Second)
			}
		}
	}
	return web.New(o)
}

// splitHandler sends the JSON API (and the health checks) to api and every other path to the
// web pages.
func splitHandler(api, pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz" {
			api.ServeHTTP(w, r)
			return
		}
		pages.ServeHTTP(w, r)
	})
}
