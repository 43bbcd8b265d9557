package searcheval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/app"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/eval"
	"github.com/casereview/casereview/internal/importer/pfdimport"
	"github.com/casereview/casereview/internal/store/imports"
)

// product is the real application on an embedded database holding the imported corpus, served
// over HTTP, with a signed-in oversight officer.
type product struct {
	app    *app.App
	srv    *httptest.Server
	client *http.Client
	csrf   string
	stop   context.CancelFunc
	docs   []doc
}

func startProduct(ctx context.Context, env *eval.Env, pfdDir string) (*product, error) {
	cfg, err := config.Load(func(string) string { return "" }, nil)
	if err != nil {
		return nil, err
	}
	cfg.DataDir, cfg.DatabaseURL = env.TempDir, "" // embedded SQLite, thrown away afterwards
	if cfg.SecretKey, err = auth.NewSecretKey(); err != nil {
		return nil, err
	}
	cfg.Reconcile, cfg.Notifications = 0, false
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return nil, fmt.Errorf("start the application: %w", err)
	}
	p := &product{app: a}
	sysCtx := casereview.WithActor(ctx, casereview.System)
	res, err := pfdimport.Import(sysCtx, imports.Over(a.Store()), pfdimport.Options{Dir: pfdDir})
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("import the PFD corpus: %w", err)
	}
	fmt.Fprintf(env.Log, "search eval: imported %d reports, %d recommendations\n", res.Reports, res.Items)
	bg, stop := context.WithCancel(ctx)
	p.stop = stop
	a.Start(bg) // the index is new: the indexer fills it from the database, then follows the journal
	p.srv = httptest.NewServer(a.Handler())
	if err := p.signIn(sysCtx); err != nil {
		p.close()
		return nil, err
	}
	if err := p.waitForIndex(ctx); err != nil {
		p.close()
		return nil, err
	}
	if p.docs, err = documents(sysCtx, a); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *product) close() {
	if p.srv != nil {
		p.srv.Close()
	}
	if p.stop != nil {
		p.stop()
	}
	p.app.Close()
}

// documents reads what the index holds of every recommendation: the texts the baselines load
// and the judgements are made on.
func documents(ctx context.Context, a *app.App) ([]doc, error) {
	var out []doc
	after := ""
	for {
		ids, err := a.Store().RecommendationIDsAfter(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return out, nil
		}
		ds, err := a.Store().SearchDocuments(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			extra := append([]string{d.ReviewTitle}, d.OrganisationNames...)
			extra = append(extra, d.OrganisationAliases...)
			out = append(out, doc{ID: d.ID, Title: d.Title, Text: d.Text, Extra: strings.Join(extra, " ; ")})
		}
		after = ids[len(ids)-1]
	}
}

// signIn creates an oversight officer (who reads every recommendation), signs in with a password
// and sets up the authenticator app the role requires, as a person would.
func (p *product) signIn(ctx context.Context) error {
	const email = "eval-oversight@eval.casereview.invalid"
	pw, err := auth.NewSessionID()
	if err != nil {
		return err
	}
	hash, err := p.app.Auth().NewPasswordHash(pw)
	if err != nil {
		return err
	}
	u, err := p.app.Store().CreateUser(ctx, casereview.UserDraft{Email: email, DisplayName: "Evaluation oversight officer"}, hash)
	if err != nil {
		return err
	}
	if _, err := p.app.Store().AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleOversight}); err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	p.client = &http.Client{Jar: jar, Timeout: time.Minute}
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	if err := p.post("/api/v1/auth/login", map[string]string{"email": email, "password": pw}, &login); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	p.csrf = login.CSRF
	var enrol struct {
		Secret string `json:"secret"`
	}
	if err := p.post("/api/v1/me/mfa/totp", nil, &enrol); err != nil {
		return fmt.Errorf("set up an authenticator: %w", err)
	}
	code, err := auth.TOTPCode(enrol.Secret, time.Now())
	if err != nil {
		return err
	}
	return p.post("/api/v1/me/mfa/totp/confirm", map[string]string{"code": code}, nil)
}

func (p *product) post(path string, body, out any) error {
	raw, _ := json.Marshal(body)
	if body == nil {
		raw = nil
	}
	req, err := http.NewRequest(http.MethodPost, p.srv.URL+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if p.csrf != "" {
		req.Header.Set("X-CSRF-Token", p.csrf)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %.300s", path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

type answer struct {
	Source string `json:"source"`
	Items  []struct {
		Recommendation struct {
			ID string `json:"id"`
		} `json:"recommendation"`
	} `json:"items"`
}

func (p *product) get(ctx context.Context, q string, k int) (int, answer, error) {
	var a answer
	u := fmt.Sprintf("%s/api/v1/search?q=%s&limit=%d&facets=none", p.srv.URL, url.QueryEscape(q), k)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, a, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, a, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, a, fmt.Errorf("search answered %d: %.300s", resp.StatusCode, b)
	}
	return resp.StatusCode, a, json.Unmarshal(b, &a)
}

// search asks the HTTP search API, as the results page does, for the best k.
func (p *product) search(ctx context.Context, q string, k int) ([]string, error) {
	_, a, err := p.get(ctx, q, k)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(a.Items))
	for i, it := range a.Items {
		ids[i] = it.Recommendation.ID
	}
	return ids, nil
}

func (p *product) waitForIndex(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Minute)
	for time.Now().Before(deadline) {
		st, a, err := p.get(ctx, "police", 1)
		if err == nil && a.Source == "index" {
			return nil
		}
		if st != http.StatusOK && st != http.StatusServiceUnavailable {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errNoIndex
}
