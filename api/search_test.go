package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// GET /api/v1/search end to end: data made through the API as the system, searched through the
// router with the background indexer running, as in a deployment.

// srPage is a search answer.
type srPage struct {
	Query string `json:"query"`
	Total int64  `json:"total"`
	Items []struct {
		Recommendation struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Text     string `json:"text"`
			IssuedOn string `json:"issued_on"`
		} `json:"recommendation"`
		Score      float64             `json:"score"`
		Highlights map[string][]string `json:"highlights"`
	} `json:"items"`
	Facets []struct {
		Name   string `json:"name"`
		Values []struct {
			Value string `json:"value"`
			Label string `json:"label"`
			Count int    `json:"count"`
		} `json:"values"`
	} `json:"facets"`
	NextCursor *string `json:"next_cursor"`
	TookMs     float64 `json:"took_ms"`
}

// srWorld is the corpus: six recommendations under three reviews of two partnerships, issued in
// 2019, 2021 and 2023, addressed to three organisations.
type srWorld struct {
	s            *apitest.Server
	pe, pn       string            // Eastmere and Northvale partnerships
	police, nhs  string            // organisations
	housing      string            //
	reviews      map[string]string // "2019", "2021", "2023" -> review id
	rec          map[string]string // "a".."f" -> recommendation id
	key          map[string]string // recommendation id -> "a".."f"
	viewerToken  string            // a viewer of Northvale: public and shared (Northvale keeps its restricted reviews from viewers)
	viewerHeader []string
}

var srAll = []string{"a", "b", "c", "d", "e", "f"}

func srStart(t *testing.T, dialect string) *srWorld {
	t.Helper()
	s := apitest.Start(t, dialect, apitest.Options{})
	w := &srWorld{s: s, reviews: map[string]string{}, rec: map[string]string{}, key: map[string]string{}}
	w.pe = idOf(create(t, s, "partnerships", map[string]any{"name": "Eastmere Community Safety Partnership", "kind": "community_safety_partnership"}))
	w.pn = idOf(create(t, s, "partnerships", map[string]any{"name": "Northvale Safeguarding Partnership", "kind": "other"}))
	w.police = idOf(create(t, s, "organisations", map[string]any{"name": "Eastmere Police", "sector": "police"}))
	w.nhs = idOf(create(t, s, "organisations", map[string]any{"name": "Eastmere NHS Trust", "sector": "nhs_trust"}))
	w.housing = idOf(create(t, s, "organisations", map[string]any{"name": "Northvale Housing", "sector": "housing"}))
	for _, r := range []struct{ year, typ, partnership, published, vis, title string }{
		{"2019", "DHR", w.pe, "2019-05-01", "public", "Adult A"},
		{"2021", "SAR", w.pe, "2021-07-01", "shared", "Adult B"},
		{"2023", "CSPR", w.pn, "2023-03-01", "public", "Child C"},
	} {
		w.reviews[r.year] = idOf(create(t, s, "reviews", map[string]any{"type": r.typ, "partnership_id": r.partnership,
			"reference": "SR-" + r.typ + "-" + r.year, "title": r.title, "status": "published", "published_on": r.published, "visibility": r.vis}))
	}
	for i, r := range []struct {
		key, year, title, text string
		orgs, themes           []string
	}{
		{"a", "2019", "Stalking advocacy", "Police should refer every victim of stalking to a specialist stalking advocacy service.",
			[]string{w.police}, []string{"A09"}},
		{"b", "2019", "Conference attendance", "Health representatives should attend every multi-agency risk assessment conference for high-risk victims.",
			[]string{w.police, w.nhs}, []string{"C01"}},
		{"c", "2021", "Coercive control training", "Deliver training on coercive and controlling behavior to every ward nurse.",
			[]string{w.nhs}, []string{"A02"}},
		{"d", "2021", "Housing protocol", "Housing officers referred victims late; agree a protocol with the MARAC.",
			[]string{w.housing}, []string{"B12"}},
		{"e", "2023", "Information sharing", "Agencies must share information about non-fatal strangulation and controlling behaviour at once.",
			[]string{w.housing, w.police}, []string{"A12", "C03"}},
		{"f", "2023", "Case notes", "Escape <b>x</b> markup in the safeguarding summary.",
			[]string{w.nhs}, nil},
	} {
		body := map[string]any{"review_id": w.reviews[r.year], "number": fmt.Sprint(i + 1), "title": r.title, "text": r.text, "scope": "local"}
		var as, ts []map[string]any
		for _, o := range r.orgs {
			as = append(as, map[string]any{"organisation_id": o, "role": "lead"})
		}
		for _, th := range r.themes {
			ts = append(ts, map[string]any{"code": th})
		}
		body["addressees"], body["themes"] = as, ts
		id := idOf(create(t, s, "recommendations", body))
		w.rec[r.key], w.key[id] = id, r.key
	}
	w.viewerToken = srToken(t, s, "viewer@search.example.org", casereview.MembershipDraft{Role: casereview.RoleViewer, PartnershipID: w.pn})
	w.viewerHeader = []string{"Authorization", "Bearer " + w.viewerToken}
	return w
}

