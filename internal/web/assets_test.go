package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/frontend"
	"github.com/casereview/casereview/internal/web"
)

// pageWeightBudget bounds the compressed CSS and JavaScript a first visit downloads.
const pageWeightBudget = 200 * 1024

// assetServer is the web UI alone over the built assets: the sign-in page and /assets need no
// database.
func assetServer(t *testing.T) *httptest.Server {
	t.Helper()
	if !frontend.Built() {
		t.Skip("the frontend assets are not built: run make assets (make test does)")
	}
	h, err := web.New(web.Options{Templates: frontend.Templates(), Assets: frontend.Assets(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

type fetched struct {
	status int
	header http.Header
	raw    []byte // as sent on the wire
}

func fetch(t *testing.T, method, u string, hdr ...string) fetched {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// A transport of our own with compression off, so the test sees the bytes as sent.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fetched{res.StatusCode, res.Header, b}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// moduleImports finds the static imports of an ES module (import … from "x", import "x",
// export … from "x"), minified or not.
var moduleImports = regexp.MustCompile(`(?:\bfrom|\bimport)\s*["']([^"']+)["']`)

// TestFirstVisitWeight: the stylesheets and scripts of a first visit to the sign-in page (the
// page's own <link rel=stylesheet> and <script src>, and every module they import) come gzipped
// and weigh at most pageWeightBudget.
func TestFirstVisitWeight(t *testing.T) {
	srv := assetServer(t)
	page := fetch(t, "GET", srv.URL+"/sign-in")
	if page.status != http.StatusOK {
		t.Fatalf("GET /sign-in: %d", page.status)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page.raw))
	if err != nil {
		t.Fatal(err)
	}
	var queue []string
	doc.Find(`link[rel="stylesheet"][href], script[src]`).Each(func(_ int, s *goquery.Selection) {
		if v, ok := s.Attr("href"); ok {
			queue = append(queue, v)
		} else if v, ok := s.Attr("src"); ok {
			queue = append(queue, v)
		}
	})
	if len(queue) < 2 {
		t.Fatalf("the sign-in page links %v: want its stylesheets and script", queue)
	}
	base, _ := url.Parse(srv.URL + "/sign-in")
	seen := map[string]bool{}
	total, totalRaw, modules := 0, 0, 0
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		u, err := base.Parse(ref)
		if err != nil {
			t.Fatalf("bad URL %q: %v", ref, err)
		}
		if u.Host != base.Host {
			t.Errorf("%s is on another host", u)
			continue
		}
		if seen[u.Path] {
			continue
		}
		seen[u.Path] = true
		gz := fetch(t, "GET", u.String(), "Accept-Encoding", "gzip, deflate, br")
		plain := fetch(t, "GET", u.String())
		if gz.status != http.StatusOK || plain.status != http.StatusOK {
			t.Errorf("GET %s: %d, %d", u.Path, gz.status, plain.status)
			continue
		}
		if gz.header.Get("Content-Encoding") != "gzip" || !strings.Contains(gz.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Content-Encoding %q, Vary %q: want gzip and Accept-Encoding", u.Path, gz.header.Get("Content-Encoding"), gz.header.Get("Vary"))
			continue
		}
		if plain.header.Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip sent to a client that did not ask for it", u.Path)
		}
		body := gunzip(t, gz.raw)
		if !bytes.Equal(body, plain.raw) {
			t.Errorf("%s: the gzip body does not unpack to the file", u.Path)
		}
		total += len(gz.raw)
		totalRaw += len(plain.raw)
		t.Logf("%-40s %7d bytes, %6d gzipped", u.Path, len(plain.raw), len(gz.raw))
		if ext := path.Ext(u.Path); ext == ".mjs" || ext == ".js" {
			modules++
			for _, m := range moduleImports.FindAllSubmatch(body, -1) {
				if s := string(m[1]); strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") {
					next, _ := u.Parse(s)
					queue = append(queue, next.String())
				}
			}
		}
	}
	if !seen["/assets/govuk-frontend.min.js"] || !seen["/assets/timeout.mjs"] || modules < 3 {
		t.Errorf("the modules app.mjs imports were not followed: %v", seen)
	}
	t.Logf("first visit to /sign-in: CSS and JavaScript %d bytes gzipped (%d bytes unpacked) in %d files; budget %d",
		total, totalRaw, len(seen), pageWeightBudget)
	if total > pageWeightBudget {
		t.Errorf("a first visit loads %d bytes of gzipped CSS and JavaScript: more than the %d-byte budget", total, pageWeightBudget)
	}
}

// TestAssetHeaders: gzip only when accepted, ETags per representation with 304s, HEAD without
// a body, long caching only for URLs carrying the current asset version, fonts as they are.
func TestAssetHeaders(t *testing.T) {
	srv := assetServer(t)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(fetch(t, "GET", srv.URL+"/sign-in").raw))
	if err != nil {
		t.Fatal(err)
	}
	versioned, _ := doc.Find(`link[href^="/assets/govuk-frontend.min.css"]`).Attr("href")
	if !strings.Contains(versioned, "?v=") {
		t.Fatalf("the stylesheet URL %q carries no version", versioned)
	}
	css := srv.URL + versioned

	gz := fetch(t, "GET", css, "Accept-Encoding", "gzip")
	plain := fetch(t, "GET", css, "Accept-Encoding", "identity")
	if gz.header.Get("Content-Encoding") != "gzip" || plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("Content-Encoding: %q with gzip accepted, %q without", gz.header.Get("Content-Encoding"), plain.header.Get("Content-Encoding"))
	}
	if ct := gz.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type = %q", ct)
	}
	if len(gz.raw)*3 > len(plain.raw) {
		t.Errorf("gzip saves little: %d of %d bytes", len(gz.raw), len(plain.raw))
	}
	for _, c := range []struct {
		accept string
		gzip   bool
	}{{"gzip;q=0", false}, {"gzip;q=0.5, br", true}, {"*", true}, {"*;q=0", false}, {"br, *;q=0.1", true}, {"gzip;q=0, *", false}, {"", false}} {
		if got := fetch(t, "GET", css, "Accept-Encoding", c.accept).header.Get("Content-Encoding") == "gzip"; got != c.gzip {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", c.accept, got, c.gzip)
		}
	}

	etagGz, etagPlain := gz.header.Get("ETag"), plain.header.Get("ETag")
	if etagGz == "" || etagPlain == "" || etagGz == etagPlain {
		t.Errorf("ETags %q (gzip) and %q (identity): want two different ones", etagGz, etagPlain)
	}
	if r := fetch(t, "GET", css, "Accept-Encoding", "gzip", "If-None-Match", etagGz); r.status != http.StatusNotModified || len(r.raw) != 0 {
		t.Errorf("If-None-Match with the gzip ETag: %d, %d bytes", r.status, len(r.raw))
	}
	if r := fetch(t, "GET", css, "Accept-Encoding", "gzip", "If-None-Match", etagPlain); r.status != http.StatusOK {
		t.Errorf("If-None-Match with the other representation's ETag: %d, want 200", r.status)
	}

	head := fetch(t, "HEAD", css, "Accept-Encoding", "gzip")
	if head.status != http.StatusOK || len(head.raw) != 0 || head.header.Get("Content-Encoding") != "gzip" ||
		head.header.Get("Content-Length") != gz.header.Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, %q, length %q (GET %q)", head.status, len(head.raw), head.header.Get("Content-Encoding"),
			head.header.Get("Content-Length"), gz.header.Get("Content-Length"))
	}

	if cc := gz.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned URL: Cache-Control %q, want immutable", cc)
	}
	// Modules imported by app.mjs carry no version: the browser must check them again.
	if cc := fetch(t, "GET", srv.URL+"/assets/timeout.mjs").header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("unversioned module: Cache-Control %q, want no-cache", cc)
	}
	if cc := fetch(t, "GET", srv.URL+"/assets/app.css?v=old").header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("another version's URL: Cache-Control %q, want no-cache", cc)
	}
	if ct := fetch(t, "GET", srv.URL+"/assets/timeout.mjs").header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("module Content-Type = %q", ct)
	}

	// Fonts are compressed already: sent as they are, kept a day when unversioned.
	fonts, _ := fs.Glob(frontend.Assets(), "fonts/*.woff2")
	if len(fonts) == 0 {
		t.Fatal("no woff2 font among the assets")
	}
	font := fetch(t, "GET", srv.URL+"/assets/"+fonts[0], "Accept-Encoding", "gzip")
	if font.status != http.StatusOK || font.header.Get("Content-Encoding") != "" || font.header.Get("Vary") != "" {
		t.Errorf("font: %d, Content-Encoding %q, Vary %q", font.status, font.header.Get("Content-Encoding"), font.header.Get("Vary"))
	}
	if cc := font.header.Get("Cache-Control"); cc != "public, max-age=86400" {
		t.Errorf("font Cache-Control = %q", cc)
	}

	for _, p := range []string{"/assets/nope.css", "/assets/fonts", "/assets/.built", "/assets/../go.mod"} {
		if r := fetch(t, "GET", srv.URL+p); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
}
