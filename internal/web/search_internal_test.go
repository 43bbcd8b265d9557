package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/frontend"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// markHighlight must not trust the index: whatever a passage holds, only balanced, bare <mark>
// tags come out as markup.
func TestMarkHighlight(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"risk &lt;b&gt;assessment&lt;/b&gt; <mark>DASH</mark> form", `risk &lt;b&gt;assessment&lt;/b&gt; <mark class="app-hit">DASH</mark> form`},
		{"raw <script>alert(1)</script> <mark>word</mark>", `raw &lt;script&gt;alert(1)&lt;/script&gt; <mark class="app-hit">word</mark>`},
		{"<mark onclick=x>a</mark>", `&lt;mark onclick=x&gt;a`},
		{"</mark>x<mark>y", `x<mark class="app-hit">y</mark>`},
		{"<mark><mark>y</mark></mark>", `<mark class="app-hit">y</mark>`},
		{"Tom &amp; Jerry&#39;s &quot;plan&quot;", `Tom &amp; Jerry&#39;s &#34;plan&#34;`},
		{"&amp;lt;mark&amp;gt;", `&amp;lt;mark&amp;gt;`},
		{"&lt;mark&gt;not a tag&lt;/mark&gt;", `&lt;mark&gt;not a tag&lt;/mark&gt;`},
	} {
		if got := string(markHighlight(c.in)); got != c.want {
			t.Errorf("markHighlight(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// fakeSearcher answers every search with found or err.
type fakeSearcher struct {
	found search.Found
	err   error
	got   search.Params
}

func (f *fakeSearcher) Find(_ context.Context, p search.Params) (search.Found, error) {
	f.got = p
	return f.found, f.err
}

// fakeRecords serves the few reads the page makes around a search; any other call panics.
type fakeRecords struct{ casereview.Service }

func (fakeRecords) ReviewsByID(_ context.Context, ids []string) (map[string]casereview.Review, error) {
	out := map[string]casereview.Review{}
	for _, id := range ids {
		out[id] = casereview.Review{ID: id, Type: "SAR", Reference: "ES-SAR-2019-01"}
	}
	return out, nil
}

func searchPageFor(t *testing.T, s Searcher, target string) *httptest.ResponseRecorder {
	t.Helper()
	h := &Handler{o: Options{Templates: frontend.Templates(), Search: s}, svc: fakeRecords{}, log: slog.Default(), now: time.Now}
	if err := h.loadTemplates(); err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, target, nil)
	h.search(c)
	return rec
}

// While the index is first built, the search page stays a search page: a warning, not an error
// page, and the database's listing when the Finder gives one.
func TestSearchWhileTheIndexIsBuilt(t *testing.T) {
	rec := searchPageFor(t, &fakeSearcher{err: &casereview.Error{Code: casereview.CodeUnavailable,
		Message: "the search index is being built; try again in a minute", RetryAfter: 30 * time.Second}}, "/search?q=stalking")
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "30" {
		t.Errorf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if !strings.Contains(body, "govuk-warning-text") || !strings.Contains(body, "Search is being rebuilt") ||
		strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, `value="stalking"`) {
		t.Errorf("the page while search is unavailable:\n%s", body)
	}

	fake := &fakeSearcher{found: search.Found{Source: search.SourceDatabase, Total: 1, Items: []search.Match{{
		Recommendation: casereview.Recommendation{ID: "rec-1", ReviewID: "rev-1", Number: "4", Title: "Carers' assessments",
			Text: "The council should offer every carer an assessment."}}}}}
	rec = searchPageFor(t, fake, "/search?type=SAR")
	body = rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "comes straight from the records") ||
		!strings.Contains(body, `href="/recommendations/rec-1"`) || !strings.Contains(body, "ES-SAR-2019-01, recommendation 4") {
		t.Errorf("the database listing: %d\n%s", rec.Code, body)
	}
	if got := fake.got; len(got.Type) != 1 || got.Type[0] != "SAR" || got.Sort == nil || *got.Sort != search.SortNewest || got.Limit == nil || *got.Limit != searchPageSize {
		t.Errorf("the Finder was asked %+v", got)
	}
}
