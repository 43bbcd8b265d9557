package casereview_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	cr "github.com/casereview/casereview/internal/casereview"
)

var auditStart = time.Date(2024, 6, 15, 9, 30, 0, 123456000, time.UTC)

// auditChain returns n linked events, as the store writes them.
func auditChain(n int) []cr.AuditEvent {
	actions := []cr.AuditAction{cr.AuditReviewCreated, cr.AuditRecommendationCreated, cr.AuditActionUpdated,
		cr.AuditLogin, cr.AuditExport}
	out := make([]cr.AuditEvent, n)
	prev := ""
	for i := range out {
		e := cr.AuditEvent{Seq: int64(i + 1), OccurredAt: auditStart.Add(time.Duration(i) * time.Minute),
			ActorUserID: idA, ActorName: "Pat Panel", ActorOrganisationID: idB, Action: actions[i%len(actions)],
			EntityType: "review", EntityID: idC, Before: `{"status":"commissioned"}`, After: `{"status":"in_progress"}`,
			RequestID: "req-" + string(rune('a'+i)), ClientIP: "192.0.2.10", PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out[i] = e
	}
	return out
}

// verifyChain feeds events to a verifier the way the store does: stop at the first broken link.
func verifyChain(events []cr.AuditEvent, headSeq int64, headHash string) cr.ChainCheck {
	var v cr.ChainVerifier
	for _, e := range events {
		if !v.Next(e) {
			break
		}
	}
	return v.Finish(headSeq, headHash)
}

func rehash(e *cr.AuditEvent) { e.Hash = e.ComputeHash() }

func TestAuditChainIntact(t *testing.T) {
	chain := auditChain(5)
	got := verifyChain(chain, 5, chain[4].Hash)
	want := cr.ChainCheck{OK: true, Checked: 5, FirstSeq: 1, LastSeq: 5, HeadHash: chain[4].Hash, FinalHash: chain[4].Hash}
	if got != want {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestAuditChainEmpty(t *testing.T) {
	got := verifyChain(nil, 0, "")
	if got != (cr.ChainCheck{OK: true}) {
		t.Fatalf("empty chain with an empty head: %+v", got)
	}
	// An empty chain under a head that says events were written has lost them all.
	got = verifyChain(nil, 3, auditChain(3)[2].Hash)
	if got.OK || got.BrokenAt != 1 {
		t.Fatalf("empty chain under head 3: %+v", got)
	}
	got = verifyChain(nil, 0, "0000")
	if got.OK || got.BrokenAt == 0 {
		t.Fatalf("empty chain under a head with a hash: %+v", got)
	}
}

func TestAuditChainTampering(t *testing.T) {
	cases := []struct {
		name string
		// edit changes the stored chain; head gets the intact chain and returns the recorded head.
		edit     func(c []cr.AuditEvent) []cr.AuditEvent
		head     func(c []cr.AuditEvent) (int64, string)
		brokenAt int64
		checked  int64
		problem  string // a word the explanation must contain
	}{
		{name: "actor name changed", edit: func(c []cr.AuditEvent) []cr.AuditEvent { c[2].ActorName = "Someone Else"; return c },
			brokenAt: 3, checked: 2, problem: "changed"},
		{name: "after JSON changed", edit: func(c []cr.AuditEvent) []cr.AuditEvent { c[2].After = `{"status":"closed"}`; return c },
			brokenAt: 3, checked: 2, problem: "changed"},
		{name: "before JSON cleared", edit: func(c []cr.AuditEvent) []cr.AuditEvent { c[0].Before = ""; return c },
			brokenAt: 1, checked: 0, problem: "changed"},
		{name: "action changed", edit: func(c []cr.AuditEvent) []cr.AuditEvent { c[1].Action = cr.AuditReviewDeleted; return c },
			brokenAt: 2, checked: 1, problem: "changed"},
		{name: "occurred_at moved by 1µs", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			c[3].OccurredAt = c[3].OccurredAt.Add(time.Microsecond)
			return c
		}, brokenAt: 4, checked: 3, problem: "changed"},
		{name: "stored hash changed", edit: func(c []cr.AuditEvent) []cr.AuditEvent { c[2].Hash = strings.Repeat("0", 64); return c },
			brokenAt: 3, checked: 2, problem: "changed"},
		{name: "event changed and re-hashed", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			c[2].ActorName = "Someone Else"
			rehash(&c[2])
			return c
		}, brokenAt: 4, checked: 3, problem: "previous"},
		{name: "middle event deleted", edit: func(c []cr.AuditEvent) []cr.AuditEvent { return append(c[:2], c[3:]...) },
			brokenAt: 4, checked: 2, problem: "missing"},
		{name: "middle event deleted and the rest renumbered", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			c = append(c[:2], c[3:]...)
			for i := 2; i < len(c); i++ {
				c[i].Seq--
				rehash(&c[i])
			}
			return c
		}, brokenAt: 3, checked: 2, problem: "previous"},
		{name: "two events swapped in order", edit: func(c []cr.AuditEvent) []cr.AuditEvent { c[1], c[2] = c[2], c[1]; return c },
			brokenAt: 3, checked: 1, problem: "missing"},
		{name: "two events swapped by sequence number", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			c[1], c[2] = c[2], c[1]
			c[1].Seq, c[2].Seq = 2, 3
			return c
		}, brokenAt: 2, checked: 1, problem: "previous"},
		{name: "event duplicated", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			return append(c[:2:2], append([]cr.AuditEvent{c[1]}, c[2:]...)...)
		}, brokenAt: 2, checked: 2},
		{name: "first event deleted", edit: func(c []cr.AuditEvent) []cr.AuditEvent { return c[1:] },
			brokenAt: 2, checked: 0, problem: "start"},
		{name: "first event claims a predecessor", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			c[0].PrevHash = strings.Repeat("a", 64)
			rehash(&c[0])
			return c
		}, brokenAt: 1, checked: 0, problem: "previous"},
		{name: "last event deleted", edit: func(c []cr.AuditEvent) []cr.AuditEvent { return c[:4] },
			brokenAt: 5, checked: 4, problem: "removed"},
		{name: "last two events deleted", edit: func(c []cr.AuditEvent) []cr.AuditEvent { return c[:3] },
			brokenAt: 4, checked: 3, problem: "removed"},
		{name: "last event changed and re-hashed", edit: func(c []cr.AuditEvent) []cr.AuditEvent {
			c[4].After = `{"status":"closed"}`
			rehash(&c[4])
			return c
		}, brokenAt: 5, checked: 5, problem: "head"},
		{name: "head hash altered", head: func(c []cr.AuditEvent) (int64, string) { return 5, strings.Repeat("f", 64) },
			brokenAt: 5, checked: 5, problem: "head"},
		{name: "head sequence raised", head: func(c []cr.AuditEvent) (int64, string) { return 7, c[4].Hash },
			brokenAt: 6, checked: 5, problem: "head"},
		{name: "events past the head", head: func(c []cr.AuditEvent) (int64, string) { return 4, c[3].Hash },
			brokenAt: 5, checked: 5, problem: "head"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			intact := auditChain(5)
			headSeq, headHash := intact[4].Seq, intact[4].Hash
			if c.head != nil {
				headSeq, headHash = c.head(auditChain(5))
			}
			events := auditChain(5)
			if c.edit != nil {
				events = c.edit(events)
			}
			got := verifyChain(events, headSeq, headHash)
			if got.OK {
				t.Fatalf("tampering not detected: %+v", got)
			}
			if got.BrokenAt != c.brokenAt {
				t.Errorf("BrokenAt %d, want %d (%s)", got.BrokenAt, c.brokenAt, got.Problem)
			}
			if got.Checked != c.checked {
				t.Errorf("Checked %d, want %d", got.Checked, c.checked)
			}
			if got.Problem == "" || (c.problem != "" && !strings.Contains(got.Problem, c.problem)) {
				t.Errorf("Problem %q, want one mentioning %q", got.Problem, c.problem)
			}
			if got.HeadHash != headHash {
				t.Errorf("HeadHash %q, want %q", got.HeadHash, headHash)
			}
		})
	}
}

