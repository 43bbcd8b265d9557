package indexer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/indexer"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/taxonomy"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func sysCtx() context.Context { return casereview.WithActor(context.Background(), casereview.System) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func date(s string) *casereview.Date { d := casereview.MustDate(s); return &d }

// env is a database, an index on disk and an indexer following the one into the other.
type env struct {
	s   *store.Store
	dir string
	idx *bleveindex.Index
	x   *indexer.Indexer
}

func newEnv(t *testing.T, dialect string) *env {
	t.Helper()
	e := &env{s: dbtest.Open(t, dialect, dbtest.Options{}), dir: filepath.Join(t.TempDir(), "index")}
	e.open(t)
	t.Cleanup(func() {
		if e.idx != nil {
			e.idx.Close()
		}
	})
	return e
}

// open opens the index from disk and starts a new indexer on it, as a restarted process does.
func (e *env) open(t *testing.T) {
	t.Helper()
	idx, err := bleveindex.Open(e.dir)
	must(t, err)
	x, err := indexer.New(e.s, idx, quiet)
	if err != nil {
		idx.Close()
		t.Fatal(err)
	}
	e.idx, e.x = idx, x
}

// crash drops the indexer and closes the index without applying what the journal holds.
func (e *env) crash(t *testing.T) {
	t.Helper()
	must(t, e.idx.Close())
	e.idx, e.x = nil, nil
}

func (e *env) head(t *testing.T) int64 {
	t.Helper()
	h, err := e.s.JournalHead(context.Background())
	must(t, err)
	return h
}

// catchUp steps until the journal is exhausted and checks that the indexer and the index both
// record the journal head.
func (e *env) catchUp(t *testing.T) {
	t.Helper()
	for i := 0; ; i++ {
		n, err := e.x.Step(context.Background())
		must(t, err)
		if n == 0 {
			break
		}
		if i > 1000 {
			t.Fatal("the indexer never caught up")
		}
	}
	e.atHead(t)
}

func (e *env) atHead(t *testing.T) {
	t.Helper()
	head := e.head(t)
	if got := e.x.Applied(); got != head {
		t.Fatalf("indexer applied %d; journal head %d", got, head)
	}
	if got, err := e.idx.AppliedSeq(); err != nil || got != head {
		t.Fatalf("index records applied seq %d (%v); journal head %d", got, err, head)
	}
}

// hits returns the ids an unrestricted search for q (with filters) finds, over every page.
func hits(t *testing.T, idx search.Index, q string, filters map[string][]string) map[string]bool {
	t.Helper()
	node, err := query.Parse(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	out := map[string]bool{}
	var after []string
	for page := 0; ; page++ {
		res, err := idx.Search(context.Background(), search.Request{Query: node, Filters: filters, Scope: casereview.ReadScope{All: true},
			Sort: search.SortOldest, Size: casereview.MaxPageSize, After: after})
		if err != nil {
			t.Fatalf("search %q %v: %v", q, filters, err)
		}
		for _, h := range res.Hits {
			out[h.ID] = true
		}
		if len(res.Hits) < casereview.MaxPageSize || page > 100 {
			if uint64(len(out)) != res.Total {
				t.Fatalf("search %q: %d hits over all pages; total %d", q, len(out), res.Total)
			}
			return out
		}
		after = res.Hits[len(res.Hits)-1].SortKey
	}
}

func set(ids ...string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func expectHits(t *testing.T, idx search.Index, q string, want ...string) {
	t.Helper()
	if got := hits(t, idx, q, nil); !sameSet(got, set(want...)) {
		t.Fatalf("search %s:\n got  %v\n want %v", q, sorted(got), sorted(set(want...)))
	}
}

// allRecommendations returns the documents the database says the index should hold.
func allRecommendations(t *testing.T, s *store.Store) []search.Document {
	t.Helper()
	ctx := context.Background()
	var ids []string
	after := ""
	for {
		page, err := s.RecommendationIDsAfter(ctx, after, 100)
		must(t, err)
		if len(page) == 0 {
			break
		}
		ids = append(ids, page...)
		after = page[len(page)-1]
	}
	docs, err := s.SearchDocuments(ctx, ids)
	must(t, err)
	if len(docs) != len(ids) {
		t.Fatalf("SearchDocuments returned %d documents for %d ids", len(docs), len(ids))
	}
	return docs
}

// inStep checks that the index holds exactly the database's recommendations and that every
// keyword field of every document answers field queries exactly as the database says it should
// (both ways: each query finds precisely the documents with that value), and returns the
// database's documents by id.
func inStep(t *testing.T, s *store.Store, idx search.Index) map[string]search.Document {
	t.Helper()
	docs := allRecommendations(t, s)
	byID := map[string]search.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	want := map[string]bool{}
	for id := range byID {
		want[id] = true
	}
	if got := hits(t, idx, "", nil); !sameSet(got, want) {
		t.Fatalf("index holds %v; database holds %v", sorted(got), sorted(want))
	}
	if n, err := idx.Count(); err != nil || n != uint64(len(docs)) {
		t.Fatalf("index counts %d documents (%v); database has %d", n, err, len(docs))
	}

	queries := map[string]map[string]bool{}
	groups := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, key, id string) {
		if m[key] == nil {
			m[key] = map[string]bool{}
		}
		m[key][id] = true
	}
	quoted := func(field, v string) string { return field + `:"` + v + `"` }
	for _, d := range docs {
		add(queries, "type:"+d.ReviewType, d.ID)
		add(queries, "visibility:"+d.Visibility, d.ID)
		add(queries, quoted("reference", d.ReviewReference), d.ID)
		add(queries, quoted("number", d.Number), d.ID)
		add(queries, quoted("partnership", d.PartnershipID), d.ID)
		add(queries, fmt.Sprintf("year:%d", d.Year), d.ID)
		for _, a := range d.AreaCodes {
			add(queries, quoted("area", a), d.ID)
		}
		for field, v := range map[string]string{"scope": d.Scope, "response": d.ResponseStatus, "implementation": d.ImplementationStatus,
			"oversight": d.OversightStatus, "intervention": d.InterventionType} {
			if v != "" {
				add(queries, field+":"+v, d.ID)
			}
		}
		for _, o := range d.OrganisationIDs {
			add(queries, quoted("org", o), d.ID)
		}
		for _, sec := range d.Sectors {
			add(queries, "sector:"+sec, d.ID)
		}
		for _, c := range d.ThemeCodes {
			add(queries, "theme:"+c, d.ID)
		}
		for _, sl := range d.ThemeSlugs {
			add(queries, "theme:"+sl, d.ID)
		}
		for _, g := range d.ThemeGroups {
			add(groups, g, d.ID)
		}
	}
	for q, w := range queries {
		if got := hits(t, idx, q, nil); !sameSet(got, w) {
			t.Errorf("search %s:\n got  %v\n want %v", q, sorted(got), sorted(w))
		}
	}
	for g, w := range groups {
		if got := hits(t, idx, "", map[string][]string{search.FacetThemeGroup: {g}}); !sameSet(got, w) {
			t.Errorf("theme group %s:\n got  %v\n want %v", g, sorted(got), sorted(w))
		}
	}
	// Analysed text fields: each document is found by all the words of its own names (other
	// documents may share words, so only this direction is exact). The bracketed form applies the
	// field to every word; agency:"…" phrases are not used because the mapping indexes these
	// fields without positions (see the report on internal/search/bleve/mapping.go).
	words := func(field, v string) string { return field + ":(" + v + ")" }
	for _, d := range docs {
		var qs []string
		if d.PartnershipName != "" {
			qs = append(qs, words("partnership", d.PartnershipName))
		}
		for _, n := range d.OrganisationNames {
			qs = append(qs, words("agency", n))
		}
		for _, q := range qs {
			if !hits(t, idx, q, nil)[d.ID] {
				t.Errorf("search %s does not find %s", q, d.ID)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return byID
}

// world is a partnership, three organisations and two reviews.
type world struct {
	p                       casereview.Partnership
	police, council, health casereview.Organisation
	dhr, sar                casereview.Review
}

func newWorld(t *testing.T, s *store.Store) world {
	t.Helper()
	ctx := sysCtx()
	var w world
	var err error
	w.p, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold"}})
	must(t, err)
	w.police, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police", Aliases: []string{"NFP"}})
	must(t, err)
	w.council, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Council Children's Services", Sector: "la_childrens_services"})
	must(t, err)
	w.health, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Health Trust", Sector: "nhs_trust"})
	must(t, err)
	pub := casereview.MustDate("2025-06-01")
	w.dhr, err = s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: w.p.ID, Reference: "NF-DHR-01", Title: "Adult Q",
		Status: "published", PublishedOn: &pub, Visibility: "shared"})
	must(t, err)
	w.sar, err = s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: w.p.ID, Reference: "NF-SAR-01", Title: "Mr B",
		Status: "in_progress", Visibility: "restricted"})
	must(t, err)
	return w
}

func (w world) rec(reviewID, number, text string, lead casereview.Organisation, themes ...string) casereview.RecommendationDraft {
	d := casereview.RecommendationDraft{ReviewID: reviewID, Number: number, Text: text, Scope: "local",
		Addressees: []casereview.AddresseeDraft{{OrganisationID: lead.ID, Role: "lead"}}}
	for _, th := range themes {
		d.Themes = append(d.Themes, casereview.ThemeDraft{Code: th})
	}
	return d
}

// 1. Every write path reaches the index: after stepping, the index answers every field query
// exactly as the database's documents say it should.
func TestEveryWritePathBecomesSearchable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)

		rec1, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "1", "Refresh the kingfisher protocol.", w.police, "risk-assessment", "A02"))
		must(t, err)
		d2 := w.rec(w.dhr.ID, "2", "Share information about stalking.", w.police, "stalking")
		d2.Addressees = append(d2.Addressees, casereview.AddresseeDraft{OrganisationID: w.council.ID, Role: "supporting"})
		training := "training"
		d2.InterventionType = &training
		rec2, err := s.CreateRecommendation(ctx, d2)
		must(t, err)
		rec3, err := s.CreateRecommendation(ctx, w.rec(w.sar.ID, "1", "Audit discharge planning.", w.health, "C03"))
		must(t, err)
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "kingfisher", rec1.ID)
		expectHits(t, e.idx, "type:DHR", rec1.ID, rec2.ID)

		// Recommendation update: text, addressees and themes all change.
		rd := rec1.Draft()
		rd.Text = "Commission an osprey audit."
		rd.Addressees = []casereview.AddresseeDraft{{OrganisationID: w.council.ID, Role: "lead"}}
		rd.Themes = []casereview.ThemeDraft{{Code: "stalking"}}
		rec1, err = s.UpdateRecommendation(ctx, rec1.ID, rec1.Version, rd)
		must(t, err)
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "kingfisher")
		expectHits(t, e.idx, "osprey", rec1.ID)
		expectHits(t, e.idx, `agency:(Northfold Police)`, rec2.ID)
		expectHits(t, e.idx, "org:"+w.council.ID, rec1.ID, rec2.ID)
		expectHits(t, e.idx, "theme:risk-assessment")
		expectHits(t, e.idx, "theme:stalking", rec1.ID, rec2.ID)

		// Actions and responses: the recommendation is re-indexed with its rolled-up statuses.
		before := inStep(t, s, e.idx)[rec2.ID]
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec2.ID, OrganisationID: w.police.ID, Description: "Write the protocol.",
			TargetDate: date("2030-09-30")})
		must(t, err)
		act, err = s.ProgressAction(ctx, act.ID, act.Version, casereview.ActionProgress{Status: casereview.ImplInProgress})
		must(t, err)
		_, err = s.RecordResponse(ctx, rec2.ID, casereview.ResponseDraft{OrganisationID: w.police.ID, Decision: casereview.ResponseAccepted,
			Narrative: "We accept it.", Timetable: "By September."})
		must(t, err)
		e.catchUp(t)
		after := inStep(t, s, e.idx)[rec2.ID]
		if after.ImplementationStatus == before.ImplementationStatus || after.ResponseStatus == before.ResponseStatus {
			t.Fatalf("the action and response changed no status: %s/%s -> %s/%s", before.ImplementationStatus, before.ResponseStatus,
				after.ImplementationStatus, after.ResponseStatus)
		}
		expectHits(t, e.idx, "implementation:"+string(casereview.ImplInProgress), rec2.ID)
		expectHits(t, e.idx, "response:accepted", rec2.ID)

		// Review changes re-index every recommendation of the review.
		rvd := w.dhr.Draft()
		rvd.Type, rvd.Visibility, rvd.Title, rvd.Reference = "SAR", "restricted", "Adult Q (revised)", "NF-SAR-09"
		w.dhr, err = s.UpdateReview(ctx, w.dhr.ID, w.dhr.Version, rvd)
		must(t, err)
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "type:DHR")
		expectHits(t, e.idx, "type:SAR", rec1.ID, rec2.ID, rec3.ID)
		expectHits(t, e.idx, "visibility:shared")
		expectHits(t, e.idx, "reference:NF-SAR-09", rec1.ID, rec2.ID)

		// Organisation rename: the recommendations addressed to it.
		od := w.police.Draft()
		od.Name = "Eastfold Constabulary"
		w.police, err = s.UpdateOrganisation(ctx, w.police.ID, w.police.Version, od)
		must(t, err)
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, `agency:(Eastfold Constabulary)`, rec2.ID)
		expectHits(t, e.idx, `agency:(Northfold Police)`)

		// Partnership rename (and new area codes): every recommendation of its reviews.
		pd := w.p.Draft()
		pd.Name, pd.AreaCodes = "Riverside Safeguarding Partnership", []string{"LA:Riverside"}
		w.p, err = s.UpdatePartnership(ctx, w.p.ID, w.p.Version, pd)
		must(t, err)
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, `partnership:(Riverside Safeguarding Partnership)`, rec1.ID, rec2.ID, rec3.ID)
		expectHits(t, e.idx, `partnership:(Northfold CSP)`)
		expectHits(t, e.idx, `area:"LA:Northfold"`)

		// A new taxonomy version that renames a theme's slug and moves it to another group.
		tax := relabelled(t, "A09", "stalking-harassment", "B")
		changed, err := s.SeedTaxonomy(ctx, tax)
		must(t, err)
		if !changed {
			t.Fatal("the new taxonomy version changed nothing")
		}
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "theme:stalking")
		expectHits(t, e.idx, "theme:stalking-harassment", rec1.ID, rec2.ID)
		expectHits(t, e.idx, `theme:"relabelled theme"`, rec1.ID, rec2.ID) // the new label's words
		expectHits(t, e.idx, "theme:A09", rec1.ID, rec2.ID)
		if got := hits(t, e.idx, "", map[string][]string{search.FacetThemeGroup: {"B"}}); !got[rec1.ID] || !got[rec2.ID] {
			t.Fatalf("theme group B after the move: %v", sorted(got))
		}

		// Deletions.
		act, err = s.GetAction(ctx, act.ID)
		must(t, err)
		must(t, s.DeleteAction(ctx, act.ID, act.Version))
		rec3, err = s.GetRecommendation(ctx, rec3.ID)
		must(t, err)
		must(t, s.DeleteRecommendation(ctx, rec3.ID, rec3.Version))
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "", rec1.ID, rec2.ID)
	})
}