// srToken creates a user with one membership, as the system, and returns an API token of theirs.
func srToken(t *testing.T, s *apitest.Server, email string, m casereview.MembershipDraft) string {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	u, err := s.App.Store().CreateUser(ctx, casereview.UserDraft{Email: email, DisplayName: "Search " + email}, "")
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	if u, err = s.App.Store().AddMembership(ctx, u.ID, m); err != nil {
		t.Fatalf("add membership: %v", err)
	}
	secret, _, err := s.IssueToken(context.Background(), u, "search test")
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return secret
}

// srPath builds a search URL from name, value pairs.
func srPath(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return "/api/v1/search?" + v.Encode()
}

func (w *srWorld) search(t *testing.T, path string, headers ...string) srPage {
	t.Helper()
	r := w.s.Do("GET", path, nil, headers...)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, r.Status, r.Body)
	}
	var p srPage
	r.JSON(t, &p)
	return p
}

// keys names the hits by corpus key ("?" plus the id for a recommendation outside the corpus), in
// the order found.
func (w *srWorld) keys(p srPage) []string {
	out := []string{}
	for _, it := range p.Items {
		k, ok := w.key[it.Recommendation.ID]
		if !ok {
			k = "?" + it.Recommendation.ID
		}
		out = append(out, k)
	}
	return out
}

// found runs a search and returns the sorted keys, checking that the total agrees.
func (w *srWorld) found(t *testing.T, path string, headers ...string) []string {
	t.Helper()
	p := w.search(t, path, headers...)
	got := w.keys(p)
	sort.Strings(got)
	if p.Total != int64(len(got)) {
		t.Errorf("GET %s: total %d, but %d hits %v", path, p.Total, len(got), got)
	}
	return got
}

func (p srPage) facet(name string) (map[string]int, map[string]string, bool) {
	counts, labels := map[string]int{}, map[string]string{}
	for _, f := range p.Facets {
		if f.Name == name {
			for _, v := range f.Values {
				counts[v.Value], labels[v.Value] = v.Count, v.Label
			}
			return counts, labels, true
		}
	}
	return counts, labels, false
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := srStart(t, dialect)
		t.Run("query language", func(t *testing.T) { srQueryLanguage(t, w) })
		t.Run("filters and facets", func(t *testing.T) { srFiltersAndFacets(t, w) })
		t.Run("sort and pagination", func(t *testing.T) { srSortAndPages(t, w) })
		t.Run("refusals", func(t *testing.T) { srRefusals(t, w) })
		t.Run("highlights", func(t *testing.T) { srHighlights(t, w) })
		// Last: it adds and changes records.
		t.Run("read your writes", func(t *testing.T) { srReadYourWrites(t, w) })
	})
}