// A chain renumbered from 0 is reported at its first event, with OK false even though that
// sequence number is 0.
func TestAuditChainStartingAtZero(t *testing.T) {
	var v cr.ChainVerifier
	e := cr.AuditEvent{Seq: 0, OccurredAt: auditStart, Action: cr.AuditLogin}
	rehash(&e)
	if v.Next(e) {
		t.Fatal("an event numbered 0 was accepted as the start of the chain")
	}
	got := v.Finish(0, "")
	if got.OK || !strings.Contains(got.Problem, "start") {
		t.Fatalf("got %+v", got)
	}
}

func TestAuditHashDeterministic(t *testing.T) {
	e := auditChain(3)[2]
	h := e.ComputeHash()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
		t.Fatalf("hash %q is not 64 lower-case hex digits", h)
	}
	if again := e.ComputeHash(); again != h {
		t.Fatalf("hash changed between calls: %s then %s", h, again)
	}
	if other := auditChain(3)[2]; other.ComputeHash() != h {
		t.Fatal("the same event built twice hashes differently")
	}
	// The hash does not cover itself.
	e2 := e
	e2.Hash = "anything"
	if e2.ComputeHash() != h {
		t.Fatal("the stored hash is part of what is hashed")
	}
	// The same instant read back in another zone, or with a monotonic reading, hashes the same.
	e3 := e
	e3.OccurredAt = e.OccurredAt.In(time.FixedZone("BST", 3600))
	if e3.ComputeHash() != h {
		t.Fatal("the hash depends on the time zone the time is held in")
	}
	// A pinned value: changing the canonical encoding breaks every stored chain, so it must be
	// a deliberate decision, not an accident.
	pinned := cr.AuditEvent{Seq: 1, OccurredAt: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC), ActorName: "system",
		Action: cr.AuditTaxonomySeeded, EntityType: "taxonomy", EntityID: "v1"}
	if got := pinned.ComputeHash(); got != pinnedAuditHash {
		t.Errorf("canonical hash of the pinned event is %s, want %s", got, pinnedAuditHash)
	}
}