// relabelled returns the default taxonomy one version on, with theme code given a new slug,
// label and group. The default is shared, so it is copied.
func relabelled(t *testing.T, code, slug, group string) *taxonomy.Taxonomy {
	t.Helper()
	def, err := taxonomy.Default()
	must(t, err)
	tax := *def
	tax.Version++
	tax.Themes = append([]taxonomy.Theme(nil), def.Themes...)
	found := false
	for i := range tax.Themes {
		if tax.Themes[i].Code == code {
			// A label sharing no word with the old one, so the old slug's word finds nothing.
			tax.Themes[i].Slug, tax.Themes[i].Group, tax.Themes[i].Label = slug, group, "Relabelled theme "+code
			found = true
		}
	}
	if !found {
		t.Fatalf("no theme %s in the default taxonomy", code)
	}
	return &tax
}

// 2. A crash between commit and indexing loses nothing: the index records what it applied, and a
// new indexer on the reopened index resumes from there.
func TestCrashBetweenCommitAndIndexingLosesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)
		rec1, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "1", "Refresh the kingfisher protocol.", w.police, "stalking"))
		must(t, err)
		rec2, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "2", "Audit the heron pathway.", w.police))
		must(t, err)
		e.catchUp(t)
		applied := e.x.Applied()

		// Committed but never indexed.
		rec3, err := s.CreateRecommendation(ctx, w.rec(w.sar.ID, "1", "Train staff on the osprey tool.", w.health, "C03"))
		must(t, err)
		rd := rec1.Draft()
		rd.Text = "Replace the kingfisher protocol with the egret protocol."
		_, err = s.UpdateRecommendation(ctx, rec1.ID, rec1.Version, rd)
		must(t, err)
		must(t, s.DeleteRecommendation(ctx, rec2.ID, rec2.Version))
		od := w.police.Draft()
		od.Name = "Eastfold Constabulary"
		_, err = s.UpdateOrganisation(ctx, w.police.ID, w.police.Version, od)
		must(t, err)
		if e.head(t) <= applied {
			t.Fatal("the writes journalled nothing")
		}
		e.crash(t)

		e.open(t)
		if got := e.x.Applied(); got != applied {
			t.Fatalf("the reopened indexer starts at %d; the index had applied %d", got, applied)
		}
		expectHits(t, e.idx, "osprey") // still behind
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "", rec1.ID, rec3.ID)
		expectHits(t, e.idx, "egret", rec1.ID)
		expectHits(t, e.idx, "osprey", rec3.ID)
		expectHits(t, e.idx, `agency:(Eastfold Constabulary)`, rec1.ID)

		// And once more, with nothing to do: the reopened indexer is at the head already.
		e.crash(t)
		e.open(t)
		e.atHead(t)
		if n, err := e.x.Step(context.Background()); err != nil || n != 0 {
			t.Fatalf("a caught-up index stepped %d rows (%v)", n, err)
		}
	})
}