func srQueryLanguage(t *testing.T, w *srWorld) {
	for _, c := range []struct {
		what, q string
		want    []string
	}{
		{"empty matches everything", "", srAll},
		{"a word", "stalking", []string{"a"}},
		{"words are all required", "victims police", []string{"a", "b"}},
		{"words are all required (none has both)", "stalking nurse", nil},
		{"phrase", `"risk assessment conference"`, []string{"b"}},
		{"phrase is not just its words", `"conference assessment risk"`, nil},
		{"exclusion", "victims -housing", []string{"a", "b"}},
		{"excluded phrase", `victims -"specialist stalking"`, []string{"b", "d"}},
		{"or", "nurse OR strangulation", []string{"c", "e"}},
		{"parentheses", "(nurse OR stalking) -advocacy", []string{"c"}},
		{"theme by slug", "theme:stalking", []string{"a"}},
		{"theme by code", "theme:A09", []string{"a"}},
		{"theme by code in lower case", "theme:a09", []string{"a"}},
		{"theme slug with a hyphen", "theme:coercive-control", []string{"c"}},
		{"themes in brackets", "theme:(stalking OR strangulation)", []string{"a", "e"}},
		{"type", "type:SAR", []string{"c", "d"}},
		{"type in lower case", "type:sar", []string{"c", "d"}},
		{"type and a word", "type:CSPR strangulation", []string{"e"}},
		{"sector", "sector:housing", []string{"d", "e"}},
		{"agency by name", `agency:"Eastmere Police"`, []string{"a", "b", "e"}},
		{"excluded field", "victims -type:DHR", []string{"d"}},
		{"year", "year:2019", []string{"a", "b"}},
		{"year range", "year:2021..2023", []string{"c", "d", "e", "f"}},
		{"year range open at the start", "year:..2020", []string{"a", "b"}},
		{"year range open at the end", "year:2022..", []string{"e", "f"}},
		{"prefix", "protoc*", []string{"d"}},
		{"prefix in text and title", "coerc*", []string{"c"}},
		{"one typo in a long word", "strangulaton", []string{"e"}},
		{"one typo in another long word", "advocasy", []string{"a"}},
		{"no typo forgiven in a short word", "nurz", nil},
		{"abbreviation finds the long form and itself", "MARAC", []string{"b", "d"}},
		{"abbreviation in lower case", "marac", []string{"b", "d"}},
		{"long form finds the abbreviation and itself", `"multi-agency risk assessment conference"`, []string{"b", "d"}},
		{"British finds American", "behaviour", []string{"c", "e"}},
		{"American finds British", "behavior", []string{"c", "e"}},
		{"stemming: referral finds refer and referred", "referral", []string{"a", "d"}},
		{"stemming: referred finds refer", "referred", []string{"a", "d"}},
		{"stemming: controls", "controls", []string{"c", "e"}},
		{"stop words are left out, not required", "victim of stalking", []string{"a"}},
		{"stop words are left out of longer queries", "police should refer", []string{"a"}},
		{"an excluded stop word excludes nothing", "stalking -the", []string{"a"}},
		{"partnership by name", `partnership:"Northvale Safeguarding"`, []string{"e", "f"}},
		{"partnership by id", "partnership:" + w.pn, []string{"e", "f"}},
		{"organisation by id", "org:" + w.housing, []string{"d", "e"}},
		{"review reference", "reference:SR-SAR-2021", []string{"c", "d"}},
		{"number", "number:4", []string{"d"}},
		{"status", "status:awaiting_response", srAll},
		{"response status", "response:accepted", nil},
		{"scope", "scope:local -year:2019", []string{"c", "d", "e", "f"}},
		{"visibility", "visibility:shared", []string{"c", "d"}},
		{"nothing", "zebra", nil},
	} {
		want := c.want
		if want == nil {
			want = []string{}
		}
		if got := w.found(t, srPath("q", c.q, "limit", "100")); !slices.Equal(got, want) {
			t.Errorf("%s: %q found %v, want %v", c.what, c.q, got, want)
		}
	}
	// The query as understood is returned, and reads back to the same results.
	p := w.search(t, srPath("q", "(nurse OR stalking) -advocacy"))
	if p.Query == "" {
		t.Errorf("no query as understood: %+v", p)
	} else if got := w.found(t, srPath("q", p.Query)); !slices.Equal(got, []string{"c"}) {
		t.Errorf("the query as understood, %q, found %v, want [c]", p.Query, got)
	}
	// The index holds everything; the caller's permissions are part of every query. The viewer
	// of Northvale may read public and shared reviews, so everything here.
	if got := w.found(t, srPath("q", "behaviour"), w.viewerHeader...); !slices.Equal(got, []string{"c", "e"}) {
		t.Errorf("viewer: behaviour found %v, want [c e]", got)
	}
}