const pinnedAuditHash = "7293bf0307eb7620487f4a33101dab7574817877b13e580aac24986602d44894"

// Every field except Hash is covered: change any one and the hash changes. New fields added to
// AuditEvent fail here until they are hashed (or deliberately listed).
func TestAuditHashCoversEveryField(t *testing.T) {
	base := auditChain(2)[1]
	h := base.ComputeHash()
	typ := reflect.TypeOf(base)
	covered := 0
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if f.Name == "Hash" {
			continue
		}
		e := base
		v := reflect.ValueOf(&e).Elem().Field(i)
		switch {
		case f.Type == reflect.TypeOf(time.Time{}):
			v.Set(reflect.ValueOf(base.OccurredAt.Add(time.Microsecond)))
		case f.Type.Kind() == reflect.String:
			v.SetString(v.String() + "x")
		case f.Type.Kind() == reflect.Int64:
			v.SetInt(v.Int() + 1)
		default:
			t.Errorf("field %s of type %s: teach this test how to change it", f.Name, f.Type)
			continue
		}
		covered++
		if e.ComputeHash() == h {
			t.Errorf("changing %s leaves the hash unchanged", f.Name)
		}
		// Emptying a field that had a value must change it too.
		if f.Type.Kind() == reflect.String && v.String() != "x" {
			e2 := base
			reflect.ValueOf(&e2).Elem().Field(i).SetString("")
			if e2.ComputeHash() == h {
				t.Errorf("emptying %s leaves the hash unchanged", f.Name)
			}
		}
	}
	if covered != typ.NumField()-1 {
		t.Errorf("checked %d fields of %d", covered, typ.NumField()-1)
	}
}

// Moving text from one field to the next changes the hash: the encoding keeps field boundaries.
func TestAuditHashKeepsFieldBoundaries(t *testing.T) {
	a := cr.AuditEvent{Seq: 1, OccurredAt: auditStart, ActorUserID: "ab", ActorName: "c"}
	b := cr.AuditEvent{Seq: 1, OccurredAt: auditStart, ActorUserID: "a", ActorName: "bc"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Error("ActorUserID/ActorName boundary is not part of the hash")
	}
	c := cr.AuditEvent{Seq: 1, OccurredAt: auditStart, Before: `{"a":1}`, After: ""}
	d := cr.AuditEvent{Seq: 1, OccurredAt: auditStart, Before: "", After: `{"a":1}`}
	if c.ComputeHash() == d.ComputeHash() {
		t.Error("Before/After are interchangeable in the hash")
	}
	// Before and After are hashed as stored text, not re-encoded JSON.
	e := cr.AuditEvent{Seq: 1, OccurredAt: auditStart, After: `{"a":1,"b":2}`}
	f := cr.AuditEvent{Seq: 1, OccurredAt: auditStart, After: `{"b":2,"a":1}`}
	if e.ComputeHash() == f.ComputeHash() {
		t.Error("re-ordered JSON keys hash the same: the stored text is not what is hashed")
	}
}

// A caller that keeps feeding events after a broken link still hears about the first one.
func TestAuditVerifierKeepsFirstBreak(t *testing.T) {
	chain := auditChain(5)
	chain[1].ActorName = "changed"
	var v cr.ChainVerifier
	results := make([]bool, len(chain))
	for i, e := range chain {
		results[i] = v.Next(e)
	}
	if !results[0] || results[1] || results[2] || results[3] || results[4] {
		t.Errorf("Next results %v, want [true false false false false]", results)
	}
	got := v.Finish(5, chain[4].Hash)
	if got.OK || got.BrokenAt != 2 || got.Checked != 1 || !strings.Contains(got.Problem, "changed") {
		t.Fatalf("got %+v, want broken at 2", got)
	}
}