// 3. Writers racing one another while the indexer follows them: once it has applied the final
// head, the index is exactly the database. On PostgreSQL this is where a journal sequence that
// committed after a higher one would be skipped.
func TestConcurrentWritersConverge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s := e.s
		w := newWorld(t, s)
		s.OnCommit(func(int64) { e.x.Wake() })
		runCtx, stop := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		go func() { ran <- e.x.Run(runCtx) }()
		defer func() {
			stop()
			select {
			case err := <-ran:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		}()

		const writers, writes = 8, 25
		var mu sync.Mutex
		live, deleted := map[string]bool{}, map[string]bool{}
		var wg sync.WaitGroup
		for g := 0; g < writers; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				ctx := sysCtx()
				orgs := []casereview.Organisation{w.police, w.council, w.health}
				var mine []casereview.Recommendation
				for i := 0; i < writes; i++ {
					switch {
					case i%5 == 2 && len(mine) > 0: // update the oldest
						r := mine[0]
						d := r.Draft()
						d.Text = fmt.Sprintf("Revised by writer %d at step %d.", g, i)
						r, err := s.UpdateRecommendation(ctx, r.ID, r.Version, d)
						if err != nil {
							t.Errorf("writer %d update: %v", g, err)
							return
						}
						mine[0] = r
					case i%5 == 4 && len(mine) > 0: // delete the newest
						r := mine[len(mine)-1]
						if err := s.DeleteRecommendation(ctx, r.ID, r.Version); err != nil {
							t.Errorf("writer %d delete: %v", g, err)
							return
						}
						mine = mine[:len(mine)-1]
						mu.Lock()
						delete(live, r.ID)
						deleted[r.ID] = true
						mu.Unlock()
					default:
						rv := w.dhr.ID
						if i%2 == 1 {
							rv = w.sar.ID
						}
						r, err := s.CreateRecommendation(ctx, w.rec(rv, fmt.Sprintf("W%d-%d", g, i), fmt.Sprintf("Writer %d recommendation %d.", g, i),
							orgs[(g+i)%len(orgs)], "stalking"))
						if err != nil {
							t.Errorf("writer %d create: %v", g, err)
							return
						}
						mine = append(mine, r)
						mu.Lock()
						live[r.ID] = true
						mu.Unlock()
					}
				}
			}(g)
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		head := e.head(t)
		if !e.x.WaitFor(context.Background(), head, 20*time.Second) {
			t.Fatalf("the indexer did not reach the head %d (at %d)", head, e.x.Applied())
		}
		if !e.x.Ready() {
			t.Fatal("the indexer caught up but does not say it is ready")
		}
		e.atHead(t)
		byID := inStep(t, s, e.idx)
		if !sameSet(set(sorted(live)...), set(keysOf(byID)...)) {
			t.Fatalf("the database holds %d recommendations; the writers left %d", len(byID), len(live))
		}
		all := hits(t, e.idx, "", nil)
		for id := range deleted {
			if all[id] {
				t.Fatalf("deleted recommendation %s is still in the index", id)
			}
		}
		if len(deleted) == 0 || len(live) == 0 {
			t.Fatalf("the workload deleted %d and kept %d", len(deleted), len(live))
		}
		for id, d := range byID {
			if strings.HasPrefix(d.Text, "Revised") && !hits(t, e.idx, fmt.Sprintf("%q", d.Text), nil)[id] {
				t.Fatalf("the update of %s (%q) is not in the index", id, d.Text)
			}
		}
	})
}