func srFiltersAndFacets(t *testing.T, w *srWorld) {
	for _, c := range []struct {
		path string
		want []string
	}{
		{srPath("theme", "A09"), []string{"a"}},
		{srPath("theme", "a09"), []string{"a"}},
		{srPath("theme", "A09", "theme", "A02"), []string{"a", "c"}},
		{srPath("theme_group", "A"), []string{"a", "c", "e"}},
		{srPath("type", "SAR", "type", "CSPR"), []string{"c", "d", "e", "f"}},
		{srPath("type", "dhr"), []string{"a", "b"}},
		{srPath("sector", "police", "type", "DHR"), []string{"a", "b"}},
		{srPath("organisation", w.housing), []string{"d", "e"}},
		{srPath("partnership", w.pn), []string{"e", "f"}},
		{srPath("year", "2021"), []string{"c", "d"}},
		{srPath("year", "2019", "year", "2023"), []string{"a", "b", "e", "f"}},
		{srPath("q", "victims", "sector", "police"), []string{"a", "b"}},
		{srPath("q", "victims", "theme", "B12"), []string{"d"}},
		{srPath("type", "MHHR"), []string{}},
	} {
		if got := w.found(t, c.path); !slices.Equal(got, c.want) {
			t.Errorf("GET %s: found %v, want %v", c.path, got, c.want)
		}
	}

	// Every facet by default, in the documented order, with labels for people.
	p := w.search(t, srPath())
	var names []string
	for _, f := range p.Facets {
		names = append(names, f.Name)
	}
	wantNames := []string{"theme", "theme_group", "type", "organisation", "sector", "scope", "intervention", "response",
		"implementation", "oversight", "year", "partnership"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("facets %v, want %v", names, wantNames)
	}
	for _, c := range []struct {
		facet, value string
		count        int
		label        string
	}{
		{"theme", "A09", 1, "Stalking"},
		{"theme", "C03", 1, "Information sharing"},
		{"theme_group", "A", 3, ""},
		{"type", "DHR", 2, ""},
		{"type", "SAR", 2, ""},
		{"type", "CSPR", 2, ""},
		{"organisation", w.police, 3, "Eastmere Police"},
		{"organisation", w.nhs, 3, "Eastmere NHS Trust"},
		{"organisation", w.housing, 2, "Northvale Housing"},
		{"sector", "police", 3, ""},
		{"sector", "housing", 2, ""},
		{"scope", "local", 6, ""},
		{"year", "2019", 2, ""},
		{"year", "2021", 2, ""},
		{"year", "2023", 2, ""},
		{"partnership", w.pe, 4, "Eastmere Community Safety Partnership"},
		{"partnership", w.pn, 2, "Northvale Safeguarding Partnership"},
	} {
		counts, labels, _ := p.facet(c.facet)
		if counts[c.value] != c.count {
			t.Errorf("facet %s: %s counts %d, want %d (%v)", c.facet, c.value, counts[c.value], c.count, counts)
		}
		if c.label != "" && labels[c.value] != c.label {
			t.Errorf("facet %s: %s labelled %q, want %q", c.facet, c.value, labels[c.value], c.label)
		}
		if labels[c.value] == "" {
			t.Errorf("facet %s: %s has no label", c.facet, c.value)
		}
	}
	// Facet counts follow the query and the filters.
	p = w.search(t, srPath("q", "victims", "type", "DHR", "type", "SAR", "facets", "type,year"))
	if len(p.Facets) != 2 || p.Facets[0].Name != "type" || p.Facets[1].Name != "year" {
		t.Fatalf("facets=type,year: got %+v", p.Facets)
	}
	if counts, _, _ := p.facet("type"); len(counts) != 2 || counts["DHR"] != 2 || counts["SAR"] != 1 {
		t.Errorf("victims, type DHR or SAR: type counts %v, want DHR 2, SAR 1", counts)
	}
	if counts, _, _ := p.facet("year"); len(counts) != 2 || counts["2019"] != 2 || counts["2021"] != 1 {
		t.Errorf("victims, type DHR or SAR: year counts %v, want 2019: 2, 2021: 1", counts)
	}
	if p := w.search(t, srPath("facets", "none")); len(p.Facets) != 0 || p.Total != 6 {
		t.Errorf("facets=none: %d facets, total %d", len(p.Facets), p.Total)
	}
}