func keysOf(m map[string]search.Document) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// 4. A rebuild fills an empty index from the database and records the head it read first, so a
// write made while it runs is applied by following the journal afterwards.
func TestRebuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)
		rec1, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "1", "Refresh the kingfisher protocol.", w.police, "stalking"))
		must(t, err)
		rec2, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "2", "Audit the heron pathway.", w.council))
		must(t, err)
		rec3, err := s.CreateRecommendation(ctx, w.rec(w.sar.ID, "1", "Train staff on the osprey tool.", w.health, "C03"))
		must(t, err)
		head := e.head(t)

		calls := 0
		err = indexer.Rebuild(context.Background(), s, e.idx, func(done int) {
			calls++
			if calls > 1 {
				return
			}
			if done != 3 {
				t.Errorf("progress reported %d done; want 3", done)
			}
			// Both recommendations are already in the index: only the journal can bring these in.
			rd := rec1.Draft()
			rd.Text = "Replace the kingfisher protocol with the egret protocol."
			if _, err := s.UpdateRecommendation(ctx, rec1.ID, rec1.Version, rd); err != nil {
				t.Errorf("update during rebuild: %v", err)
			}
			if err := s.DeleteRecommendation(ctx, rec2.ID, rec2.Version); err != nil {
				t.Errorf("delete during rebuild: %v", err)
			}
		})
		must(t, err)
		if calls == 0 {
			t.Fatal("Rebuild never reported progress")
		}
		if got, err := e.idx.AppliedSeq(); err != nil || got != head {
			t.Fatalf("rebuilt index records %d (%v); want the head read before the rebuild, %d", got, err, head)
		}
		if e.head(t) <= head {
			t.Fatal("the writes during the rebuild journalled nothing")
		}
		expectHits(t, e.idx, "", rec1.ID, rec2.ID, rec3.ID) // as read during the rebuild
		expectHits(t, e.idx, "egret")

		// A process starting on the rebuilt index resumes from the recorded head.
		e.crash(t)
		e.open(t)
		if got := e.x.Applied(); got != head {
			t.Fatalf("indexer on the rebuilt index starts at %d; want %d", got, head)
		}
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "", rec1.ID, rec3.ID)
		expectHits(t, e.idx, "egret", rec1.ID)
		expectHits(t, e.idx, "kingfisher", rec1.ID)

		// Check: fine at the head, ErrBehind when the index is ahead of the database.
		must(t, indexer.Check(context.Background(), s, e.idx))
		now := e.head(t)
		must(t, e.idx.Apply(context.Background(), nil, nil, now+10))
		if err := indexer.Check(context.Background(), s, e.idx); !errors.Is(err, indexer.ErrBehind) {
			t.Fatalf("Check on an index ahead of the database: %v; want ErrBehind", err)
		}
	})
}

// The indexer's own Rebuild moves its cursor to the head the rebuild recorded, so it does not
// replay the whole journal over the documents it has just written.
func TestIndexerRebuildMovesItsCursor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)
		for i := 1; i <= 3; i++ {
			_, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, fmt.Sprint(i), "Refresh the protocol.", w.police, "stalking"))
			must(t, err)
		}
		if e.x.Applied() != 0 {
			t.Fatalf("a new index starts at %d", e.x.Applied())
		}
		must(t, e.x.Rebuild(context.Background(), nil))
		e.atHead(t)
		if n, err := e.x.Step(context.Background()); err != nil || n != 0 {
			t.Fatalf("after a rebuild the indexer replayed %d journal rows (%v)", n, err)
		}
		inStep(t, s, e.idx)
	})
}

// A rebuild of a database with no recommendations still records the head.
func TestRebuildEmptyDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		head := e.head(t)
		if head == 0 {
			t.Fatal("the seeded taxonomy journalled nothing")
		}
		must(t, indexer.Rebuild(context.Background(), e.s, e.idx, nil))
		if got, err := e.idx.AppliedSeq(); err != nil || got != head {
			t.Fatalf("empty rebuild records %d (%v); want %d", got, err, head)
		}
		if n, _ := e.idx.Count(); n != 0 {
			t.Fatalf("empty rebuild indexed %d documents", n)
		}
	})
}