func srSortAndPages(t *testing.T, w *srWorld) {
	issued := func(p srPage) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Recommendation.IssuedOn)
		}
		return out
	}
	newest := w.search(t, srPath("sort", "newest", "facets", "none"))
	if got, want := issued(newest), []string{"2023-03-01", "2023-03-01", "2021-07-01", "2021-07-01", "2019-05-01", "2019-05-01"}; !slices.Equal(got, want) {
		t.Errorf("sort=newest: issued %v, want %v", got, want)
	}
	oldest := w.search(t, srPath("sort", "oldest", "facets", "none"))
	if got, want := issued(oldest), []string{"2019-05-01", "2019-05-01", "2021-07-01", "2021-07-01", "2023-03-01", "2023-03-01"}; !slices.Equal(got, want) {
		t.Errorf("sort=oldest: issued %v, want %v", got, want)
	}
	// Relevance: a title match (boosted) comes before a match in the text alone.
	rel := w.search(t, srPath("q", "housing", "facets", "none"))
	if got := w.keys(rel); len(got) != 2 || got[0] != "d" {
		t.Errorf("sort=relevance: housing found %v, want d (in the title) first", got)
	}
	for i := 1; i < len(rel.Items); i++ {
		if rel.Items[i].Score > rel.Items[i-1].Score {
			t.Errorf("sort=relevance: scores not descending: %v then %v", rel.Items[i-1].Score, rel.Items[i].Score)
		}
	}

	// Pages follow next_cursor: each hit once, all of them, in the order of a single page.
	for _, q := range []string{"", "victims OR strangulation OR nurse OR marac OR summary OR stalking"} {
		for _, sortBy := range []string{"relevance", "newest", "oldest"} {
			for _, limit := range []string{"1", "2", "4"} {
				whole := w.keys(w.search(t, srPath("q", q, "sort", sortBy, "limit", "100", "facets", "none")))
				var seen []string
				cursor, pages := "", 0
				for ; pages < 20; pages++ {
					kv := []string{"q", q, "sort", sortBy, "limit", limit, "facets", "none"}
					if cursor != "" {
						kv = append(kv, "cursor", cursor)
					}
					p := w.search(t, srPath(kv...))
					if p.Total != int64(len(whole)) {
						t.Errorf("q=%q sort=%s limit=%s page %d: total %d, want %d", q, sortBy, limit, pages, p.Total, len(whole))
					}
					seen = append(seen, w.keys(p)...)
					if p.NextCursor == nil {
						break
					}
					if *p.NextCursor == "" {
						t.Fatalf("q=%q sort=%s limit=%s: empty next_cursor", q, sortBy, limit)
					}
					cursor = *p.NextCursor
				}
				if !slices.Equal(seen, whole) {
					t.Errorf("q=%q sort=%s limit=%s: pages gave %v, want %v (one page)", q, sortBy, limit, seen, whole)
				}
				if len(whole) != 6 {
					t.Errorf("q=%q sort=%s: found %v, want all six", q, sortBy, whole)
				}
			}
		}
	}
	if p := w.search(t, srPath("limit", "1")); len(p.Items) != 1 || p.NextCursor == nil || p.Total != 6 {
		t.Errorf("limit=1: %d items, next_cursor %v, total %d", len(p.Items), p.NextCursor, p.Total)
	}
	if p := w.search(t, srPath("limit", "100")); len(p.Items) != 6 || p.NextCursor != nil {
		t.Errorf("limit=100: %d items, next_cursor %v", len(p.Items), p.NextCursor)
	}
}

func srRefusals(t *testing.T, w *srWorld) {
	const path = "/api/v1/search"
	cursor := func(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }
	invalid := func(field string, kv ...string) {
		t.Helper()
		p := srPath(kv...)
		checkProblem(t, w.s.Do("GET", p, nil), path, problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid",
			Errors: []fieldErr{{Field: field, Code: srCodeOf(t, w, p)}}})
	}
	invalid("limit", "limit", "0")
	invalid("limit", "limit", "101")
	invalid("limit", "limit", "-1")
	invalid("cursor", "cursor", "not a cursor!")
	invalid("cursor", "cursor", cursor(`{"after":1}`))
	invalid("cursor", "cursor", cursor(`[]`))
	invalid("cursor", "cursor", cursor(`["x"]`))
	invalid("cursor", "cursor", cursor(`["1","2","3"]`))
	invalid("cursor", "sort", "newest", "cursor", cursor(`["x"]`))
	invalid("facets", "facets", "type,colour")
	invalid("sort", "sort", "random")
	invalid("q", "q", strings.Repeat("a", 501))
	// 500 characters is allowed.
	if got := w.found(t, srPath("q", strings.Repeat("a", 500))); len(got) != 0 {
		t.Errorf("a 500-letter word found %v", got)
	}

	// A query that cannot be read is a 400 naming q, and where.
	for _, c := range []struct{ q, pos string }{
		{`"unbalanced quote`, "position 0"},
		{`stalking "unbalanced`, "position 9"},
		{"stalking )", "position 9"},
		{"(stalking", "position 0"},
		{"stalking OR", "position 9"},
		{"colour:red", "position 0"},
		{"year:2022..2019", "position 0"},
		{"-stalking", "position 0"},
	} {
		p := srPath("q", c.q)
		r := w.s.Do("GET", p, nil)
		checkProblem(t, r, path, problemWant{Status: http.StatusBadRequest, Type: "malformed", Errors: []fieldErr{{Field: "q", Code: "syntax"}}})
		if msg := srMessage(t, r); !strings.Contains(msg, c.pos) {
			t.Errorf("q=%q: message %q does not say %q", c.q, msg, c.pos)
		}
	}
	// A field the index cannot search is a 400 naming q too.
	checkProblem(t, w.s.Do("GET", srPath("q", "flag:overdue"), nil), path, problemWant{Status: http.StatusBadRequest, Type: "malformed",
		Errors: []fieldErr{{Field: "q", Code: "unsupported"}}})
	// A cursor from another sort order is not an error; it merely starts somewhere else.
	p := w.search(t, srPath("sort", "newest", "limit", "2"))
	if p.NextCursor == nil {
		t.Fatalf("sort=newest limit=2: no next_cursor")
	}
	if r := w.s.Do("GET", srPath("sort", "relevance", "limit", "2", "cursor", *p.NextCursor), nil); r.Status != http.StatusOK && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a newest cursor used for relevance: status %d: %s", r.Status, r.Body)
	}
}

// srCodeOf returns the code of the first field error of a request's problem, so that
// checkProblem compares the field and not the wording of the code.
func srCodeOf(t *testing.T, w *srWorld, path string) string {
	t.Helper()
	var p struct {
		Errors []struct{ Code string } `json:"errors"`
	}
	w.s.Do("GET", path, nil).JSON(t, &p)
	if len(p.Errors) == 0 {
		return ""
	}
	return p.Errors[0].Code
}

func srMessage(t *testing.T, r apitest.Response) string {
	t.Helper()
	var p struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	r.JSON(t, &p)
	if len(p.Errors) == 0 {
		return ""
	}
	return p.Errors[0].Message
}

func srHighlights(t *testing.T, w *srWorld) {
	p := w.search(t, srPath("q", "summary"))
	if got := w.keys(p); !slices.Equal(got, []string{"f"}) {
		t.Fatalf("summary found %v, want [f]", got)
	}
	if text := p.Items[0].Recommendation.Text; !strings.Contains(text, "<b>x</b>") {
		t.Errorf("the recommendation itself is not the stored text: %q", text)
	}
	frag := strings.Join(p.Items[0].Highlights["text"], " … ")
	if !strings.Contains(frag, "<mark>summary</mark>") || !strings.Contains(frag, "&lt;b&gt;x&lt;/b&gt;") || strings.Contains(frag, "<b>") {
		t.Errorf("text snippet %q: want the match in <mark> and the markup escaped", frag)
	}
	// Only <mark> is markup: nothing else in any snippet opens a tag.
	p = w.search(t, srPath("q", "stalking OR strangulation OR markup"))
	for _, it := range p.Items {
		for field, frags := range it.Highlights {
			for _, f := range frags {
				rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f)
				if strings.ContainsAny(rest, "<>") {
					t.Errorf("%s snippet of %s: %q holds markup other than <mark>", field, w.key[it.Recommendation.ID], f)
				}
			}
		}
	}
	p = w.search(t, srPath("q", "stalking"))
	if len(p.Items) != 1 || !strings.Contains(strings.Join(p.Items[0].Highlights["title"], " "), "<mark>Stalking</mark>") {
		t.Errorf("stalking: title snippet %v, want <mark>Stalking</mark>", p.Items)
	}
}