// wideSource makes one journal entry affect a great many recommendation ids, as a taxonomy
// upgrade does on a large corpus (every theme is journalled, so every tagged recommendation is
// affected in one batch). The extra ids do not exist, so they must come out as deletions.
type wideSource struct {
	*store.Store
	target string
	extra  []string
}

func (w wideSource) AffectedRecommendations(ctx context.Context, typ string, ids []string) ([]string, error) {
	out, err := w.Store.AffectedRecommendations(ctx, typ, ids)
	if typ == "recommendation" && slices.Contains(ids, w.target) {
		out = append(out, w.extra...)
	}
	return out, err
}

// One batch may affect more recommendations than a database accepts as bind parameters in one
// statement (32,766 on SQLite, 65,535 on PostgreSQL); the indexer must still apply it.
func TestStepWithVeryManyAffectedRecommendations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)
		e.catchUp(t)
		rec, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "1", "Refresh the kingfisher protocol.", w.police, "stalking"))
		must(t, err)
		src := wideSource{Store: s, target: rec.ID}
		for i := 0; i < 70_000; i++ {
			src.extra = append(src.extra, fmt.Sprintf("00000000-0000-7000-8000-%012d", i))
		}
		x, err := indexer.New(src, e.idx, quiet)
		must(t, err)
		e.x = x
		e.catchUp(t)
		inStep(t, s, e.idx)
		expectHits(t, e.idx, "kingfisher", rec.ID)
	})
}