// srReadYourWrites: a successful write answers after this process's index has applied it, and
// says so, so the writer's next search sees the change.
func srReadYourWrites(t *testing.T, w *srWorld) {
	s := w.s
	applied := func(r apitest.Response, what string) {
		t.Helper()
		if got := r.Header.Get("X-Search-Consistency"); got != "applied" {
			t.Errorf("%s: X-Search-Consistency %q, want applied", what, got)
		}
	}
	ids := func(path string, headers ...string) []string {
		t.Helper()
		p := w.search(t, path, headers...)
		out := []string{}
		for _, it := range p.Items {
			out = append(out, it.Recommendation.ID)
		}
		if p.Total != int64(len(out)) {
			t.Errorf("GET %s: total %d but %d hits", path, p.Total, len(out))
		}
		for _, f := range p.Facets {
			for _, v := range f.Values {
				if v.Count > len(out) {
					t.Errorf("GET %s: facet %s value %s counts %d of %d hits", path, f.Name, v.Value, v.Count, len(out))
				}
			}
		}
		return out
	}

	r := do(t, s, http.StatusCreated, "POST", "/api/v1/organisations", map[string]any{"name": "Numbat Advocacy Service", "sector": "specialist_da_service"})
	applied(r, "POST organisation")
	org := idOf(decode(t, r))
	r = do(t, s, http.StatusCreated, "POST", "/api/v1/reviews", map[string]any{"type": "DHR", "partnership_id": w.pe, "reference": "SR-RYW-1",
		"title": "Adult D", "status": "published", "published_on": "2024-02-01", "visibility": "public"})
	applied(r, "POST review")
	review := idOf(decode(t, r))

	// Create: found at once, by the writer and by a viewer of another partnership.
	r = do(t, s, http.StatusCreated, "POST", "/api/v1/recommendations", map[string]any{"review_id": review, "number": "1", "title": "Pathway",
		"text": "Map the quokka pathway for every agency.", "scope": "local",
		"addressees": []map[string]any{{"organisation_id": org, "role": "lead"}}})
	applied(r, "POST recommendation")
	id := idOf(decode(t, r))
	if got := ids(srPath("q", "quokka")); !slices.Equal(got, []string{id}) {
		t.Errorf("after create: quokka found %v, want [%s]", got, id)
	}
	if got := ids(srPath("q", "quokka"), w.viewerHeader...); !slices.Equal(got, []string{id}) {
		t.Errorf("after create, as a viewer: quokka found %v, want [%s]", got, id)
	}

	// Update the text and the themes: the new words are found, the old ones are not.
	r = do(t, s, http.StatusOK, "PATCH", "/api/v1/recommendations/"+id, map[string]any{"text": "Map the wombat pathway for every agency.",
		"themes": []map[string]any{{"code": "stalking"}}}, "If-Match", etagOf(t, s, "/api/v1/recommendations/"+id))
	applied(r, "PATCH recommendation")
	if got := ids(srPath("q", "wombat")); !slices.Equal(got, []string{id}) {
		t.Errorf("after update: wombat found %v, want [%s]", got, id)
	}
	if got := ids(srPath("q", "quokka")); len(got) != 0 {
		t.Errorf("after update: quokka still found %v", got)
	}
	if got := ids(srPath("q", "theme:stalking", "sort", "oldest")); !slices.Equal(got, []string{w.rec["a"], id}) {
		t.Errorf("after update: theme:stalking found %v, want [a %s]", got, id)
	}

	// Rename the addressee: the recommendation is found by the new name.
	r = do(t, s, http.StatusOK, "PATCH", "/api/v1/organisations/"+org, map[string]any{"name": "Bilby Advocacy Service"},
		"If-Match", etagOf(t, s, "/api/v1/organisations/"+org))
	applied(r, "PATCH organisation")
	if got := ids(srPath("q", `agency:"Bilby Advocacy"`)); !slices.Equal(got, []string{id}) {
		t.Errorf("after renaming the addressee: agency:\"Bilby Advocacy\" found %v, want [%s]", got, id)
	}
	if got := ids(srPath("q", "numbat")); len(got) != 0 {
		t.Errorf("after renaming the addressee: the old name still finds %v", got)
	}
	p := w.search(t, srPath("q", "wombat", "facets", "organisation"))
	if _, labels, _ := p.facet("organisation"); labels[org] != "Bilby Advocacy Service" {
		t.Errorf("after renaming the addressee: organisation facet labels %v", labels)
	}

	// Restrict the review: it disappears at once for a viewer of another partnership, totals and
	// facets included, and stays for the system.
	r = do(t, s, http.StatusOK, "PATCH", "/api/v1/reviews/"+review, map[string]any{"visibility": "restricted"},
		"If-Match", etagOf(t, s, "/api/v1/reviews/"+review))
	applied(r, "PATCH review visibility")
	for _, path := range []string{srPath("q", "wombat"), srPath("q", "wombat", "organisation", org), srPath("partnership", w.pe, "year", "2024")} {
		if got := ids(path, w.viewerHeader...); len(got) != 0 {
			t.Errorf("after restricting, as a viewer of another partnership: GET %s found %v", path, got)
		}
	}
	if got := ids(srPath("q", "wombat")); !slices.Equal(got, []string{id}) {
		t.Errorf("after restricting, as the system: wombat found %v, want [%s]", got, id)
	}
	// A panel member of the review's partnership still finds it.
	panel := srToken(t, s, "panel@search.example.org", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: w.pe})
	if got := ids(srPath("q", "wombat"), "Authorization", "Bearer "+panel); !slices.Equal(got, []string{id}) {
		t.Errorf("after restricting, as the panel: wombat found %v, want [%s]", got, id)
	}

	// Delete: gone.
	r = do(t, s, http.StatusNoContent, "DELETE", "/api/v1/recommendations/"+id, nil, "If-Match", etagOf(t, s, "/api/v1/recommendations/"+id))
	applied(r, "DELETE recommendation")
	if got := ids(srPath("q", "wombat")); len(got) != 0 {
		t.Errorf("after delete: wombat still found %v", got)
	}
	if got := ids(srPath("q", "pathway")); len(got) != 0 {
		t.Errorf("after delete: pathway still found %v", got)
	}
	// Reads say nothing about the index.
	if r := s.Do("GET", "/api/v1/reviews/"+review, nil); r.Header.Get("X-Search-Consistency") != "" {
		t.Errorf("GET review: X-Search-Consistency %q on a read", r.Header.Get("X-Search-Consistency"))
	}
}

// TestSearchDemoData: the demo data, loaded at start, is searchable once the index is built; until
// then a text query answers 503 and a browse is answered from the database listing.
func TestSearchDemoData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		start := time.Now()
		var r apitest.Response
		for {
			r = s.Do("GET", "/api/v1/search?facets=type&limit=100&q=police", nil)
			if r.Status != http.StatusServiceUnavailable || time.Since(start) > 10*time.Second {
				break
			}
			checkProblem(t, r, "/api/v1/search", problemWant{Status: http.StatusServiceUnavailable, Type: "unavailable"})
			time.Sleep(20 * time.Millisecond)
		}
		r = s.Do("GET", "/api/v1/search?facets=type&limit=100", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET /api/v1/search after %s: status %d: %s", time.Since(start), r.Status, r.Body)
		}
		t.Logf("%s: the index answered after %s", dialect, time.Since(start).Round(time.Millisecond))
		var p srPage
		r.JSON(t, &p)
		if want := total(t, s, "/api/v1/recommendations"); p.Total != want || want == 0 {
			t.Errorf("search total %d, recommendations total %d", p.Total, want)
		}
		var byType int64
		for _, f := range p.Facets {
			for _, v := range f.Values {
				byType += int64(v.Count)
			}
		}
		if byType != p.Total {
			t.Errorf("type facet counts add up to %d, total %d", byType, p.Total)
		}
		for _, q := range []string{"marac", "training", `"risk assessment"`} {
			var hits srPage
			do(t, s, http.StatusOK, "GET", srPath("q", q), nil).JSON(t, &hits)
			if hits.Total == 0 || len(hits.Items) == 0 {
				t.Errorf("q=%s: nothing found in the demo data", q)
			}
		}
	})
}
